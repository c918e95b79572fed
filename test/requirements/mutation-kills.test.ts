import { describe, expect, it } from "vitest";
import { checkRequirements, type Requirements } from "../../src/index.js";
import {
  mergeRequirements,
  normalizeRequirements,
} from "../../src/requirements/normalize-requirements.js";
import { parseAmount, parseTokenId } from "../../src/requirements/parse-amount.js";
import { RequirementsMemo } from "../../src/requirements/requirements-memo.js";
import { sameAddress } from "../../src/requirements/same-address.js";

// Edge cases of src/requirements that mutation testing (npm run mutation) showed no other test
// pinned: the exact failure records and messages, which groups of tokenBalances count, the
// bounds of amounts and token IDs, address comparison, requirement merging and the memo of
// normalized requirements.

const CONTRACT = "0x8a90cab2b38dba80c64b7734e58ee1db38b8992e";
const holder = { chain: "ethereum", walletAddress: "0xabc" };

function failuresOf(claims: Record<string, unknown>, requirements: Requirements) {
  const result = checkRequirements(claims, requirements);
  return result.ok ? [] : result.failures;
}

describe("failure records", () => {
  it("a chain mismatch names the actual chain only when there is one", () => {
    expect(failuresOf(holder, { chain: "solana" })).toStrictEqual([
      {
        requirement: "chain",
        reason: "mismatch",
        message: "The token is for chain ethereum, not solana",
        required: "solana",
        actual: "ethereum",
      },
    ]);
    expect(failuresOf({ walletAddress: "0xabc" }, { chain: "solana" })).toStrictEqual([
      {
        requirement: "chain",
        reason: "mismatch",
        message: "The token is for chain undefined, not solana",
        required: "solana",
      },
    ]);
  });

  it("an unlisted wallet names the actual wallet only when there is one", () => {
    expect(failuresOf(holder, { allowedWallets: ["0xdef"] })).toStrictEqual([
      {
        requirement: "allowedWallets",
        reason: "not_listed",
        message: "The wallet is not one of the allowed wallets",
        actual: "0xabc",
      },
    ]);
    expect(failuresOf({ chain: "ethereum" }, { allowedWallets: ["0xdef"] })).toStrictEqual([
      {
        requirement: "allowedWallets",
        reason: "not_listed",
        message: "The wallet is not one of the allowed wallets",
      },
    ]);
  });

  it.each<[string, Record<string, unknown>, Requirements, string]>([
    [
      "tokenBalances not an object",
      { tokenBalances: "5" },
      { contractAddress: CONTRACT },
      'The "tokenBalances" claim is not an object',
    ],
    [
      "a group not an object",
      { tokenBalances: { contractAddress: [] } },
      { contractAddress: CONTRACT },
      '"tokenBalances.contractAddress" is not an object',
    ],
    [
      "a malformed balance",
      { tokenBalances: { collection: { apes: "1e3" } } },
      { collection: "apes" },
      '"tokenBalances.collection" holds a malformed balance',
    ],
    [
      "tokenIds not an array",
      { contractAddress: CONTRACT, tokenIds: "7" },
      { contractAddress: CONTRACT, tokenIds: [7] },
      'The "tokenIds" claim is not an array',
    ],
    [
      "a tokenBalance that is not a plain decimal",
      { contractAddress: CONTRACT, tokenBalance: "-1" },
      { contractAddress: CONTRACT },
      'The "tokenBalance" claim is not a plain decimal',
    ],
  ])("%s is a claim_invalid failure", (_label, claims, requirements, message) => {
    expect(failuresOf({ ...holder, ...claims }, requirements)).toStrictEqual([
      { requirement: "tokenBalance", reason: "claim_invalid", message },
    ]);
  });
});

