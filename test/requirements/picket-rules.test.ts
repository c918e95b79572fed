import BigNumber from "bignumber.js";
import { afterEach, describe, expect, it } from "vitest";
import { checkRequirements, type RequirementFailure, type Requirements } from "../../src/index.js";
import { createTestIssuer } from "../../src/testing/index.js";
import { expectCode } from "../helpers/expect-code.js";

// The rules of the spec's Requirements section, one table each.

const MINT_A = "78AZe2223PknLYT9mn2VCJPAsdvuB6LzFAhgQeVoxddW";
const MINT_B = "2dQG4YYunFrbJjzW6UTcUmePs8UDy5jz43H6uSCZSAcS";
const SOLANA_DOCS: Requirements = {
  chain: "solana",
  tokenIds: [MINT_A, MINT_B],
  minTokenBalance: 1,
};
const SOL_WALLET = "7xKXtg2CW87d97TXJSDpbD5jBkheTqA83TZRuJosgAsU";
const GATED = "0xBC4CA0EdA7647A8aB7C2061c2E118A18a936f13D";
const OTHER = "0x8a90cab2b38dba80c64b7734e58ee1db38b8992e";
const WALLET = "0x8F7A3f0E6b2B4dB2cE1f5A9d4C3b2A1908F7e6D5";

type Claims = Record<string, unknown>;
const sol = (extra: Claims = {}): Claims => ({
  sub: `solana:${SOL_WALLET}`,
  chain: "solana",
  walletAddress: SOL_WALLET,
  ...extra,
});
const evm = (extra: Claims = {}): Claims => ({
  sub: `ethereum:${WALLET}`,
  chain: "ethereum",
  walletAddress: WALLET,
  ...extra,
});
const mints = (balances: Record<string, string>): Claims =>
  sol({ tokenBalances: { tokenIds: balances } });

function verdict(claims: Claims, requirements: Requirements): boolean {
  return checkRequirements(claims, requirements).ok;
}

function failureOf(claims: Claims, requirements: Requirements): RequirementFailure {
  const result = checkRequirements(claims, requirements);
  if (result.ok) throw new Error("expected a failure");
  return result.failures[0] as RequirementFailure;
}

describe("Solana: tokenIds are SPL mint addresses", () => {
  it.each<[string, Claims, boolean]>([
    ["1 of the first mint passes", mints({ [MINT_A]: "1" }), true],
    [
      "0.5 + 0.5 across the two mints is summed and passes",
      mints({ [MINT_A]: "0.5", [MINT_B]: "0.5" }),
      true,
    ],
    ["0.5 alone is short", mints({ [MINT_A]: "0.5" }), false],
    [
      "a mint spelled in another case is another mint",
      mints({ [MINT_A.toLowerCase()]: "5" }),
      false,
    ],
    ["a mint not required does not count", mints({ [SOL_WALLET]: "5" }), false],
    [
      "an EVM-chain token does not meet a Solana gate",
      evm({ tokenBalances: { tokenIds: { [MINT_A]: "5" } } }),
      false,
    ],
  ])("the docs example: %s", (_name, claims, ok) => {
    expect(verdict(claims, SOLANA_DOCS)).toBe(ok);
  });

  it("compares a required mint exactly: a case-changed requirement matches nothing", () => {
    const claims = mints({ [MINT_A]: "5" });
    expect(verdict(claims, { tokenIds: [MINT_A.toUpperCase()] })).toBe(false);
    expect(verdict(claims, { tokenIds: [MINT_A] })).toBe(true);
  });

  it("validates the docs example end to end through validate", async () => {
    const issuer = await createTestIssuer();
    const validator = issuer.validator();
    const token = await issuer.sign(mints({ [MINT_A]: "0.5", [MINT_B]: "0.5" }));
    await expect(validator.validate(token, SOLANA_DOCS)).resolves.toMatchObject({
      chain: "solana",
    });
    const short = await issuer.sign(mints({ [MINT_A]: "0.5" }));
    await expectCode(() => validator.validate(short, SOLANA_DOCS), "ERR_REQUIREMENTS_NOT_MET");
  });
});

