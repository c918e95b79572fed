import { normalizeRequirements } from "../requirements/normalize-requirements.js";
import type { Requirements } from "../types.js";

/**
 * A stable text for what requirements mean, so that equal requirements share one key however
 * they are spelled: key order, `2` or `"2"` or `2n`, the order of token IDs, collections and
 * wallets, and repeated token IDs make no difference. Throws a `TypeError` for malformed
 * requirements, as the validator does.
 */
export function requirementsKey(requirements: Requirements): string {
  const normalized = normalizeRequirements(requirements);
  return JSON.stringify([
    normalized.chain,
    normalized.contractAddress,
    normalized.minimum?.toFixed(),
    sorted(normalized.mints),
    sorted([...normalized.decimalIds].map(String)),
    sorted(normalized.collections),
    normalized.creatorAddress,
    sorted(normalized.allowedWallets),
  ]);
}

function sorted(values: Iterable<string> | undefined): string[] | undefined {
  return values === undefined ? undefined : [...new Set(values)].sort();
}
