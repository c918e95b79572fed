import { isPicketValidationError } from "./errors.js";
import type { PicketAccessToken, Requirements, ValidatorEvent } from "./types.js";
import { type Pipeline, type Trace, validateToken, validateTokenSync } from "./validate-token.js";

/** `validate` and `validateSync`, as a validator exposes them. */
export interface ValidateFunctions {
  validate(token: string, requirements?: Requirements): Promise<PicketAccessToken>;
  validateSync(token: string, requirements?: Requirements): PicketAccessToken;
}

/** The two pipelines as they are, for validators without `onEvent`: no event costs anything. */
export function plainValidation(pipeline: Pipeline): ValidateFunctions {
  return {
    validate: (token, requirements) => validateToken(pipeline, token, requirements),
    validateSync: (token, requirements) => validateTokenSync(pipeline, token, requirements),
  };
}

/**
 * The two pipelines reporting each outcome as a `validation_success` or `validation_failure`
 * event: the code, the names of failed claims, header members and requirement keys, the `kid`,
 * whether the token cache answered, and the duration. Never the token or a claim's value.
 */
export function reportingValidation(
  pipeline: Pipeline,
  emit: (event: ValidatorEvent) => void,
): ValidateFunctions {
  const report = (trace: Trace, started: number, error?: unknown): void => {
    const durationMs = performance.now() - started;
    const { kid, cached } = trace;
    if (error === undefined) {
      emit({ type: "validation_success", kid, cached, durationMs });
    } else if (isPicketValidationError(error)) {
      emit({
        type: "validation_failure",
        code: error.code,
        ...(error.claim === undefined ? {} : { claim: error.claim }),
        ...(error.header === undefined ? {} : { header: error.header }),
        requirements: error.failures.map((failure) => failure.requirement),
        uncounted: error.failures.flatMap((failure) => failure.uncounted ?? []),
        kid,
        cached,
        durationMs,
      });
    }
  };
  return {
    validate(token, requirements) {
      const trace: Trace = { kid: undefined, cached: false };
      const started = performance.now();
      return validateToken(pipeline, token, requirements, trace).then(
        (claims) => {
          report(trace, started);
          return claims;
        },
        (error: unknown) => {
          report(trace, started, error);
          throw error;
        },
      );
    },
    validateSync(token, requirements) {
      const trace: Trace = { kid: undefined, cached: false };
      const started = performance.now();
      try {
        const claims = validateTokenSync(pipeline, token, requirements, trace);
        report(trace, started);
        return claims;
      } catch (error) {
        report(trace, started, error);
        throw error;
      }
    },
  };
}
