import {
  assertPlainRequirements,
  mergeRequirements,
  normalizeRequirements,
} from "../requirements/normalize-requirements.js";
import { sealRequirements } from "../requirements/requirements-gate.js";
import type { Requirements } from "../types.js";

/**
 * A route's requirements, checked when the route is built, merged over the validator's own
 * (`base`) as every call will merge them: malformed ones (or anything but a plain object) throw
 * a `TypeError` that names the adapter, at start-up rather than as a 500 on every request.
 * Returns a frozen copy (arrays too) sealed with the normalized form that was checked: the
 * validator enforces that very form on every request, without normalizing again.
 */
export function checkRouteRequirements(
  adapter: string,
  requirements: Requirements | undefined,
  base: Readonly<Requirements> | undefined,
): Requirements | undefined {
  // `null`, like `undefined`, is no requirements, as the validator reads it.
  if (requirements === undefined || requirements === null) return undefined;
  return explained(adapter, () => sealRequirements(requirements, base));
}

/**
 * Throws a `TypeError` naming the adapter unless `requirements` are a plain object, for
 * requirements that are merged before they are checked: a merge reads own keys only.
 */
export function checkPlainRequirements(adapter: string, requirements: unknown): void {
  explained(adapter, () => assertPlainRequirements(requirements));
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
  explained(adapter, () =>
    normalizeRequirements(mergeRequirements(validator.requirements, requirements)),
  );
  return requirements;
}

/** What `check` returns; its `TypeError` prefixed with the adapter's name. */
function explained<T>(adapter: string, check: () => T): T {
  try {
    return check();
  } catch (error) {
    if (!(error instanceof TypeError)) throw error;
    throw new TypeError(`${adapter}: ${error.message}`, { cause: error });
  }
}
