import type { Requirements } from "../types.js";
import { UsageError } from "./cli-errors.js";

const LIST_KEYS = new Set(["tokenIds", "allowedWallets", "collection"]);

/**
 * Turns repeated `--require key=value` flags into requirements. `tokenIds`, `allowedWallets` and
 * `collection` take comma-separated lists, and repeating one adds to its list; every value stays
 * a string (a Solana mint such as `78AZe2223PknLYT9mn2VCJPAsdvuB6LzFAhgQeVoxddW` is never read as
 * a number), checked later as any requirements are. Throws a {@link UsageError} for a flag
 * without `=` or a single-valued key given twice.
 */
export function parseRequireFlags(flags: readonly string[]): Requirements | undefined {
  if (flags.length === 0) return undefined;
  const requirements = new Map<string, string | string[]>();
  for (const flag of flags) {
    const equals = flag.indexOf("=");
    if (equals <= 0) throw new UsageError(`--require ${flag}: expected key=value`);
    const key = flag.slice(0, equals);
    const value = flag.slice(equals + 1);
    const earlier = requirements.get(key);
    if (LIST_KEYS.has(key)) {
      const items = value
        .split(",")
        .map((item) => item.trim())
        .filter((item) => item !== "");
      requirements.set(key, [...((earlier as string[] | undefined) ?? []), ...items]);
    } else if (earlier !== undefined) {
      throw new UsageError(`--require ${key} is given twice`);
    } else {
      requirements.set(key, value);
    }
  }
  // fromEntries defines own properties, so `__proto__=x` is refused as an unknown key, not applied.
  return Object.fromEntries(requirements) as Requirements;
}
