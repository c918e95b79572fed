import { describe, expect, it } from "vitest";
import { createSigningMessage } from "../../src/testing/index.js";

const ADDRESS = "0xC02aaA39b223FE8D0A0e5C4F27eAD9083C756Cc2";

describe("createSigningMessage", () => {
  it("builds picket-js's simple message", () => {
    expect(
      createSigningMessage({ statement: "Sign in to Acme", walletAddress: ADDRESS, nonce: "n1" }),
    ).toBe(`Sign in to Acme\n\nAddress: ${ADDRESS}\nNonce: n1`);
    expect(
      createSigningMessage({ format: "simple", statement: "S", walletAddress: "w", nonce: "n" }),
    ).toBe("S\n\nAddress: w\nNonce: n");
  });

  const siwe = {
    format: "siwe",
    statement: "I accept the ServiceOrg Terms of Service: https://service.invalid/tos",
    walletAddress: ADDRESS,
    nonce: "32891756",
    domain: "service.invalid",
    uri: "https://service.invalid/login",
    issuedAt: "2021-09-30T16:25:24Z",
    chainId: 1,
  } as const;

  it("builds EIP-4361's example message (without its optional fields)", () => {
    expect(createSigningMessage(siwe)).toBe(
      [
        "service.invalid wants you to sign in with your Ethereum account:",
        ADDRESS,
        "",
        "I accept the ServiceOrg Terms of Service: https://service.invalid/tos",
        "",
        "URI: https://service.invalid/login",
        "Version: 1",
        "Chain ID: 1",
        "Nonce: 32891756",
        "Issued At: 2021-09-30T16:25:24Z",
      ].join("\n"),
    );
  });

  it("names Solana throughout for chainType solana, as picket-js does", () => {
    const message = createSigningMessage({
      ...siwe,
      statement: "Ethereum fans welcome",
      chainType: "solana",
    });
    expect(message).toMatch(/^service\.invalid wants you to sign in with your Solana account:\n/);
    expect(message).toContain("\n\nSolana fans welcome\n\n");
    expect(message).not.toContain("Ethereum");
  });

  it("leaves the blank lines of an empty statement, as the siwe package does", () => {
    expect(createSigningMessage({ ...siwe, statement: "" })).toContain(`${ADDRESS}\n\n\nURI: `);
  });

  it("refuses what it cannot build with TypeErrors", () => {
    const { domain: _domain, ...noDomain } = siwe;
    expect(() => createSigningMessage(noDomain)).toThrow(/needs domain/);
    expect(() => createSigningMessage({ ...siwe, format: "eip712" as "siwe" })).toThrow(TypeError);
    expect(() =>
      createSigningMessage({ statement: "s", walletAddress: ADDRESS } as unknown as typeof siwe),
    ).toThrow(/nonce must be a string/);
  });

  it("refuses a misspelt field, which would otherwise build another message", () => {
    expect(() =>
      createSigningMessage({
        statement: "s",
        walletAddress: ADDRESS,
        nonce: "n",
        chaintype: "solana",
      } as unknown as typeof siwe),
    ).toThrow(
      new TypeError(
        "options.chaintype is not an option of createSigningMessage; did you mean chainType?",
      ),
    );
  });
});
