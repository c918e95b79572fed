import { PicketValidationError } from "../errors.js";

const BEARER = /^Bearer +([A-Za-z0-9._~+/-]+=*) *$/i;

/**
 * Reads the token from an `Authorization: Bearer <token>` header value (the scheme is
 * case-insensitive). Throws `ERR_TOKEN_MISSING` when there are no Bearer credentials.
 *
 * @example
 * ```ts
 * const token = parseBearer(req.headers.authorization);
 * ```
 */
export function parseBearer(headerValue: string | null | undefined): string {
  const match = typeof headerValue === "string" ? BEARER.exec(headerValue) : null;
  if (match === null) {
    throw new PicketValidationError(
      "ERR_TOKEN_MISSING",
      "No Bearer token in the Authorization header",
    );
  }
  return match[1] as string;
}
