import type { Requirements } from "../types.js";
import type { NormalizedRequirements } from "./normalize-requirements.js";

interface Memo {
  /** The requirements' own entries when they were normalized; arrays copied. */
  snapshot: [string, unknown][];
  /** Whether the object and its arrays were frozen then: they cannot have changed since. */
  frozen: boolean;
  normalized: NormalizedRequirements;
}

/**
 * Remembers the normalized form of requirement objects that callers pass again and again (one
 * per route, typically), so that the hot path does not parse amounts on every call. A memo is
 * used only while the object still holds exactly what it held: a caller that mutates its
 * requirements (or an array in them) between calls gets them normalized anew. Frozen
 * requirements (and arrays) cannot change, so their memo is used without comparing.
 */
export class RequirementsMemo {
  readonly #memos = new WeakMap<object, Memo>();

  /** The remembered normalized form of `requirements`, unless they changed since. */
  get(requirements: Requirements): NormalizedRequirements | undefined {
    const memo = this.#memos.get(requirements);
    if (memo === undefined) return undefined;
    return memo.frozen || unchanged(requirements, memo.snapshot) ? memo.normalized : undefined;
  }

  /** Remembers the normalized form of `requirements` as they are now. */
  set(requirements: Requirements, normalized: NormalizedRequirements): void {
    this.#memos.set(requirements, {
      snapshot: snapshotOf(requirements),
      frozen: deeplyFrozen(requirements),
      normalized,
    });
  }
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
