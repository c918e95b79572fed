import { holderOf } from "../shared/holder-of.js";
import type { RequirementFailure, Requirements, RequirementsResult } from "../types.js";
import { countBalance } from "./count-balance.js";
import { ZERO } from "./decimal.js";
import { type NormalizedRequirements, normalizeRequirements } from "./normalize-requirements.js";
import { addressKey } from "./same-address.js";

const PASS: RequirementsResult = Object.freeze({ ok: true });

/**
 * Checks a token's claims against token-gating requirements with Picket's semantics, in exact
 * decimal arithmetic: the balances of every requested key (contract, each collection, the
 * creator, each token ID) are summed and compared with `minTokenBalance` (more than zero where
 * it is absent or zero); a listed wallet passes whatever it holds. A pure function: use it to
 * unit-test claims. Throws a `TypeError` for malformed requirements.
 *
 * @example
 * ```ts
 * // Solana: SPL mint addresses, summed.
 * checkRequirements(claims, {
 *   chain: "solana",
 *   tokenIds: ["78AZe2223PknLYT9mn2VCJPAsdvuB6LzFAhgQeVoxddW", "2dQG4YYunFrbJjzW6UTcUmePs8UDy5jz43H6uSCZSAcS"],
 *   minTokenBalance: 1,
 * });
 * // EVM: a contract.
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
