import { describe, expect, it } from "vitest";
import { checkRequirements, type Requirements } from "../../src/index.js";

// The failure records and which claims count, through checkRequirements.

const CONTRACT = "0x8a90cab2b38dba80c64b7734e58ee1db38b8992e";
const ABC = `0x${"abc".repeat(13)}a`;
const DEF = `0x${"def".repeat(13)}d`;
const holder = { chain: "ethereum", walletAddress: ABC };

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
    expect(failuresOf({ walletAddress: ABC }, { chain: "solana" })).toStrictEqual([
      {
        requirement: "chain",
        reason: "mismatch",
        message: "The token is for chain undefined, not solana",
        required: "solana",
      },
    ]);
  });

  it("an unlisted wallet names the actual wallet only when there is one", () => {
    expect(failuresOf(holder, { allowedWallets: [DEF] })).toStrictEqual([
      {
        requirement: "allowedWallets",
        reason: "not_listed",
        message: "The wallet is not one of the allowed wallets",
        actual: ABC,
      },
    ]);
    expect(failuresOf({ chain: "ethereum" }, { allowedWallets: [DEF] })).toStrictEqual([
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
      { contractAddress: CONTRACT, tokenIds: "7", tokenBalance: "1" },
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

  it("counts a tokenBalances.tokenIds entry only for the exact mint", () => {
    const mint = "78AZe2223PknLYT9mn2VCJPAsdvuB6LzFAhgQeVoxddW";
    const claims = {
      ...holder,
      tokenBalances: { tokenIds: { [mint.toLowerCase()]: "5", "1": "5" } },
    };
    expect(checkRequirements(claims, { tokenIds: [mint] }).ok).toBe(false);
    expect(
      checkRequirements(
        { ...holder, tokenBalances: { tokenIds: { [mint]: "1" } } },
        { tokenIds: [mint] },
      ),
    ).toEqual({ ok: true });
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

  it("in the flat form, counts a balance over some of the required contract's IDs toward the whole contract", () => {
    const claims = {
      ...holder,
      contractAddress: CONTRACT,
      tokenIds: ["1", "2"],
      tokenBalance: "3",
    };
    expect(checkRequirements(claims, { contractAddress: CONTRACT, minTokenBalance: 1 })).toEqual({
      ok: true,
    });
    expect(failuresOf(claims, { contractAddress: CONTRACT, minTokenBalance: 4 })).toStrictEqual([
      {
        requirement: "tokenBalance",
        reason: "insufficient_balance",
        message: "The wallet holds 3; needs at least 4",
        required: "4",
        actual: "3",
        uncounted: [],
      },
    ]);
    // Where the requirements name IDs, the token's must all be among them.
    expect(
      failuresOf(claims, { contractAddress: CONTRACT, tokenIds: ["1"], minTokenBalance: 1 }),
    ).toMatchObject([{ actual: "0" }]);
    expect(
      failuresOf(
        { ...claims, contractAddress: "0x2222222222222222222222222222222222222222" },
        {
          contractAddress: CONTRACT,
        },
      ),
    ).toMatchObject([{ actual: "0" }]);
  });

  it("in the flat form, a matching contract without a balance holds zero", () => {
    expect(
      failuresOf({ ...holder, contractAddress: CONTRACT }, { contractAddress: CONTRACT }),
    ).toStrictEqual([
      {
        requirement: "tokenBalance",
        reason: "insufficient_balance",
        message: "The wallet holds 0; needs more than 0 (nothing counted for contractAddress)",
        required: "> 0",
        actual: "0",
        uncounted: ["contractAddress"],
      },
    ]);
  });

  const MINT = "78AZe2223PknLYT9mn2VCJPAsdvuB6LzFAhgQeVoxddW";
  const OTHER_MINT = "So11111111111111111111111111111111111111112";
  const COLLECTION = "0x1111111111111111111111111111111111111111";

  it("in the flat form, counts tokenIds that are required mints, and only those", () => {
    const required = { tokenIds: [MINT], minTokenBalance: "2" };
    expect(checkRequirements({ ...holder, tokenIds: [MINT], tokenBalance: "2" }, required)).toEqual(
      {
        ok: true,
      },
    );
    expect(
      failuresOf({ ...holder, tokenIds: [OTHER_MINT], tokenBalance: "9" }, required),
    ).toMatchObject([{ reason: "insufficient_balance", actual: "0", uncounted: ["tokenIds"] }]);
    expect(
      failuresOf({ ...holder, tokenIds: [MINT, OTHER_MINT], tokenBalance: "9" }, required),
    ).toMatchObject([{ actual: "0" }]);
    expect(failuresOf({ ...holder, tokenIds: [7], tokenBalance: "9" }, required)).toMatchObject([
      { actual: "0" },
    ]);
  });

  it("in the flat form, counts decimal tokenIds only inside the required contract, by value", () => {
    const required = { contractAddress: CONTRACT, tokenIds: ["7"], minTokenBalance: "1" };
    const inContract = { ...holder, contractAddress: CONTRACT, tokenBalance: "1" };
    expect(checkRequirements({ ...inContract, tokenIds: ["007"] }, required)).toEqual({ ok: true });
    expect(checkRequirements({ ...inContract, tokenIds: [7] }, required)).toEqual({ ok: true });
    expect(failuresOf({ ...inContract, tokenIds: ["8"] }, required)).toMatchObject([
      { actual: "0" },
    ]);
    // Without the contract claim, the token cannot say whose ID 7 is.
    expect(failuresOf({ ...holder, tokenIds: ["7"], tokenBalance: "1" }, required)).toMatchObject([
      { actual: "0", uncounted: ["contractAddress", "tokenIds"] },
    ]);
  });

  it("lists as uncounted only the requested keys that counted nothing", () => {
    const required = { contractAddress: CONTRACT, collection: COLLECTION, minTokenBalance: "10" };
    expect(
      failuresOf({ ...holder, contractAddress: CONTRACT, tokenBalance: "2" }, required),
    ).toMatchObject([{ actual: "2", uncounted: ["collection"] }]);
    const byMint = { tokenIds: [MINT], collection: COLLECTION, minTokenBalance: "10" };
    expect(failuresOf({ ...holder, tokenIds: [MINT], tokenBalance: "2" }, byMint)).toMatchObject([
      { actual: "2", uncounted: ["collection"] },
    ]);
    expect(failuresOf({ ...holder, tokenBalance: "2" }, required)).toStrictEqual([
      {
        requirement: "tokenBalance",
        reason: "insufficient_balance",
        message:
          "The wallet holds 0; needs at least 10 (nothing counted for contractAddress, collection)",
        required: "10",
        actual: "0",
        uncounted: ["contractAddress", "collection"],
      },
    ]);
  });

  it("refuses a flat contractAddress claim that is not a string", () => {
    expect(
      failuresOf(
        { ...holder, contractAddress: 5, tokenBalance: "1" },
        { contractAddress: CONTRACT },
      ),
    ).toStrictEqual([
      {
        requirement: "tokenBalance",
        reason: "claim_invalid",
        message: 'The "contractAddress" claim is not a string',
      },
    ]);
  });

  it("counts only a tokenBalances group's own keys, never inherited ones", () => {
    const inherited = Object.create({ [CONTRACT]: "5" }) as Record<string, unknown>;
    const claims = { ...holder, tokenBalances: { contractAddress: inherited } };
    expect(failuresOf(claims, { contractAddress: CONTRACT })).toMatchObject([{ actual: "0" }]);
  });
});
