import type { Requirements } from "../types.js";
import {
  assertPlainRequirements,
  mergeRequirements,
  type NormalizedRequirements,
  normalizeRequirements,
} from "./normalize-requirements.js";

interface Seal {
  /** The validator's own requirements the copy was merged over when it was checked. */
  base: Readonly<Requirements> | undefined;
  normalized: NormalizedRequirements;
}

// Frozen copies and the normalized form they were checked as: one normalization per route.
const seals = new WeakMap<object, Seal>();

/**
 * Requirements as a frozen plain copy (arrays copied and frozen too, `undefined` values left
 * out): what a validator or a route keeps, so that what was checked cannot change afterwards.
 * Throws the `TypeError` of {@link assertPlainRequirements} for anything but a plain object.
 */
function freezeRequirements(requirements: Requirements): Readonly<Requirements> {
  assertPlainRequirements(requirements);
  const copy: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(requirements)) {
    if (value !== undefined) copy[key] = Array.isArray(value) ? Object.freeze([...value]) : value;
  }
  return Object.freeze(copy) as Readonly<Requirements>;
}

/**
 * Checks requirements once merged over `base` (a validator's frozen own requirements) and
 * returns their frozen copy, remembered with the normalized form that was checked: a validator
 * whose own requirements are `base` enforces exactly that form (see {@link sealedNormalization})
 * instead of normalizing the copy again. Throws a `TypeError` for malformed requirements.
 */
export function sealRequirements(
  requirements: Requirements,
  base: Readonly<Requirements> | undefined,
): Readonly<Requirements> {
  const frozen = freezeRequirements(requirements);
  seals.set(frozen, { base, normalized: normalizeRequirements(mergeRequirements(base, frozen)) });
  return frozen;
}

/** The normalized form `requirements` were sealed with over `base`; `undefined` if they were not. */
export function sealedNormalization(
  requirements: object,
  base: Readonly<Requirements> | undefined,
): NormalizedRequirements | undefined {
  const seal = seals.get(requirements);
  return seal !== undefined && seal.base === base ? seal.normalized : undefined;
}
