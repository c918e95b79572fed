import { describe, expect, it } from "vitest";
import { type BalanceUpdate, ChainState, sumBalances } from "../../src/testing/chain-state.js";

const WALLET = "0x8F7A3f0E6b2B4dB2cE1f5A9d4C3b2A1908F7e6D5";
const CONTRACT = "0x8a90CAb2b38dba80c64b7734e58ee1db38b8992e";

describe("ChainState", () => {
  it("reports set balances under the keys as requirements spell them, EVM addresses in any case", () => {
    const state = new ChainState();
    state.set({
      chain: "ethereum",
      wallet: WALLET.toLowerCase(),
      contractAddress: CONTRACT,
      amount: "2.50",
    });
    const balances = state.balancesFor("ethereum", WALLET, {
      contractAddress: CONTRACT.toLowerCase(),
    });
    expect(balances).toEqual({ contractAddress: { [CONTRACT.toLowerCase()]: "2.5" } });
    expect(state.balancesFor("polygon", WALLET, { contractAddress: CONTRACT })).toEqual({
      contractAddress: { [CONTRACT]: "0" },
    });
  });

  it("keeps Solana keys exact and lists every requested collection and token", () => {
    const state = new ChainState();
    const wallet = "9TPrWDXuT9SYY2eLvRrAWZof8ye2SYFfms18gjuksjFG";
    state.set({ chain: "solana", wallet, tokenId: "MintA", amount: "1" });
    state.set({ chain: "solana", wallet, collection: "CollB", amount: "3" });
    const balances = state.balancesFor("solana", wallet, {
      tokenIds: ["MintA", "minta"],
      collection: ["CollB", "CollC"],
      creatorAddress: "Creator",
    });
    expect(balances).toEqual({
      tokenIds: { MintA: "1", minta: "0" },
      collection: { CollB: "3", CollC: "0" },
      creatorAddress: { Creator: "0" },
    });
    expect(sumBalances(balances)).toBe("4");
  });

  it.each<[string, unknown, RegExp]>([
    ["no target", { chain: "ethereum", wallet: WALLET, amount: "1" }, /exactly one of/],
    [
      "two targets",
      { chain: "solana", wallet: "w", tokenId: "a", collection: "b", amount: "1" },
      /exactly one of/,
    ],
    [
      "a number amount",
      { chain: "ethereum", wallet: WALLET, contractAddress: CONTRACT, amount: 1 },
      /amount/,
    ],
    [
      "a negative amount",
      { chain: "ethereum", wallet: WALLET, contractAddress: CONTRACT, amount: "-1" },
      /amount/,
    ],
    [
      "an exponent",
      { chain: "ethereum", wallet: WALLET, contractAddress: CONTRACT, amount: "1e3" },
      /amount/,
    ],
    [
      "an empty wallet",
      { chain: "ethereum", wallet: "", contractAddress: CONTRACT, amount: "1" },
      /wallet/,
    ],
    [
      "a misspelt key",
      { chain: "ethereum", wallet: WALLET, contract: CONTRACT, amount: "1" },
      /options\.contract is not an option of setBalance/,
    ],
    ["no object", null, /must be an object/],
  ])("refuses %s with a TypeError", (_name, update, message) => {
    const state = new ChainState();
    expect(() => state.set(update as BalanceUpdate)).toThrow(TypeError);
    expect(() => state.set(update as BalanceUpdate)).toThrow(message);
  });
});
