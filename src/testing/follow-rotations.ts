import type { Validator } from "../validator/create-validator.js";

/**
 * Wraps a validator of an in-process key set so that it follows the set's rotations: whenever
 * `generation()` has moved on since the last call, the validator is built anew from the current
 * keys, as a validator of Picket's key set is after its next fetch. The new key validates at
 * once (`validateSync` included); tokens of a key that left the set, cached verdicts included,
 * no longer do.
 */
export function followRotations(build: () => Validator, generation: () => number): Validator {
  let builtFor = generation();
  let current = build();
  const latest = (): Validator => {
    const now = generation();
    if (now !== builtFor) {
      current = build();
      builtFor = now;
    }
    return current;
  };
  return {
    validate: (token, requirements) => latest().validate(token, requirements),
    validateSync: (token, requirements) => latest().validateSync(token, requirements),
    ready: () => latest().ready(),
    refresh: () => latest().refresh(),
    decodeUnverified: (token) => current.decodeUnverified(token),
    requirements: current.requirements,
  };
}