describe("a zero minimum means more than zero", () => {
  const minimums: [string, Requirements["minTokenBalance"]][] = [
    ["absent", undefined],
    ["0", 0],
    ['"0"', "0"],
    ['"0.000"', "0.000"],
    ["0n", 0n],
  ];
  it.each(minimums)(
    "minTokenBalance %s: a holder of zero fails, a holder of a little passes",
    (_name, min) => {
      const requirements: Requirements = {
        contractAddress: GATED,
        ...(min === undefined ? {} : { minTokenBalance: min }),
      };
      expect(
        verdict(evm({ tokenBalances: { contractAddress: { [GATED]: "0" } } }), requirements),
      ).toBe(false);
      expect(verdict(evm({ contractAddress: GATED, tokenBalance: "0" }), requirements)).toBe(false);
      expect(verdict(evm(), requirements)).toBe(false);
      expect(
        verdict(evm({ tokenBalances: { contractAddress: { [GATED]: "0.000001" } } }), requirements),
      ).toBe(true);
    },
  );
});

describe("balances are summed over every requested key", () => {
  it("contract + collection + creator + mint add up to the minimum only together", () => {
    const requirements: Requirements = {
      contractAddress: GATED,
      collection: ["colA", "colB"],
      creatorAddress: "creator1",
      tokenIds: [MINT_A],
      minTokenBalance: "1",
    };
    const all = {
      contractAddress: { [GATED]: "0.2" },
      collection: { colA: "0.2", colB: "0.2" },
      creatorAddress: { creator1: "0.2" },
      tokenIds: { [MINT_A]: "0.2" },
    };
    expect(verdict(sol({ tokenBalances: all }), requirements)).toBe(true);
    for (const group of Object.keys(all)) {
      const without = { ...all, [group]: {} };
      expect(verdict(sol({ tokenBalances: without }), requirements), group).toBe(false);
    }
  });

  it("contract + mint summed: 0.5 each meets 1", () => {
    const claims = evm({
      tokenBalances: { contractAddress: { [GATED]: "0.5" }, tokenIds: { [MINT_A]: "0.5" } },
    });
    expect(
      verdict(claims, { contractAddress: GATED, tokenIds: [MINT_A], minTokenBalance: 1 }),
    ).toBe(true);
    expect(
      verdict(claims, {
        contractAddress: GATED,
        tokenIds: [MINT_A],
        minTokenBalance: "1.000000000000000001",
      }),
    ).toBe(false);
  });
});

describe("decimal token IDs mean something only inside a contract", () => {
  it("another contract's ID 1 does not pass a gate on GATED's ID 1", () => {
    const requirements: Requirements = { contractAddress: GATED, tokenIds: [1] };
    expect(
      verdict(evm({ contractAddress: OTHER, tokenIds: ["1"], tokenBalance: "1" }), requirements),
    ).toBe(false);
    expect(verdict(evm({ tokenBalances: { tokenIds: { "1": "1" } } }), requirements)).toBe(false);
    expect(
      verdict(evm({ contractAddress: GATED, tokenIds: ["1"], tokenBalance: "1" }), requirements),
    ).toBe(true);
  });

  it("compares IDs by value: '007' is 7, and 2^256 - 1 is exact", () => {
    const max = (2n ** 256n - 1n).toString();
    expect(
      verdict(evm({ contractAddress: GATED, tokenIds: ["007"], tokenBalance: "1" }), {
        contractAddress: GATED,
        tokenIds: [7n],
      }),
    ).toBe(true);
    expect(
      verdict(evm({ contractAddress: GATED, tokenIds: [max], tokenBalance: "1" }), {
        contractAddress: GATED,
        tokenIds: [2n ** 256n - 1n],
      }),
    ).toBe(true);
    expect(
      verdict(evm({ contractAddress: GATED, tokenIds: [max], tokenBalance: "1" }), {
        contractAddress: GATED,
        tokenIds: [2n ** 256n - 2n],
      }),
    ).toBe(false);
  });

  it.each<[string, Requirements]>([
    ["a decimal string", { tokenIds: ["1"] }],
    ["a number", { tokenIds: [1] }],
    ["a bigint", { tokenIds: [1n] }],
    ["beside a mint", { tokenIds: [MINT_A, "1"] }],
  ])("without contractAddress, %s is a TypeError", (_name, requirements) => {
    expect(() => checkRequirements(evm(), requirements)).toThrow(TypeError);
    expect(() => checkRequirements(evm(), requirements)).toThrow(/add contractAddress/);
  });
});

