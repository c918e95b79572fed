import {
  mergeRequirements,
  normalizeRequirements,
} from "../requirements/normalize-requirements.js";
import type { Requirements } from "../types.js";

/**
 * A route's requirements, checked when the route is built, merged over the validator's own
 * (`base`) as every call will merge them: malformed ones throw a `TypeError` that names the
 * adapter, at start-up rather than as a 500 on every request. Returns a frozen
 * copy (arrays too), so that what was checked is what every request is held to, and so that
 * the validator's memo of normalized requirements holds one entry per route.
 */
export function checkRouteRequirements(
  adapter: string,
  requirements: Requirements | undefined,
  base: Requirements | undefined,
): Requirements | undefined {
  // `null`, like `undefined`, is no requirements, as the validator reads it.
  if (requirements === undefined || requirements === null) return undefined;
  normalizeOrExplain(adapter, requirements, base);
  const copy: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(requirements)) {
    if (value !== undefined) copy[key] = Array.isArray(value) ? Object.freeze([...value]) : value;
  }
  return Object.freeze(copy) as Requirements;
}

/**
 * For adapters that are handed requirements on every call (`authenticate`): the check of
 * {@link checkRouteRequirements}, before the request is read, so that malformed requirements
 * fail every call alike with a `TypeError` that names the adapter. Checked on every call: it
 * costs about a quarter of a microsecond, where a memo of checked objects saved nothing that
 * a benchmark could see.
 */
export function checkCallRequirements(
  adapter: string,
  requirements: Requirements | undefined,
  validator: { readonly requirements?: Requirements | undefined },
): Requirements | undefined {
  if (requirements === undefined || requirements === null) return undefined;
  normalizeOrExplain(adapter, requirements, validator.requirements);
  return requirements;
}

function normalizeOrExplain(
  adapter: string,
  requirements: Requirements,
  base: Requirements | undefined,
): void {
  try {
    normalizeRequirements(mergeRequirements(base, requirements));
  } catch (error) {
    if (!(error instanceof TypeError)) throw error;
    throw new TypeError(`${adapter}: ${error.message}`, { cause: error });
  }
}
