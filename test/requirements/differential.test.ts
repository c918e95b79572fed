import BigNumber from "bignumber.js";
import fc from "fast-check";
import { afterAll, describe, expect, it } from "vitest";
import { checkRequirements } from "../../src/index.js";
import {
  asksForTokens,
  heldBalance,
  type ModelHolder,
  type ModelRequirements,
  type ModelTokenBalances,
  meetsRequirements,
} from "./reference-model.js";

// Differential test: random tokenBalances or flat claims and requirements, judged by
// checkRequirements and by the reference model written from Picket's client and docs. The
// verdicts must be equal.
//
// The inputs stay where the two readings are meant to agree: every EVM address lower-case and
// spelled once, required token IDs as mint addresses (a flat token may name decimal IDs of its
// contract, in canonical form), no requested key listed twice, and
// the key pools of contracts, collections, creators and mints disjoint. The package's own tables
// pin what it does beyond that.
//
// FUZZ_RUNS sets the number of cases (default 1,000; at least 10,000 when set, as `npm run fuzz`
// does), and FUZZ_SEED replays a run (fast-check prints the seed of a failure).

const RUNS =
  process.env.FUZZ_RUNS === undefined
    ? 1000
    : Math.max(10_000, Number.parseInt(process.env.FUZZ_RUNS, 10));
const SEED = process.env.FUZZ_SEED === undefined ? undefined : Number(process.env.FUZZ_SEED);
/** Generous: a case takes well under a millisecond, and must finish whatever the machine. */
const TIMEOUT = Math.max(60_000, RUNS * 5);

if (!Number.isSafeInteger(RUNS) || RUNS <= 0) {
  throw new Error(`FUZZ_RUNS must be a positive integer, not ${process.env.FUZZ_RUNS}`);
}

const Decimal = BigNumber.clone();

const BASE58 = [..."123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"];
const DIGITS = [..."0123456789"];
const HEX = [...DIGITS, ..."abcdef"];

/** A Solana address (mint, collection, creator or wallet); never all digits, so never a decimal ID. */
const solanaAddress = fc
  .string({ unit: fc.constantFrom(...BASE58), minLength: 32, maxLength: 44 })
  .filter((address) => !/^\d+$/.test(address));

/** A lower-case EVM address: the one spelling Picket's client and the package read alike. */
const evmAddress = fc
  .string({ unit: fc.constantFrom(...HEX), minLength: 40, maxLength: 40 })
  .map((hex) => `0x${hex}`);

/** Digits without leading zeros, up to 30 of them. */
const wholePart = fc.oneof(
  fc.constantFrom("0", "1", "2", "3"),
  fc.bigInt({ min: 1n, max: 10n ** 30n }).map(String),
);

/** 1 to 18 fraction digits, the last not zero: balances in canonical form, as Picket writes them. */
const fractionPart = fc
  .tuple(
    fc.string({ unit: fc.constantFrom(...DIGITS), maxLength: 17 }),
    fc.constantFrom(..."123456789"),
  )
  .map(([digits, last]) => digits + last);

/** A canonical decimal balance: "0", small round values (so sums meet minimums), big and 18-decimal ones. */
const balance = fc.oneof(
  {
    weight: 3,
    arbitrary: fc.constantFrom("0", "0.5", "1", "0.25", "0.75", "2", "0.000000000000000001"),
  },
  { weight: 2, arbitrary: wholePart },
  {
    weight: 2,
    arbitrary: fc.tuple(wholePart, fractionPart).map(([whole, fraction]) => `${whole}.${fraction}`),
  },
);

/**
 * The keys a case can use, in disjoint pools. One mint, and a Solana holder's wallet, also come
 * spelled in another case: base58 compares exactly, so that spelling is another key.
 */
interface Universe {
  chain: "solana" | "ethereum";
  wallet: string;
  otherWallets: string[];
  contracts: string[];
  collections: string[];
  creators: string[];
  mints: string[];
}

const universe: fc.Arbitrary<Universe> = fc
  .record({
    chain: fc.constantFrom("solana" as const, "ethereum" as const),
    solana: fc.uniqueArray(solanaAddress, { minLength: 12, maxLength: 12 }),
    evm: fc.uniqueArray(evmAddress, { minLength: 6, maxLength: 6 }),
  })
  .map(({ chain, solana, evm }) => {
    const wallets = chain === "solana" ? solana.slice(9, 12) : evm.slice(3, 6);
    const [wallet = "", ...otherWallets] = wallets;
    if (chain === "solana") otherWallets.push(swapCase(wallet));
    return {
      chain,
      wallet,
      otherWallets,
      contracts: evm.slice(0, 3),
      collections: solana.slice(0, 3),
      creators: solana.slice(3, 5),
      mints: [...solana.slice(5, 9), swapCase(solana[5] ?? "")],
    };
  })
  .filter((u) => {
    const keys = [
      u.wallet,
      ...u.otherWallets,
      ...u.contracts,
      ...u.collections,
      ...u.creators,
      ...u.mints,
    ];
    return new Set(keys).size === keys.length;
  });

