import { sealRequirements } from "../requirements/requirements-gate.js";
import type { Requirements } from "../types.js";

/** A policy name: one URL path segment, safe in a log line. */
const POLICY_NAME = /^[A-Za-z0-9_.-]{1,64}$/;

/**
 * Checks named requirement policies merged over the validator's own (`base`), as every request
 * will merge them, so that a mistake in one is a `TypeError` at start-up naming the policy, never
 * a gate that opens at request time. Returns them sealed (frozen, with the normalized form that
 * was checked, which the validator then enforces as it is) in a map: no prototype keys can be
 * looked up as policies. The message names the policy; the caller says where it came from.
 */
export function checkPolicies(
  policies: unknown,
  base: Readonly<Requirements> | undefined,
): ReadonlyMap<string, Readonly<Requirements>> {
  if (policies === undefined) return new Map();
  if (typeof policies !== "object" || policies === null || Array.isArray(policies)) {
    throw new TypeError(`policies must be an object of named requirements`);
  }
  const checked = new Map<string, Readonly<Requirements>>();
  for (const [name, requirements] of Object.entries(policies)) {
    if (!POLICY_NAME.test(name)) {
      throw new TypeError(
        `policy name ${JSON.stringify(name)} must be 1 to 64 letters, digits, "_", "-" or "."`,
      );
    }
    if (typeof requirements !== "object" || requirements === null || Array.isArray(requirements)) {
      throw new TypeError(`policies.${name} must be a requirements object ({} for none)`);
    }
    try {
      checked.set(name, sealRequirements(requirements as Requirements, base));
    } catch (error) {
      if (!(error instanceof TypeError)) throw error;
      throw new TypeError(`policies.${name}: ${error.message}`, { cause: error });
    }
  }
  return checked;
}
