import BigNumber from "bignumber.js";
import { holderOf } from "../shared/holder-of.js";
import type { RequirementFailure, Requirements, RequirementsResult } from "../types.js";
import {
  hasTokenTarget,
  type NormalizedRequirements,
  normalizeRequirements,
} from "./normalize-requirements.js";
import { parseAmount, parseTokenId } from "./parse-amount.js";
import { sameAddress } from "./same-address.js";

const PASS: RequirementsResult = Object.freeze({ ok: true });
const ZERO = new BigNumber(0);

/**
 * Checks a token's claims against token-gating requirements with Picket's semantics, in exact
 * decimal arithmetic. A pure function: use it to unit-test claims. Throws a `TypeError` for
 * malformed requirements.
 *
 * @example
 * ```ts
 * const result = checkRequirements(claims, { contractAddress: "0xabc…", minTokenBalance: "0.5" });
 * if (!result.ok) console.log(result.failures.map((f) => f.message));
 * ```
 */
export function checkRequirements(
  claims: Readonly<Record<string, unknown>>,
  requirements: Requirements,
): RequirementsResult {
  return evaluateRequirements(claims, normalizeRequirements(requirements));
}

/** {@link checkRequirements} on requirements already normalized. */
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
  const walletListed =
    wallets !== undefined && wallet !== undefined && wallets.some((w) => sameAddress(w, wallet));
  if (!walletListed) {
    const tokenFailure = hasTokenTarget(requirements)
      ? checkBalance(claims, requirements)
      : undefined;
    const tokensMet = hasTokenTarget(requirements) && tokenFailure === undefined;
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
  const held = heldBalance(claims, requirements);
  if (typeof held === "string") {
    return { requirement: "tokenBalance", reason: "claim_invalid", message: held };
  }
  const minimum = requirements.minTokenBalance;
  const met = minimum === undefined ? held.gt(ZERO) : held.gte(minimum);
  if (met) return undefined;
  const required = minimum === undefined ? "> 0" : minimum.toFixed();
  return {
    requirement: "tokenBalance",
    reason: "insufficient_balance",
    message: `The token's balance ${held.toFixed()} is below the required ${required}`,
    required,
    actual: held.toFixed(),
  };
}

/** The balance counted for the requirements, or a message when a claim is malformed. */
function heldBalance(
  claims: Readonly<Record<string, unknown>>,
  requirements: NormalizedRequirements,
): BigNumber | string {
  const balances = claims.tokenBalances;
  if (balances !== undefined) {
    if (!isRecord(balances)) return 'The "tokenBalances" claim is not an object';
    return balancesFromTokenBalances(balances, requirements);
  }
  return balanceFromFlatClaims(claims, requirements);
}

function balancesFromTokenBalances(
  balances: Record<string, unknown>,
  requirements: NormalizedRequirements,
): BigNumber | string {
  const { tokenIds, contractAddress, collections, creatorAddress } = requirements;
  const groups: [string, (key: string) => boolean][] = [];
  // Token IDs narrow the contract: counting both would count the same tokens twice.
  if (tokenIds !== undefined) {
    groups.push(["tokenIds", (key) => tokenIds.includes(parseTokenId(key) ?? -1n)]);
  } else if (contractAddress !== undefined) {
    groups.push(["contractAddress", (key) => sameAddress(key, contractAddress)]);
  }
  if (collections !== undefined) groups.push(["collection", (key) => collections.includes(key)]);
  if (creatorAddress !== undefined) {
    groups.push(["creatorAddress", (key) => sameAddress(key, creatorAddress)]);
  }
  let sum = ZERO;
  for (const [group, matches] of groups) {
    const entries = balances[group];
    if (entries === undefined) continue;
    if (!isRecord(entries)) return `"tokenBalances.${group}" is not an object`;
    for (const [key, value] of Object.entries(entries)) {
      if (!matches(key)) continue;
      const amount = parseAmount(value);
      if (amount === undefined) return `"tokenBalances.${group}" holds a malformed balance`;
      sum = sum.plus(amount);
    }
  }
  return sum;
}

function balanceFromFlatClaims(
  claims: Readonly<Record<string, unknown>>,
  requirements: NormalizedRequirements,
): BigNumber | string {
  const { contractAddress, tokenIds } = requirements;
  const held = claims.contractAddress;
  const contractMatches =
    contractAddress === undefined ||
    (typeof held === "string" && sameAddress(held, contractAddress));
  if (!contractMatches) return ZERO;
  if (tokenIds !== undefined) {
    const heldIds = claims.tokenIds;
    if (heldIds === undefined) return ZERO;
    if (!Array.isArray(heldIds)) return 'The "tokenIds" claim is not an array';
    const owned = new Set(heldIds.map(parseTokenId));
    return new BigNumber(tokenIds.filter((id) => owned.has(id)).length);
  }
  if (contractAddress === undefined) return ZERO;
  const raw = claims.tokenBalance ?? claims.numTokens;
  if (raw === undefined) return ZERO;
  return parseAmount(raw) ?? 'The "tokenBalance" claim is not a plain decimal';
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
