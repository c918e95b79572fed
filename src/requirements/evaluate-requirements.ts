import type BigNumber from "bignumber.js";
import { holderOf } from "../shared/holder-of.js";
import type { RequirementFailure, RequirementsResult, TokenRequirementKey } from "../types.js";
import type { NormalizedRequirements } from "./normalize-requirements.js";
import { isDecimalTokenId, parseAmount, parseTokenId, ZERO } from "./parse-amount.js";
import { addressKey } from "./same-address.js";

const PASS: RequirementsResult = Object.freeze({ ok: true });

/**
 * Judges a token's claims against normalized requirements with Picket's semantics, in exact
 * decimal arithmetic: the balances of every requested key (contract, each collection, the
 * creator, each token ID) are summed and compared with `minTokenBalance` (more than zero where
 * it is absent or zero); a listed wallet passes whatever it holds. What `checkRequirements` and
 * the validator's requirements gate both run.
 */
export function evaluateRequirements(
  claims: Readonly<Record<string, unknown>>,
  requirements: NormalizedRequirements,
): RequirementsResult {
  const failures: RequirementFailure[] = [];
  const { chain, walletAddress: wallet } = holderOf(claims);

  if (requirements.chain !== undefined && requirements.chain !== chain) {
    failures.push({
      requirement: "chain",
      reason: "mismatch",
      message: `The token is for chain ${String(chain)}, not ${requirements.chain}`,
      required: requirements.chain,
      ...(chain === undefined ? {} : { actual: chain }),
    });
  }

  const wallets = requirements.allowedWallets;
  const listed = wallets !== undefined && wallet !== undefined && wallets.has(addressKey(wallet));
  if (!listed) {
    const tokenFailure = requirements.tokenTarget ? checkBalance(claims, requirements) : undefined;
    const tokensMet = requirements.tokenTarget && tokenFailure === undefined;
    if (!tokensMet) {
      if (wallets !== undefined) {
        failures.push({
          requirement: "allowedWallets",
          reason: "not_listed",
          message: "The wallet is not one of the allowed wallets",
          ...(wallet === undefined ? {} : { actual: wallet }),
        });
      }
      if (tokenFailure !== undefined) failures.push(tokenFailure);
    }
  }
  return failures.length === 0 ? PASS : { ok: false, failures };
}

function checkBalance(
  claims: Readonly<Record<string, unknown>>,
  requirements: NormalizedRequirements,
): RequirementFailure | undefined {
  const tally = countBalance(claims, requirements);
  if (typeof tally === "string") {
    return { requirement: "tokenBalance", reason: "claim_invalid", message: tally };
  }
  const { minimum } = requirements;
  const met = minimum === undefined ? tally.held.gt(ZERO) : tally.held.gte(minimum);
  if (met) return undefined;
  const required = minimum === undefined ? "> 0" : minimum.toFixed();
  const needs = minimum === undefined ? "more than 0" : `at least ${required}`;
  const uncounted = tally.requested.filter((key) => !tally.counted.has(key));
  const nothingFor = uncounted.length === 0 ? "" : ` (nothing counted for ${uncounted.join(", ")})`;
  return {
    requirement: "tokenBalance",
    reason: "insufficient_balance",
    message: `The wallet holds ${tally.held.toFixed()}; needs ${needs}${nothingFor}`,
    required,
    actual: tally.held.toFixed(),
    uncounted,
  };
}

/** What a token's claims count toward token requirements. */
interface Tally {
  /** The summed balance over every requested key. */
  held: BigNumber;
  /** The requirement keys that were asked for, in Picket's order. */
  requested: readonly TokenRequirementKey[];
  /** The requirement keys that counted more than zero. */
  counted: ReadonlySet<TokenRequirementKey>;
}

/**
 * Sums the balance a token proves for the requirements: from `tokenBalances` (Picket's
 * per-key form) where present, else from the flat `tokenBalance` claims. Returns a message
 * instead when a claim that would count is malformed.
 */
function countBalance(
  claims: Readonly<Record<string, unknown>>,
  requirements: NormalizedRequirements,
): Tally | string {
  const requested = requestedKeys(requirements);
  const balances = claims.tokenBalances;
  if (balances === undefined) return countFlatClaims(claims, requirements, requested);
  if (!isRecord(balances)) return 'The "tokenBalances" claim is not an object';
  return countTokenBalances(balances, requirements, requested);
}

function requestedKeys(requirements: NormalizedRequirements): TokenRequirementKey[] {
  const keys: TokenRequirementKey[] = [];
  if (requirements.contractAddress !== undefined) keys.push("contractAddress");
  if (requirements.collections.size > 0) keys.push("collection");
  if (requirements.creatorAddress !== undefined) keys.push("creatorAddress");
  if (requirements.mints.size > 0 || requirements.decimalIds.size > 0) keys.push("tokenIds");
  return keys;
}

