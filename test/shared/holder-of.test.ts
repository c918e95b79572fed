import { describe, expect, it } from "vitest";
import { checkRequirements } from "../../src/index.js";

describe("the holder read by checkRequirements", () => {
  it("prefers the walletAddress claim over sub", () => {
    const claims = { sub: "ethereum:0xAAA", walletAddress: "0xBBB", chain: "ethereum" };
    expect(checkRequirements(claims, { allowedWallets: ["0xBBB"] })).toEqual({ ok: true });
    expect(checkRequirements(claims, { allowedWallets: ["0xAAA"] }).ok).toBe(false);
  });

  it("ignores a sub that is not a string instead of throwing", () => {
    const claims = { sub: 42, chain: "ethereum", walletAddress: "0xabc" };
    expect(checkRequirements(claims, { chain: "ethereum", allowedWallets: ["0xabc"] })).toEqual({
      ok: true,
    });
  });

  it("has no wallet when neither walletAddress nor sub names one", () => {
    const result = checkRequirements({ chain: "ethereum" }, { allowedWallets: ["0xabc"] });
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
    const result = checkRequirements({ sub: ":0xabc" }, { chain: "ethereum" });
    expect(result.ok).toBe(false);
    const [failure] = result.ok ? [] : result.failures;
    expect(failure).toEqual({
      requirement: "chain",
      reason: "mismatch",
      message: "The token is for chain undefined, not ethereum",
      required: "ethereum",
    });
    expect(checkRequirements({ sub: ":0xabc" }, { allowedWallets: ["0xabc"] }).ok).toBe(false);
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
