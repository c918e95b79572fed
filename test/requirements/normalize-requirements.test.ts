import { describe, expect, it } from "vitest";
import type { Requirements } from "../../src/index.js";
import {
  mergeRequirements,
  normalizeRequirements,
} from "../../src/requirements/normalize-requirements.js";

const CONTRACT = "0x8a90cab2b38dba80c64b7734e58ee1db38b8992e";

describe("normalizeRequirements messages", () => {
  it.each<[string, unknown, string]>([
    ["a number", 5, "requirements must be an object"],
    ["a string", "chain", "requirements must be an object"],
    ["an array", [], "requirements must be an object"],
    ["an unknown key", { chains: "x" }, "requirements.chains is not a known requirement"],
    ["an empty chain", { chain: "" }, "requirements.chain must be a non-empty string"],
    [
      "a numeric contract",
      { contractAddress: 1 },
      "requirements.contractAddress must be a non-empty string",
    ],
    [
      "an empty creator",
      { creatorAddress: "" },
      "requirements.creatorAddress must be a non-empty string",
    ],
    [
      "wallets as a string",
      { allowedWallets: "0xabc" },
      "requirements.allowedWallets must be an array of strings",
    ],
    [
      "an empty wallet",
      { allowedWallets: ["0xabc", ""] },
      "requirements.allowedWallets[1] must be a non-empty string",
    ],
    [
      "an empty collection",
      { collection: [""] },
      "requirements.collection[0] must be a non-empty string",
    ],
    [
      "an empty collection string",
      { collection: "" },
      "requirements.collection must be a non-empty string",
    ],
    [
      "a collection object",
      { collection: {} },
      "requirements.collection must be an array of strings",
    ],
    [
      "a minimum without a target",
      { minTokenBalance: 1 },
      "requirements.minTokenBalance needs contractAddress, collection, creatorAddress or tokenIds to count",
    ],
    [
      "a malformed minimum",
      { contractAddress: CONTRACT, minTokenBalance: "1e3" },
      "requirements.minTokenBalance must be a plain non-negative decimal (string, finite number or bigint)",
    ],
    ["no token IDs", { tokenIds: [] }, "requirements.tokenIds must be a non-empty array"],
    [
      "a negative token ID",
      { contractAddress: CONTRACT, tokenIds: [1, -1] },
      "requirements.tokenIds[1] must be a mint address (string) or a decimal token ID from 0 to 2^256 - 1",
    ],
    [
      "a decimal token ID without a contract",
      { tokenIds: ["7"] },
      "requirements.tokenIds[0] is a decimal token ID, which means something only inside a contract: add contractAddress (Solana token IDs are mint addresses)",
    ],
  ])("refuses %s with a TypeError", (_label, requirements, message) => {
    expect(() => normalizeRequirements(requirements as Requirements)).toThrow(
      new TypeError(message),
    );
  });

  it("reads undefined as no requirements", () => {
    expect(normalizeRequirements(undefined).chain).toBeUndefined();
  });
});

describe("mergeRequirements", () => {
  it("returns one side unchanged when the other is absent", () => {
    const base = { chain: "ethereum" };
    const perCall = { contractAddress: CONTRACT };
    expect(mergeRequirements(base, undefined)).toBe(base);
    expect(mergeRequirements(undefined, perCall)).toBe(perCall);
    expect(mergeRequirements(undefined, undefined)).toBeUndefined();
  });

  it("lets per-call values win key by key, except undefined ones", () => {
    expect(
      mergeRequirements(
        { chain: "ethereum", contractAddress: CONTRACT },
        // A caller's object may hold undefined members whatever the types say.
        {
          chain: undefined,
          contractAddress: "0xdef",
          minTokenBalance: 2,
        } as unknown as Requirements,
      ),
    ).toEqual({ chain: "ethereum", contractAddress: "0xdef", minTokenBalance: 2 });
  });
});