describe("which balances count", () => {
  it("ignores groups of tokenBalances that the requirements do not name", () => {
    const claims = {
      ...holder,
      tokenBalances: {
        S: { x: "9" },
        contractAddress: { [CONTRACT]: "2" },
        collection: { c: "5" },
      },
    };
    expect(checkRequirements(claims, { contractAddress: CONTRACT, minTokenBalance: 2 })).toEqual({
      ok: true,
    });
    expect(checkRequirements(claims, { contractAddress: CONTRACT, minTokenBalance: 3 }).ok).toBe(
      false,
    );
    expect(checkRequirements(claims, { collection: "c", minTokenBalance: 5 })).toEqual({
      ok: true,
    });
  });

  it("does not count a token-ID balance whose key is not a token ID", () => {
    const claims = { ...holder, tokenBalances: { tokenIds: { abc: "5", "-1": "5" } } };
    expect(checkRequirements(claims, { tokenIds: [1] }).ok).toBe(false);
    expect(
      checkRequirements(
        { ...holder, tokenBalances: { tokenIds: { "01": "1" } } },
        { tokenIds: [1] },
      ),
    ).toEqual({
      ok: true,
    });
  });

  it("in the flat form, counts tokenBalance only for a required contract", () => {
    const flat = { ...holder, contractAddress: CONTRACT, tokenBalance: "5" };
    expect(checkRequirements(flat, { collection: "apes" }).ok).toBe(false);
    expect(
      checkRequirements(flat, { contractAddress: CONTRACT.toUpperCase().replace("0X", "0x") }),
    ).toEqual({
      ok: true,
    });
  });

  it("in the flat form, a matching contract without a balance holds zero", () => {
    expect(
      failuresOf({ ...holder, contractAddress: CONTRACT }, { contractAddress: CONTRACT }),
    ).toStrictEqual([
      {
        requirement: "tokenBalance",
        reason: "insufficient_balance",
        message: "The token's balance 0 is below the required > 0",
        required: "> 0",
        actual: "0",
      },
    ]);
  });
});

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
      "requirements.minTokenBalance needs contractAddress, collection, creatorAddress or tokenIds",
    ],
    [
      "a malformed minimum",
      { contractAddress: CONTRACT, minTokenBalance: "1e3" },
      "requirements.minTokenBalance must be a plain non-negative decimal (string, finite number or bigint)",
    ],
    ["no token IDs", { tokenIds: [] }, "requirements.tokenIds must be a non-empty array"],
    [
      "a negative token ID",
      { tokenIds: [1, -1] },
      "requirements.tokenIds[1] must be an integer from 0 to 2^256 - 1",
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

describe("parseAmount and parseTokenId bounds", () => {
  it.each([true, {}, null, undefined, [1], -1, -1n, Number.NaN, Number.POSITIVE_INFINITY])(
    "parseAmount(%s) is undefined",
    (value) => {
      expect(parseAmount(value)).toBeUndefined();
    },
  );

  it("parseAmount reads zero and bigints exactly", () => {
    expect(parseAmount(0n)?.toFixed()).toBe("0");
    expect(parseAmount(10n ** 30n)?.toFixed()).toBe("1000000000000000000000000000000");
    expect(parseAmount(0.1)?.toFixed()).toBe("0.1");
  });

  it.each([
    [5],
    1.5,
    null,
    true,
    -1,
    "-1",
    "1.0",
    `1${"0".repeat(80)}`,
    "0".repeat(81),
    2n ** 256n,
  ])("parseTokenId(%s) is undefined", (value) => {
    expect(parseTokenId(value)).toBeUndefined();
  });

  it("parseTokenId reads 0, 80-digit strings and the largest ID", () => {
    expect(parseTokenId(0)).toBe(0n);
    expect(parseTokenId("0")).toBe(0n);
    expect(parseTokenId("0".repeat(80))).toBe(0n);
    expect(parseTokenId(2n ** 256n - 1n)).toBe(2n ** 256n - 1n);
    expect(parseTokenId((2n ** 256n - 1n).toString())).toBe(2n ** 256n - 1n);
    expect(parseTokenId(Number.MAX_SAFE_INTEGER)).toBe(BigInt(Number.MAX_SAFE_INTEGER));
  });
});

describe("sameAddress", () => {
  it.each<[string, string, boolean]>([
    ["0xAbC", "0xabc", true],
    ["0xabc", "0xabc", true],
    ["0XAB", "0xab", false],
    ["0xab", "0XAB", false],
    ["0xABzz", "0xabZZ", false],
    ["a0xAB", "A0xab", false],
    ["0xab", "0xab0", false],
    ["SoLaNa", "solana", false],
    ["0x", "0x", true],
  ])("%s vs %s: %s", (a, b, same) => {
    expect(sameAddress(a, b)).toBe(same);
  });
});

describe("RequirementsMemo", () => {
  const normalized = normalizeRequirements({ contractAddress: CONTRACT, tokenIds: [1, 2] });

  it("remembers an object whose members are unchanged, arrays compared by element", () => {
    const memo = new RequirementsMemo();
    const requirements = { contractAddress: CONTRACT, tokenIds: [1, 2] };
    expect(memo.get(requirements)).toBeUndefined();
    memo.set(requirements, normalized);
    expect(memo.get(requirements)).toBe(normalized);
    expect(memo.get(requirements)).toBe(normalized);
    // Another object with the same content is another key.
    expect(memo.get({ contractAddress: CONTRACT, tokenIds: [1, 2] })).toBeUndefined();
    // An equal array put in place of the old one still matches.
    requirements.tokenIds = [1, 2];
    expect(memo.get(requirements)).toBe(normalized);
  });

  it.each<[string, (requirements: Record<string, unknown>) => void]>([
    [
      "a changed value",
      (r) => {
        r.contractAddress = "0xdef";
      },
    ],
    [
      "an added key",
      (r) => {
        r.chain = "ethereum";
      },
    ],
    [
      "a removed key",
      (r) => {
        delete r.contractAddress;
      },
    ],
    [
      "a removed key replaced by another",
      (r) => {
        delete r.contractAddress;
        r.chain = "ethereum";
      },
    ],
    [
      "a changed array element",
      (r) => {
        (r.tokenIds as number[])[1] = 3;
      },
    ],
    [
      "a longer array",
      (r) => {
        (r.tokenIds as number[]).push(3);
      },
    ],
    [
      "an array replaced by a non-array",
      (r) => {
        r.tokenIds = "1";
      },
    ],
  ])("forgets an object after %s", (_label, change) => {
    const memo = new RequirementsMemo();
    const requirements: Record<string, unknown> = { contractAddress: CONTRACT, tokenIds: [1, 2] };
    memo.set(requirements as Requirements, normalized);
    change(requirements);
    expect(memo.get(requirements as Requirements)).toBeUndefined();
  });

  it("ignores inherited members", () => {
    const memo = new RequirementsMemo();
    const requirements = Object.assign(Object.create({ chain: "inherited" }), {
      contractAddress: CONTRACT,
    }) as Requirements;
    memo.set(requirements, normalized);
    expect(memo.get(requirements)).toBe(normalized);
  });
});
