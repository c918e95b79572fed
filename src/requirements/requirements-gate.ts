import { PicketValidationError } from "../errors.js";
import type { Requirements, RequirementsResult } from "../types.js";
import {
  mergeRequirements,
  type NormalizedRequirements,
  normalizeRequirements,
} from "./normalize-requirements.js";
import { RequirementsMemo } from "./requirements-memo.js";
import { sealedNormalization, sealRequirements } from "./sealed-requirements.js";

/**
 * The validator's requirements stage: merges per-call requirements over the validator's own and
 * normalizes them once per requirements object (a route passes the same one every time; an
 * adapter's route passes a sealed copy, whose normalized form it checked is used as it is).
 * Malformed requirements throw a `TypeError`: the validator's own at construction.
 */
export class RequirementsGate {
  /** The validator's own requirements, as a frozen copy; `undefined` when it has none. */
  readonly base: Readonly<Requirements> | undefined;
  readonly #normalizedBase: NormalizedRequirements;
  readonly #memo = new RequirementsMemo();

  constructor(base: Requirements | null | undefined) {
    const own = base === undefined || base === null ? undefined : sealRequirements(base, undefined);
    this.base = own;
    this.#normalizedBase =
      own === undefined
        ? normalizeRequirements(undefined)
        : (sealedNormalization(own, undefined) as NormalizedRequirements);
  }

  /** The normalized requirements for one call. */
  resolve(perCall: Requirements | undefined): NormalizedRequirements {
    if (perCall === undefined) return this.#normalizedBase;
    const sealed = sealedNormalization(perCall, this.base);
    if (sealed !== undefined) return sealed;
    const memoizable = typeof perCall === "object" && perCall !== null;
    const remembered = memoizable ? this.#memo.get(perCall) : undefined;
    if (remembered !== undefined) return remembered;
    const normalized = normalizeRequirements(mergeRequirements(this.base, perCall));
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
