import type { Requirements, RequirementsResult } from "../types.js";
import { evaluateRequirements } from "./evaluate-requirements.js";
import { normalizeRequirements } from "./normalize-requirements.js";

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
