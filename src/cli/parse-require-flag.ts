import type { Requirements } from "../types.js";

const LIST_KEYS = new Set(["tokenIds", "allowedWallets", "collection"]);

/**
 * Turns repeated `--require key=value` flags into requirements. `tokenIds`, `allowedWallets` and
 * `collection` take comma-separated lists; other values stay strings, checked later as any
 * requirements are. Throws a `TypeError` for a flag without `=`.
 */
export function parseRequireFlags(flags: readonly string[]): Requirements | undefined {
  if (flags.length === 0) return undefined;
  const requirements: Record<string, unknown> = {};
  for (const flag of flags) {
    const equals = flag.indexOf("=");
    if (equals <= 0) throw new TypeError(`--require ${flag}: expected key=value`);
    const key = flag.slice(0, equals);
    const value = flag.slice(equals + 1);
    requirements[key] = LIST_KEYS.has(key) ? value.split(",").filter((item) => item !== "") : value;
  }
  return requirements as Requirements;
}