/** The keys each `tokenBalances` group is searched for. Decimal IDs never count from here. */
function wantedIn(
  group: TokenRequirementKey,
  requirements: NormalizedRequirements,
): ReadonlySet<string> {
  switch (group) {
    case "contractAddress":
      return new Set([requirements.contractAddress as string]);
    case "collection":
      return requirements.collections;
    case "creatorAddress":
      return new Set([requirements.creatorAddress as string]);
    case "tokenIds":
      return requirements.mints;
  }
}

function countTokenBalances(
  balances: Record<string, unknown>,
  requirements: NormalizedRequirements,
  requested: readonly TokenRequirementKey[],
): Tally | string {
  let held = ZERO;
  const counted = new Set<TokenRequirementKey>();
  for (const group of requested) {
    const entries = balances[group];
    if (entries === undefined) continue;
    if (!isRecord(entries)) return `"tokenBalances.${group}" is not an object`;
    const sum = sumMatching(entries, wantedIn(group, requirements));
    if (sum === undefined) return `"tokenBalances.${group}" holds a malformed balance`;
    if (sum.gt(ZERO)) {
      counted.add(group);
      held = held.plus(sum);
    }
  }
  return { held, requested, counted };
}

/**
 * Sums the balances of the wanted keys, each key once: one EVM address spelled twice (checksummed
 * and lower-case) counts its smaller balance, never both. Linear in the token's keys.
 */
function sumMatching(
  entries: Record<string, unknown>,
  wanted: ReadonlySet<string>,
): BigNumber | undefined {
  const byKey = new Map<string, BigNumber>();
  for (const key in entries) {
    if (!Object.hasOwn(entries, key)) continue;
    const normalized = addressKey(key);
    if (!wanted.has(normalized)) continue;
    const amount = parseAmount(entries[key]);
    if (amount === undefined) return undefined;
    const seen = byKey.get(normalized);
    byKey.set(normalized, seen === undefined || amount.lt(seen) ? amount : seen);
  }
  let sum = ZERO;
  for (const amount of byKey.values()) sum = sum.plus(amount);
  return sum;
}

/**
 * The flat claims (`contractAddress`, `tokenIds`, `tokenBalance` or the older `numTokens`) count
 * only when the set the token was measured over lies inside the required set: a balance over
 * other keys proves nothing about these, while one over part of the required set is a lower
 * bound of the balance over all of it. Decimal token IDs count only here, inside the named
 * contract.
 */
function countFlatClaims(
  claims: Readonly<Record<string, unknown>>,
  requirements: NormalizedRequirements,
  requested: readonly TokenRequirementKey[],
): Tally | string {
  const nothing: Tally = { held: ZERO, requested, counted: new Set() };
  const raw = claims.tokenBalance ?? claims.numTokens;
  if (raw === undefined) return nothing;
  const named = flatKeysWithin(claims, requirements);
  if (typeof named === "string" || named.size === 0) {
    return typeof named === "string" ? named : nothing;
  }
  const held = parseAmount(raw);
  if (held === undefined) return 'The "tokenBalance" claim is not a plain decimal';
  return { held, requested, counted: held.gt(ZERO) ? named : new Set() };
}

/**
 * The requirement keys the flat claims name, when what they name is inside what is required: the
 * required contract (any of its token IDs, where the requirements name none of them) and required
 * token IDs. An empty set when anything they name is not required (or when they name nothing). A
 * message when a claim is malformed.
 */
function flatKeysWithin(
  claims: Readonly<Record<string, unknown>>,
  requirements: NormalizedRequirements,
): Set<TokenRequirementKey> | string {
  const named = new Set<TokenRequirementKey>();
  const contract = claims.contractAddress;
  if (contract !== undefined) {
    if (typeof contract !== "string") return 'The "contractAddress" claim is not a string';
    if (addressKey(contract) !== requirements.contractAddress) return new Set();
    named.add("contractAddress");
  }
  const ids = claims.tokenIds;
  if (ids === undefined) return named;
  if (!Array.isArray(ids)) return 'The "tokenIds" claim is not an array';
  // Some of the required contract's IDs: a lower bound of its whole balance.
  if (named.has("contractAddress") && !namesTokenIds(requirements)) return named;
  for (const id of ids) {
    if (!flatIdRequired(id, contract !== undefined, requirements)) return new Set();
    named.add("tokenIds");
  }
  return named;
}

function namesTokenIds(requirements: NormalizedRequirements): boolean {
  return requirements.mints.size > 0 || requirements.decimalIds.size > 0;
}

function flatIdRequired(
  id: unknown,
  inContract: boolean,
  requirements: NormalizedRequirements,
): boolean {
  if (!isDecimalTokenId(id))
    return typeof id === "string" && requirements.mints.has(addressKey(id));
  const value = parseTokenId(id);
  return inContract && value !== undefined && requirements.decimalIds.has(value);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