function swapCase(text: string): string {
  return [...text].map((c) => (c === c.toLowerCase() ? c.toUpperCase() : c.toLowerCase())).join("");
}

/** `arbitrary` one time in `1 + absentWeight`, else undefined. */
function sometimes<T>(arbitrary: fc.Arbitrary<T>, absentWeight = 1): fc.Arbitrary<T | undefined> {
  return fc.oneof(
    { weight: absentWeight, arbitrary: fc.constant(undefined) },
    { weight: 1, arbitrary },
  );
}

/** Balances for some of `keys`, or the whole group absent. */
function groupOf(keys: readonly string[]): fc.Arbitrary<Record<string, string> | undefined> {
  const values = fc.tuple(...keys.map(() => sometimes(balance)));
  const group = values.map((held) =>
    Object.fromEntries(keys.flatMap((key, i) => (held[i] === undefined ? [] : [[key, held[i]]]))),
  );
  return fc.oneof(
    { weight: 1, arbitrary: fc.constant(undefined) },
    { weight: 5, arbitrary: group },
  );
}

function tokenBalancesOf(u: Universe): fc.Arbitrary<ModelTokenBalances | undefined> {
  const groups = fc
    .record({
      contractAddress: groupOf(u.contracts),
      collection: groupOf(u.collections),
      creatorAddress: groupOf(u.creators),
      tokenIds: groupOf(u.mints),
    })
    .map(withoutUndefined);
  return fc.oneof(
    { weight: 1, arbitrary: fc.constant(undefined) },
    { weight: 12, arbitrary: groups },
  );
}

/** The flat claims: one balance over a contract (all of it, or some of its IDs) or over mints. */
type FlatClaims = Pick<ModelHolder, "contractAddress" | "tokenIds" | "tokenBalance">;

function flatOf(u: Universe): fc.Arbitrary<FlatClaims> {
  return fc
    .record({
      contractAddress: fc.oneof(
        { weight: 1, arbitrary: fc.constant(undefined) },
        { weight: 3, arbitrary: fc.constantFrom(...u.contracts) },
      ),
      tokenIds: sometimes(
        fc.oneof(
          fc.shuffledSubarray(["1", "2", "3"], { minLength: 1 }),
          fc.shuffledSubarray(u.mints, { minLength: 1 }),
        ),
      ),
      tokenBalance: balance,
    })
    .map(withoutUndefined);
}

/** What a token proves: tokenBalances, the flat claims, or both (where tokenBalances wins). */
function holdingsOf(u: Universe): fc.Arbitrary<Partial<ModelHolder>> {
  const balances = tokenBalancesOf(u).map((tokenBalances) =>
    tokenBalances === undefined ? {} : { tokenBalances },
  );
  return fc.oneof(
    { weight: 2, arbitrary: balances },
    { weight: 2, arbitrary: flatOf(u) },
    {
      weight: 1,
      arbitrary: fc.tuple(balances, flatOf(u)).map(([held, flat]) => ({ ...flat, ...held })),
    },
  );
}

/** Requirement keys drawn from the pools: some held by the token, some not. */
function targetsOf(u: Universe): fc.Arbitrary<ModelRequirements> {
  return fc
    .record({
      chain: sometimes(fc.constantFrom("solana", "ethereum"), 2),
      contractAddress: sometimes(fc.constantFrom(...u.contracts)),
      collection: sometimes(
        fc.oneof(
          fc.constantFrom(...u.collections),
          fc.shuffledSubarray(u.collections, { minLength: 1 }),
        ),
        2,
      ),
      creatorAddress: sometimes(fc.constantFrom(...u.creators), 2),
      tokenIds: sometimes(fc.shuffledSubarray(u.mints, { minLength: 1 })),
      allowedWallets: sometimes(
        fc.shuffledSubarray([u.wallet, ...u.otherWallets], { minLength: 1 }),
        3,
      ),
    })
    .map(withoutUndefined);
}

/**
 * A minimum: absent, zero in each spelling, a random balance, or the held sum itself and its
 * neighbours 10^-18 away (so that `>=` against `>` is decided often). Numbers are the nearest
 * double, read by both sides through its shortest decimal form.
 */
