import { describe, expect, it } from "vitest";
import { checkRequirements, type Requirements } from "../../src/index.js";
import {
  mergeRequirements,
  normalizeRequirements,
} from "../../src/requirements/normalize-requirements.js";

const CONTRACT = "0x8a90cab2b38dba80c64b7734e58ee1db38b8992e";
const PLAIN = "requirements must be a plain object ({ contractAddress, minTokenBalance, … })";

describe("normalizeRequirements messages", () => {
  it.each<[string, unknown, string]>([
    ["a number", 5, `${PLAIN}, not a number`],
    ["a string", "chain", `${PLAIN}, not a string`],
    ["an array", [], `${PLAIN}, not an array`],
    [
      "an unknown key",
      { chains: "x" },
      "requirements.chains is not a requirement; did you mean chain?",
    ],
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
      { allowedWallets: [CONTRACT, ""] },
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

  it("refuses per-call requirements whose keys are inherited, which a merge would drop", () => {
    const inherited = Object.create({ contractAddress: CONTRACT }) as Requirements;
    expect(() => mergeRequirements({ chain: "ethereum" }, inherited)).toThrow(TypeError);
  });
});

describe("requirements fail closed at the first check (checkRequirements)", () => {
  const holder = {
    chain: "ethereum",
    walletAddress: CONTRACT,
    contractAddress: CONTRACT,
    tokenBalance: "1",
  };
  const refusal = (requirements: unknown): string => {
    try {
      checkRequirements(holder, requirements as Requirements);
    } catch (error) {
      if (error instanceof TypeError) return error.message;
      throw error;
    }
    return "accepted";
  };

  it("refuses an empty collection list, which would name nothing to hold and admit everyone", () => {
    expect(refusal({ collection: [] })).toBe(
      "requirements.collection must be a non-empty array: an empty list names nothing to require; leave collection out instead",
    );
  });

  it("refuses an empty allowedWallets list, which would silently refuse everyone", () => {
    expect(refusal({ allowedWallets: [] })).toBe(
      "requirements.allowedWallets must be a non-empty array: an empty list names nothing to require; leave allowedWallets out instead",
    );
  });

  it("refuses what is not a plain object: a class instance, a Map, inherited keys, a getter", () => {
    class Gate {
      get contractAddress(): string {
        return CONTRACT;
      }
    }
    const inherited = Object.create({ contractAddress: CONTRACT }) as object;
    const getter = Object.defineProperty({}, "contractAddress", {
      enumerable: true,
      get: () => CONTRACT,
    });
    expect(refusal(new Gate())).toBe(
      `${PLAIN.replace("plain object", "plain object (an object literal)").replace(" ({ contractAddress, minTokenBalance, … })", "")}, not a Gate: only own keys are read, so inherited or computed requirements would not be enforced`,
    );
    expect(refusal(new Map([["contractAddress", CONTRACT]]))).toMatch(/, not a Map: /);
    expect(refusal(inherited)).toMatch(/, not an object with a prototype of its own: /);
    expect(refusal(getter)).toBe(
      "requirements.contractAddress must be a value, not a getter or setter",
    );
  });

  it("accepts plain objects, with or without a prototype", () => {
    const bare = Object.assign(Object.create(null) as object, { contractAddress: CONTRACT });
    expect(checkRequirements(holder, bare)).toEqual({ ok: true });
    expect(checkRequirements(holder, { contractAddress: CONTRACT })).toEqual({ ok: true });
  });

  it("names the nearest requirement for an unknown key", () => {
    expect(refusal({ contractAddress: CONTRACT, minBalance: 1 })).toBe(
      "requirements.minBalance is not a requirement; did you mean minTokenBalance?",
    );
  });

  it.each<[string, string, string]>([
    [
      "a shortened contract",
      "0x8a90…992e",
      'requirements.contractAddress must be 0x (lower-case x) followed by exactly 40 hex digits: "0x8a90…992e" has 9 characters after 0x; the first bad character is "…" at index 6',
    ],
    [
      "one digit too many",
      `${CONTRACT}0`,
      `requirements.contractAddress must be 0x (lower-case x) followed by exactly 40 hex digits: "${CONTRACT}0" has 41 characters after 0x`,
    ],
    [
      "an upper-case X",
      CONTRACT.replace("0x", "0X"),
      `requirements.contractAddress must be 0x (lower-case x) followed by exactly 40 hex digits: "${CONTRACT.replace("0x", "0X")}" has 40 characters after 0x; the first bad character is "X" at index 1`,
    ],
  ])("refuses %s as an address", (_label, address, message) => {
    expect(refusal({ contractAddress: address })).toBe(message);
  });

  it("checks every 0x address field: creatorAddress, collection, allowedWallets", () => {
    expect(refusal({ creatorAddress: "0x12" })).toMatch(/^requirements\.creatorAddress must be 0x/);
    expect(refusal({ collection: "0x12" })).toMatch(/^requirements\.collection must be 0x/);
    expect(refusal({ collection: [CONTRACT, "0xzz"] })).toMatch(
      /^requirements\.collection\[1\] must be 0x/,
    );
    expect(refusal({ allowedWallets: ["0x12"] })).toMatch(
      /^requirements\.allowedWallets\[0\] must be 0x/,
    );
  });

  it("leaves addresses that do not start with 0x (Solana base58) as they are", () => {
    const collection = "J1S9H3QjnRtBbbuD4HjPV6RpRhwuk4zKbxsnCHuTgh9w";
    expect(refusal({ collection, creatorAddress: collection })).toBe("accepted");
  });
});
