import type { RequirementFailure } from "./types.js";

/** Every code a {@link PicketValidationError} can carry, with the HTTP status a server should answer. */
export const ERROR_STATUS = {
  ERR_TOKEN_MISSING: 401,
  ERR_TOKEN_MALFORMED: 401,
  ERR_TOKEN_TOO_LARGE: 401,
  ERR_ALG_NOT_ALLOWED: 401,
  ERR_KEY_NOT_FOUND: 401,
  ERR_SIGNATURE_INVALID: 401,
  ERR_ISSUER_INVALID: 401,
  ERR_AUDIENCE_INVALID: 401,
  ERR_TOKEN_EXPIRED: 401,
  ERR_TOKEN_NOT_YET_VALID: 401,
  ERR_CLAIM_INVALID: 401,
  ERR_REQUIREMENTS_NOT_MET: 403,
  ERR_JWKS_UNAVAILABLE: 503,
  ERR_JWKS_INVALID: 503,
} as const;

/** The union of all error codes, so that `switch (error.code)` narrows. */
export type ErrorCode = keyof typeof ERROR_STATUS;

/** Extra context a {@link PicketValidationError} may carry. */
export interface PicketValidationErrorOptions {
  /** The underlying error, where one exists. */
  cause?: unknown;
  /** For `ERR_REQUIREMENTS_NOT_MET`: which requirements failed and why. */
  failures?: readonly RequirementFailure[];
  /** The claim that failed its check, by name (never its value). */
  claim?: string;
  /** The protected-header member that failed its check, by name (never its value). */
  header?: string;
}

/**
 * The one error class of picket-validate: every rejected token, missing key or unusable key set
 * ends in one of these, with a stable `code` and the HTTP `status` a server should answer.
 *
 * @example
 * ```ts
 * try {
 *   await validator.validate(token);
 * } catch (error) {
 *   if (isPicketValidationError(error)) res.status(error.status).json({ error: error.code });
 *   else throw error;
 * }
 * ```
 */
export class PicketValidationError extends Error {
  override name = "PicketValidationError" as const;
  /** A stable, machine-readable code. */
  readonly code: ErrorCode;
  /** The HTTP status a server should answer: 401, 403 or 503. */
  readonly status: 401 | 403 | 503;
  /** For `ERR_REQUIREMENTS_NOT_MET`: the failed requirements; empty otherwise. */
  readonly failures: readonly RequirementFailure[];
  /** The claim that failed its check (`"exp"`, `"aud"`…), where one did: a name, never a value. */
  readonly claim: string | undefined;
  /** The header member that failed its check (`"alg"`, `"kid"`…), where one did. */
  readonly header: string | undefined;

  constructor(code: ErrorCode, message: string, options: PicketValidationErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.status = ERROR_STATUS[code];
    this.failures = options.failures ?? [];
    this.claim = options.claim;
    this.header = options.header;
  }
}

/**
 * Tells whether a value is a {@link PicketValidationError}, also across realms and duplicate
 * installs, by its `name` and `code` rather than `instanceof`.
 */
export function isPicketValidationError(value: unknown): value is PicketValidationError {
  if (typeof value !== "object" || value === null) return false;
  const candidate = value as { name?: unknown; code?: unknown };
  return (
    candidate.name === "PicketValidationError" &&
    typeof candidate.code === "string" &&
    Object.hasOwn(ERROR_STATUS, candidate.code)
  );
}