function minimumOf(held: string): fc.Arbitrary<string | number | bigint | undefined> {
  const tiny = "0.000000000000000001";
  const near = [held, new Decimal(held).plus(tiny).toFixed()];
  if (held !== "0") near.push(new Decimal(held).minus(tiny).toFixed());
  const decimal = fc.oneof(fc.constantFrom(...near), balance);
  return fc.oneof(
    { weight: 2, arbitrary: fc.constant(undefined) },
    { weight: 2, arbitrary: fc.constantFrom<string | number | bigint>(0, "0", 0n, "0.00") },
    { weight: 5, arbitrary: decimal },
    { weight: 1, arbitrary: decimal.map(Number) },
    { weight: 1, arbitrary: decimal.filter((d) => !d.includes(".")).map(BigInt) },
  );
}

interface Case {
  holder: ModelHolder;
  requirements: ModelRequirements;
}

const cases: fc.Arbitrary<Case> = universe.chain((u) =>
  fc.tuple(holdingsOf(u), targetsOf(u)).chain(([holdings, targets]) => {
    const holder: ModelHolder = { ...holdings, chain: u.chain, walletAddress: u.wallet };
    // A minimum with nothing to count is a TypeError in the package, and meaningless in Picket.
    if (!asksForTokens(targets)) return fc.constant({ holder, requirements: targets });
    const held = heldBalance(holder, targets).toFixed();
    return minimumOf(held).map((minTokenBalance) => ({
      holder,
      requirements: withoutUndefined({ ...targets, minTokenBalance }),
    }));
  }),
);

function claimsOf(holder: ModelHolder): Record<string, unknown> {
  return { sub: `${holder.chain}:${holder.walletAddress}`, ...holder };
}

function withoutUndefined<T extends object>(
  value: T,
): { [K in keyof T]: Exclude<T[K], undefined> } {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as {
    [K in keyof T]: Exclude<T[K], undefined>;
  };
}

describe(`checkRequirements against the reference model (${RUNS} cases)`, () => {
  const tally = { pass: 0, fail: 0, atMinimum: 0, listedWallet: 0, flatCounted: 0 };

  afterAll(() => {
    console.info(
      `[differential] ${tally.pass + tally.fail} cases checked (runs ${RUNS}${SEED === undefined ? "" : `, seed ${SEED}`}): ${tally.pass} pass, ${tally.fail} fail, ${tally.atMinimum} hold exactly the minimum, ${tally.listedWallet} pass on a listed wallet, ${tally.flatCounted} count a flat balance`,
    );
  });

  it(
    "the verdicts are equal",
    () => {
      fc.assert(
        fc.property(cases, ({ holder, requirements }) => {
          const expected = meetsRequirements(holder, requirements);
          const actual = checkRequirements(claimsOf(holder), requirements).ok;
          expect(actual, JSON.stringify({ holder, requirements }, bigints)).toBe(expected);
          tally[expected ? "pass" : "fail"] += 1;
          if (isAtMinimum(holder, requirements)) tally.atMinimum += 1;
          if (requirements.allowedWallets?.includes(holder.walletAddress)) tally.listedWallet += 1;
          if (countsFlat(holder, requirements)) tally.flatCounted += 1;
        }),
        { numRuns: RUNS, ...(SEED === undefined ? {} : { seed: SEED }) },
      );
      // Both verdicts, the boundary between them and a counted flat balance were drawn often
      // enough to mean something (each about 4 % of cases; the floors sit well below).
      expect(tally.pass).toBeGreaterThan(RUNS * 0.25);
      expect(tally.fail).toBeGreaterThan(RUNS * 0.25);
      expect(tally.atMinimum).toBeGreaterThan(RUNS * 0.02);
      expect(tally.flatCounted).toBeGreaterThan(RUNS * 0.02);
    },
    TIMEOUT,
  );
});

/** Whether the held sum equals a non-zero minimum: where `>=` and `>` disagree. */
function isAtMinimum(holder: ModelHolder, requirements: ModelRequirements): boolean {
  const { minTokenBalance } = requirements;
  if (minTokenBalance === undefined || !asksForTokens(requirements)) return false;
  const held = heldBalance(holder, requirements);
  return !held.isZero() && held.isEqualTo(String(minTokenBalance));
}

/** Whether a flat balance (no tokenBalances) counted more than zero. */
function countsFlat(holder: ModelHolder, requirements: ModelRequirements): boolean {
  return (
    holder.tokenBalances === undefined &&
    asksForTokens(requirements) &&
    heldBalance(holder, requirements).isGreaterThan(0)
  );
}

function bigints(_key: string, value: unknown): unknown {
  return typeof value === "bigint" ? `${value}n` : value;
}
