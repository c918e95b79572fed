import { PicketValidationError } from "../errors.js";
import type { Requirements, RequirementsResult } from "../types.js";
import { evaluateRequirements } from "./evaluate-requirements.js";
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
function sealedNormalization(
  requirements: object,
  base: Readonly<Requirements> | undefined,
): NormalizedRequirements | undefined {
  const seal = seals.get(requirements);
  return seal !== undefined && seal.base === base ? seal.normalized : undefined;
}

/** The normalized form of a requirements object as it was when normalized. */
interface NormalizedMemo {
  /** The requirements' own entries when they were normalized; arrays copied. */
  snapshot: [string, unknown][];
  /** Whether the object and its arrays were frozen then: they cannot have changed since. */
  frozen: boolean;
  normalized: NormalizedRequirements;
}

/** The last requirements a token's claims were judged against, and the verdict. */
interface VerdictMemo {
  requirements: NormalizedRequirements;
  result: RequirementsResult;
}

/**
 * The validator's requirements stage: merges per-call requirements over the validator's own,
 * normalizes them, and judges claims against them. Malformed requirements throw a `TypeError`:
 * the validator's own at construction.
 *
 * It remembers two things, so that a route that passes the same requirements object again and
 * again, with a token it has seen before, pays for neither parsing nor exact decimals twice:
 * - the normalized form of each requirements object, used only while the object still holds
 *   exactly what it held (a caller that mutates its requirements, or an array in them, gets them
 *   normalized anew; an adapter's route passes a sealed copy, whose normalized form it checked
 *   is used as it is);
 * - the last verdict on each token's claims (claims are frozen and never change), for tokens
 *   answered from the token cache.
 */
export class RequirementsGate {
  /** The validator's own requirements, as a frozen copy; `undefined` when it has none. */
  readonly base: Readonly<Requirements> | undefined;
  readonly #normalizedBase: NormalizedRequirements;
  readonly #normalized = new WeakMap<object, NormalizedMemo>();
  readonly #verdicts = new WeakMap<object, VerdictMemo>();

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
    const memo = memoizable ? this.#normalized.get(perCall) : undefined;
    if (memo !== undefined && (memo.frozen || unchanged(perCall, memo.snapshot))) {
      return memo.normalized;
    }
    const normalized = normalizeRequirements(mergeRequirements(this.base, perCall));
    if (memoizable) {
      this.#normalized.set(perCall, {
        snapshot: snapshotOf(perCall),
        frozen: deeplyFrozen(perCall),
        normalized,
      });
    }
    return normalized;
  }

  /** `ERR_REQUIREMENTS_NOT_MET` (403) with the failures, or `undefined` when the claims pass. */
  judge(
    claims: Readonly<Record<string, unknown>>,
    requirements: NormalizedRequirements,
  ): PicketValidationError | undefined {
    return refusalOf(evaluateRequirements(claims, requirements));
  }

  /** {@link judge}, for frozen claims judged before (a cached token's): the last verdict, when the requirements are the same. */
  judgeAgain(
    claims: Readonly<Record<string, unknown>>,
    requirements: NormalizedRequirements,
  ): PicketValidationError | undefined {
    const memo = this.#verdicts.get(claims);
    if (memo?.requirements === requirements) return refusalOf(memo.result);
    const result = evaluateRequirements(claims, requirements);
    this.#verdicts.set(claims, { requirements, result });
    return refusalOf(result);
  }
}

function refusalOf(result: RequirementsResult): PicketValidationError | undefined {
  if (result.ok) return undefined;
  return new PicketValidationError(
    "ERR_REQUIREMENTS_NOT_MET",
    `Requirements not met: ${result.failures.map((failure) => failure.message).join("; ")}`,
    { failures: result.failures },
  );
}

/** Whether requirements and every array in them are frozen (as the adapters keep a route's). */
function deeplyFrozen(requirements: Requirements): boolean {
  if (!Object.isFrozen(requirements)) return false;
  return Object.values(requirements).every(
    (value) => !Array.isArray(value) || Object.isFrozen(value),
  );
}

function snapshotOf(requirements: Requirements): [string, unknown][] {
  return Object.entries(requirements).map(([key, value]) => [
    key,
    Array.isArray(value) ? [...value] : value,
  ]);
}

function unchanged(requirements: Requirements, snapshot: [string, unknown][]): boolean {
  const current = requirements as Record<string, unknown>;
  let count = 0;
  for (const key in current) {
    if (!Object.hasOwn(current, key)) continue;
    count += 1;
    if (count > snapshot.length) return false;
  }
  if (count !== snapshot.length) return false;
  for (const [key, was] of snapshot) {
    if (!Object.hasOwn(current, key)) return false;
    const value = current[key];
    if (Array.isArray(was)) {
      if (!Array.isArray(value) || value.length !== was.length) return false;
      for (let i = 0; i < was.length; i += 1) if (value[i] !== was[i]) return false;
    } else if (value !== was) {
      return false;
    }
  }
  return true;
}
