import { PicketValidationError } from "../errors.js";
import type { Requirements, RequirementsResult } from "../types.js";
import {
  mergeRequirements,
  type NormalizedRequirements,
  normalizeRequirements,
} from "./normalize-requirements.js";
import { RequirementsMemo } from "./requirements-memo.js";

/**
 * The validator's requirements stage: merges per-call requirements over the validator's own and
 * normalizes them once per requirements object (a route passes the same one every time).
 * Malformed requirements throw a `TypeError`: the validator's own at construction.
 */
export class RequirementsGate {
  readonly #base: Requirements | undefined;
  readonly #normalizedBase: NormalizedRequirements;
  readonly #memo = new RequirementsMemo();

  constructor(base: Requirements | undefined) {
    this.#base = base;
    this.#normalizedBase = normalizeRequirements(base);
  }

  /** The normalized requirements for one call. */
  resolve(perCall: Requirements | undefined): NormalizedRequirements {
    if (perCall === undefined) return this.#normalizedBase;
    const memoizable = typeof perCall === "object" && perCall !== null;
    const remembered = memoizable ? this.#memo.get(perCall) : undefined;
    if (remembered !== undefined) return remembered;
    const normalized = normalizeRequirements(mergeRequirements(this.#base, perCall));
    if (memoizable) this.#memo.set(perCall, normalized);
    return normalized;
  }
}

/** Throws `ERR_REQUIREMENTS_NOT_MET` (403) with the failures, unless the verdict passed. */
export function enforceVerdict(result: RequirementsResult): void {
  if (result.ok) return;
  throw new PicketValidationError(
    "ERR_REQUIREMENTS_NOT_MET",
    `Requirements not met: ${result.failures.map((failure) => failure.message).join("; ")}`,
    { failures: result.failures },
  );
}
