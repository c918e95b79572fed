import { describe, expect, it } from "vitest";
import { checkRequirements, type ErrorCode } from "../../src/index.js";
import { createTestIssuer } from "../../src/testing/index.js";
import { rejectionOf } from "../helpers/expect-code.js";

describe("chain and wallet of the claims", () => {
  const clockMs = Date.UTC(2026, 0, 1);
  const issuer = createTestIssuer({ clock: () => clockMs });
  const validator = issuer.validator({ clock: () => clockMs, tokenCache: false });

  it.each<[string, () => string, ErrorCode, string]>([
    [
      "no chain or wallet",
      () => issuer.sign({}, { omit: ["sub", "chain", "walletAddress"] }),
      "ERR_CLAIM_INVALID",
      'The token names no chain and wallet ("sub", "chain", "walletAddress")',
    ],
    [
      "a numeric sub",
      () => issuer.sign({ sub: 5 as unknown as string }),
      "ERR_CLAIM_INVALID",
      'The "sub" claim is not a string',
    ],
    [
      "a numeric walletAddress",
      () => issuer.sign({ walletAddress: 5 as unknown as string }),
      "ERR_CLAIM_INVALID",
      'The "walletAddress" claim is not a string',
    ],
  ])("%s", async (_label, token, code, message) => {
    const error = await rejectionOf(() => validator.validate(token()));
    expect(error.code).toBe(code);
    expect(error.message).toBe(message);
  });

  it("takes the network from a legacy sub, unless the token has a network claim of its own", async () => {
    const testnet = await validator.validate(
      issuer.sign({ sub: "ethereum/goerli:0xabc" }, { omit: ["chain"] }),
    );
    expect(testnet.network).toBe("goerli");
    expect(testnet.chain).toBe("ethereum/goerli");
    const mainnet = await validator.validate(
      issuer.sign({ sub: "solana/mainnet-beta:Abc" }, { omit: ["chain"] }),
    );
    expect(mainnet.network).toBe("mainnet-beta");
    expect(mainnet.chain).toBe("solana");
    const own = await validator.validate(
      issuer.sign({ sub: "ethereum/goerli:0xabc", network: "sepolia" }),
    );
    expect(own.network).toBe("sepolia");
    const none = await validator.validate(issuer.sign({ sub: "ethereum:0xabc" }));
    expect(none).not.toHaveProperty("network");
  });

  it("keeps a testnet sub's network whatever the chain claim says", async () => {
    const claims = await validator.validate(
      issuer.sign({ chain: "ethereum", sub: "ethereum/goerli:0xabc" }),
    );
    expect(claims.chain).toBe("ethereum/goerli");
    expect(checkRequirements(claims, { chain: "ethereum" }).ok).toBe(false);
    const named = await validator.validate(
      issuer.sign({ chain: "ethereum/goerli", sub: "ethereum/goerli:0xabc" }),
    );
    expect(named.chain).toBe("ethereum/goerli");
    const mainnet = await validator.validate(
      issuer.sign({ chain: "solana", sub: "solana/mainnet-beta:Abc" }),
    );
    expect(mainnet.chain).toBe("solana");
  });

  it.each([
    ["another chain than sub", "solana", "ethereum/goerli:0xabc"],
    ["another network than sub", "ethereum/sepolia", "ethereum/goerli:0xabc"],
    ["a testnet where sub names the main network", "ethereum/goerli", "ethereum:0xabc"],
  ])("refuses a chain claim naming %s", async (_label, chain, sub) => {
    const error = await rejectionOf(() => validator.validate(issuer.sign({ chain, sub })));
    expect(error.code).toBe("ERR_CLAIM_INVALID");
    expect(error.claim).toBe("chain");
    expect(error.message).toBe('The "chain" claim names another chain than "sub"');
  });

  it("takes chain and wallet from their claims when sub is absent", async () => {
    const claims = await validator.validate(issuer.sign({}, { omit: ["sub"] }));
    expect(claims.chain).toBe("ethereum");
    expect(claims.walletAddress).toBe(issuer.walletAddress);
    expect(claims.sub).toBeUndefined();
  });

  it("refuses a chain claim without any wallet, and a sub without a chain before the colon", async () => {
    const noWallet = await rejectionOf(() =>
      validator.validate(issuer.sign({}, { omit: ["sub", "walletAddress"] })),
    );
    expect(noWallet.code).toBe("ERR_CLAIM_INVALID");
    const noChain = await rejectionOf(() =>
      validator.validate(issuer.sign({ sub: ":0xabc" }, { omit: ["chain"] })),
    );
    expect(noChain.code).toBe("ERR_CLAIM_INVALID");
  });
});
