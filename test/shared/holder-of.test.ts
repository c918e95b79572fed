import { describe, expect, it } from "vitest";
import { checkRequirements } from "../../src/index.js";
import { parseSubject } from "../../src/shared/holder-of.js";

const A = `0x${"a".repeat(40)}`;
const B = `0x${"b".repeat(40)}`;
const C = `0x${"c".repeat(40)}`;

describe("the holder read by checkRequirements", () => {
  it("prefers the walletAddress claim over sub", () => {
    const claims = { sub: `ethereum:${A}`, walletAddress: B, chain: "ethereum" };
    expect(checkRequirements(claims, { allowedWallets: [B] })).toEqual({ ok: true });
    expect(checkRequirements(claims, { allowedWallets: [A] }).ok).toBe(false);
  });

  it("ignores a sub that is not a string instead of throwing", () => {
    const claims = { sub: 42, chain: "ethereum", walletAddress: C };
    expect(checkRequirements(claims, { chain: "ethereum", allowedWallets: [C] })).toEqual({
      ok: true,
    });
  });

  it("has no wallet when neither walletAddress nor sub names one", () => {
    const result = checkRequirements({ chain: "ethereum" }, { allowedWallets: [C] });
    expect(result).toEqual({
      ok: false,
      failures: [
        {
          requirement: "allowedWallets",
          reason: "not_listed",
          message: "The wallet is not one of the allowed wallets",
        },
      ],
    });
  });

  it("reads no chain or wallet from a sub that starts with a colon", () => {
    const result = checkRequirements({ sub: `:${C}` }, { chain: "ethereum" });
    expect(result.ok).toBe(false);
    const [failure] = result.ok ? [] : result.failures;
    expect(failure).toEqual({
      requirement: "chain",
      reason: "mismatch",
      message: "The token is for chain undefined, not ethereum",
      required: "ethereum",
    });
    expect(checkRequirements({ sub: `:${C}` }, { allowedWallets: [C] }).ok).toBe(false);
  });

  it("keeps a testnet sub's network over the chain claim, and reads no chain where they disagree", () => {
    const testnet = { chain: "ethereum", sub: "ethereum/goerli:0xabc" };
    expect(checkRequirements(testnet, { chain: "ethereum" }).ok).toBe(false);
    expect(checkRequirements(testnet, { chain: "ethereum/goerli" })).toEqual({ ok: true });
    const conflict = checkRequirements(
      { chain: "ethereum", sub: "solana:Abc" },
      { chain: "ethereum" },
    );
    expect(conflict.ok ? [] : conflict.failures.map((failure) => failure.message)).toEqual([
      "The token is for chain undefined, not ethereum",
    ]);
    expect(
      checkRequirements(
        { chain: "ethereum/mainnet", sub: "ethereum:0xabc" },
        { chain: "ethereum" },
      ),
    ).toEqual({ ok: true });
  });

  it("reads chain and wallet from chain/network:address", () => {
    expect(
      checkRequirements(
        { sub: "solana/mainnet:Abc" },
        { chain: "solana", allowedWallets: ["Abc"] },
      ),
    ).toEqual({ ok: true });
  });
});

describe("parseSubject", () => {
  it("reads chain:address with no network", () => {
    expect(parseSubject("ethereum:0xabc")).toEqual({
      chain: "ethereum",
      network: undefined,
      walletAddress: "0xabc",
    });
    expect(parseSubject("mainnet:0xabc")).toEqual({
      chain: "mainnet",
      network: undefined,
      walletAddress: "0xabc",
    });
  });

  it("names the bare chain on either main network, chain/network on any other", () => {
    expect(parseSubject("solana/mainnet-beta:Abc")).toEqual({
      chain: "solana",
      network: "mainnet-beta",
      walletAddress: "Abc",
    });
    expect(parseSubject("ethereum/mainnet:0xabc")?.chain).toBe("ethereum");
    expect(parseSubject("solana/devnet:Abc")).toEqual({
      chain: "solana/devnet",
      network: "devnet",
      walletAddress: "Abc",
    });
    expect(parseSubject("a/b:0x")).toEqual({ chain: "a/b", network: "b", walletAddress: "0x" });
  });

  it("reads no chain from a sub without one", () => {
    expect(parseSubject("0xabc")).toBeUndefined();
    expect(parseSubject(":0xabc")).toBeUndefined();
  });
});