describe("the flat form counts only for a subset of what is required", () => {
  it.each<[string, Claims, Requirements, boolean]>([
    [
      "the required contract",
      evm({ contractAddress: GATED, tokenBalance: "2" }),
      { contractAddress: GATED, minTokenBalance: 2 },
      true,
    ],
    [
      "another contract",
      evm({ contractAddress: OTHER, tokenBalance: "2" }),
      { contractAddress: GATED },
      false,
    ],
    [
      "a subset of the required IDs",
      evm({ contractAddress: GATED, tokenIds: ["1"], tokenBalance: "1" }),
      { contractAddress: GATED, tokenIds: [1, 2] },
      true,
    ],
    [
      "an ID beyond the required ones",
      evm({ contractAddress: GATED, tokenIds: ["1", "3"], tokenBalance: "2" }),
      { contractAddress: GATED, tokenIds: [1, 2] },
      false,
    ],
    [
      "some of the contract's IDs while the whole contract is required",
      evm({ contractAddress: GATED, tokenIds: ["1"], tokenBalance: "1" }),
      { contractAddress: GATED },
      true,
    ],
    [
      "the contract while contract and IDs are required (keys are summed)",
      evm({ contractAddress: GATED, tokenBalance: "1" }),
      { contractAddress: GATED, tokenIds: [9] },
      true,
    ],
    [
      "a contract while only a collection is required",
      evm({ contractAddress: GATED, tokenBalance: "9" }),
      { collection: "colA" },
      false,
    ],
    ["a balance that names no key", evm({ tokenBalance: "9" }), { contractAddress: GATED }, false],
    [
      "mints, a subset of the required ones",
      sol({ tokenIds: [MINT_A], tokenBalance: "1" }),
      SOLANA_DOCS,
      true,
    ],
    [
      "mints beyond the required ones",
      sol({ tokenIds: [MINT_A, SOL_WALLET], tokenBalance: "1" }),
      SOLANA_DOCS,
      false,
    ],
  ])("a token issued for %s", (_name, claims, requirements, ok) => {
    expect(verdict(claims, requirements)).toBe(ok);
  });
});

describe("each key counts once", () => {
  it("one EVM address spelled twice in tokenBalances counts its smaller balance", () => {
    const claims = evm({
      tokenBalances: { contractAddress: { [GATED]: "1", [GATED.toLowerCase()]: "3" } },
    });
    expect(verdict(claims, { contractAddress: GATED, minTokenBalance: 1 })).toBe(true);
    expect(verdict(claims, { contractAddress: GATED, minTokenBalance: 2 })).toBe(false);
  });

  it("one collection or mint listed twice in the requirements counts once", () => {
    expect(
      verdict(sol({ tokenBalances: { collection: { colA: "1" } } }), {
        collection: ["colA", "colA"],
        minTokenBalance: 2,
      }),
    ).toBe(false);
    expect(
      verdict(mints({ [MINT_A]: "1" }), { tokenIds: [MINT_A, MINT_A], minTokenBalance: 2 }),
    ).toBe(false);
  });
});

