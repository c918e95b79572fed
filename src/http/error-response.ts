import {
  ERROR_STATUS,
  type ErrorCode,
  isPicketValidationError,
  type PicketValidationError,
} from "../errors.js";

/** What an HTTP adapter answers for a failed validation. */
export interface ErrorResponse {
  status: 401 | 403 | 503;
  headers: Record<string, string>;
  body: { error: ErrorCode; message: string };
}

/**
 * Public messages: fixed per code, so that nothing of the token (its claims, balances or
 * signature) reaches the response, whatever the internal message says.
 */
const PUBLIC_MESSAGES: Record<ErrorCode, string> = {
  ERR_TOKEN_MISSING: "A Bearer access token is required",
  ERR_TOKEN_MALFORMED: "The access token is malformed",
  ERR_TOKEN_TOO_LARGE: "The access token is too large",
  ERR_ALG_NOT_ALLOWED: "The access token's algorithm or header is not accepted",
  ERR_KEY_NOT_FOUND: "The access token was signed by an unknown key",
  ERR_SIGNATURE_INVALID: "The access token's signature is invalid",
  ERR_ISSUER_INVALID: "The access token was not issued by Picket",
  ERR_AUDIENCE_INVALID: "The access token is for another project",
  ERR_TOKEN_EXPIRED: "The access token has expired",
  ERR_TOKEN_NOT_YET_VALID: "The access token is not valid yet",
  ERR_CLAIM_INVALID: "The access token has an invalid claim",
  ERR_REQUIREMENTS_NOT_MET: "The wallet does not meet this resource's token requirements",
  ERR_JWKS_UNAVAILABLE: "Access tokens cannot be checked right now",
  ERR_JWKS_INVALID: "Access tokens cannot be checked right now",
};

const REALM = "picket";

/**
 * Seconds a client should wait before retrying a 503: the key set's default `cooldown`, after
 * which the validator tries the key server again.
 */
const RETRY_AFTER_SECONDS = 30;

/**
 * Whether `error` may be answered as a refusal: a {@link PicketValidationError} whose `status` is
 * the one its `code` has in the error table. Anything else, a lookalike without a status
 * included, is a bug for the framework's error handling (a 500), never an answer: a status that
 * is not a 4xx or 5xx would send the error body as a success, or throw while answering.
 */
export function isAnswerable(error: unknown): error is PicketValidationError {
  return isPicketValidationError(error) && error.status === ERROR_STATUS[error.code];
}

/** The fixed public message for an error code: the text every adapter answers with. */
export function publicMessage(code: ErrorCode): string {
  return PUBLIC_MESSAGES[code];
}

/**
 * The status, headers and JSON body for a validation error: 401, 403 or 503, with an RFC 6750
 * `WWW-Authenticate` challenge. A request without credentials gets the bare challenge, as
 * RFC 6750 section 3.1 asks; a bad token gets `invalid_token`, unmet requirements
 * `insufficient_scope`. A 503 carries `Retry-After` ({@link RETRY_AFTER_SECONDS}).
 */
export function errorResponse(error: PicketValidationError): ErrorResponse {
  const message = PUBLIC_MESSAGES[error.code];
  const headers: Record<string, string> = {
    "content-type": "application/json; charset=utf-8",
    "cache-control": "no-store",
  };
  if (error.code === "ERR_TOKEN_MISSING") {
    headers["www-authenticate"] = `Bearer realm="${REALM}"`;
  } else if (error.status === 503) {
    headers["retry-after"] = String(RETRY_AFTER_SECONDS);
  } else {
    const kind = error.status === 403 ? "insufficient_scope" : "invalid_token";
    headers["www-authenticate"] =
      `Bearer realm="${REALM}", error="${kind}", error_description="${message}"`;
  }
  return { status: error.status, headers, body: { error: error.code, message } };
}