describe("chains: a legacy testnet subject never meets a mainnet gate", () => {
  it.each<[string, string, boolean]>([
    ["ethereum/goerli", "ethereum", false],
    ["ethereum/goerli", "ethereum/goerli", true],
    ["ethereum/mainnet", "ethereum", true],
    ["solana/mainnet-beta", "solana", true],
    ["solana/devnet", "solana", false],
  ])("sub %s:… against chain %s", (prefix, chain, ok) => {
    expect(verdict({ sub: `${prefix}:${WALLET}` }, { chain })).toBe(ok);
  });

  it("exposes network and the derived chain on the verified token", async () => {
    const issuer = await createTestIssuer();
    const validator = issuer.validator();
    const testnet = await issuer.sign(
      { sub: `ethereum/goerli:${WALLET}` },
      { omit: ["chain", "walletAddress"] },
    );
    await expect(validator.validate(testnet)).resolves.toMatchObject({
      chain: "ethereum/goerli",
      network: "goerli",
      walletAddress: WALLET,
    });
    await expectCode(
      () => validator.validate(testnet, { chain: "ethereum" }),
      "ERR_REQUIREMENTS_NOT_MET",
    );
    const mainnet = await issuer.sign(
      { sub: `ethereum/mainnet:${WALLET}` },
      { omit: ["chain", "walletAddress"] },
    );
    await expect(validator.validate(mainnet, { chain: "ethereum" })).resolves.toMatchObject({
      chain: "ethereum",
      network: "mainnet",
    });
  });
});

describe("messages a person can act on", () => {
  it("says what is held, what is needed, and which key counted nothing", () => {
    expect(failureOf(evm(), { contractAddress: GATED })).toMatchObject({
      message: "The wallet holds 0; needs more than 0 (nothing counted for contractAddress)",
      uncounted: ["contractAddress"],
    });
    const partly = mints({ [MINT_A]: "0.5" });
    expect(
      failureOf(partly, { contractAddress: GATED, tokenIds: [MINT_A], minTokenBalance: 1 }),
    ).toMatchObject({
      message: "The wallet holds 0.5; needs at least 1 (nothing counted for contractAddress)",
      required: "1",
      actual: "0.5",
    });
    expect(failureOf(partly, { tokenIds: [MINT_A], minTokenBalance: 1 })).toMatchObject({
      message: "The wallet holds 0.5; needs at least 1",
      uncounted: [],
    });
  });
});

describe("the host application's BigNumber settings change no verdict", () => {
  afterEach(() => {
    BigNumber.config({ RANGE: 1e9, EXPONENTIAL_AT: [-7, 20], DECIMAL_PLACES: 20 });
  });

  it("BigNumber.config({ RANGE: [-7, 20] }) on the package's bignumber.js instance", () => {
    const requirements: Requirements = {
      contractAddress: GATED,
      minTokenBalance: "200000000000000000000000000000",
    };
    const holds = (amount: string) =>
      evm({ tokenBalances: { contractAddress: { [GATED]: amount } } });
    const before = [
      verdict(holds("1000000000000000000000000"), requirements),
      verdict(holds("200000000000000000000000000000"), requirements),
      verdict(holds("0.00000000001"), { contractAddress: GATED }),
    ];
    BigNumber.config({ RANGE: [-7, 20], DECIMAL_PLACES: 0, EXPONENTIAL_AT: 0 });
    // The global constructor now overflows and underflows: the package must not be using it.
    expect(new BigNumber("1000000000000000000000000").isFinite()).toBe(false);
    const after = [
      verdict(holds("1000000000000000000000000"), requirements),
      verdict(holds("200000000000000000000000000000"), requirements),
      verdict(holds("0.00000000001"), { contractAddress: GATED }),
    ];
    expect(before).toEqual([false, true, true]);
    expect(after).toEqual(before);
    expect(failureOf(holds("1000000000000000000000000"), requirements).actual).toBe(
      "1000000000000000000000000",
    );
  });
});
