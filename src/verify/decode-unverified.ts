import { PicketValidationError } from "../errors.js";
import type { DecodedToken } from "../types.js";
import { parseToken } from "./parse-token.js";

/**
 * Decodes a token's header and claims **without checking anything**: not the signature, not the
 * issuer, not the expiry. For debugging and logging only; never base a decision on the result.
 *
 * @example
 * ```ts
 * const { header, claims } = decodeUnverified(token);
 * logger.debug({ kid: header.kid, sub: claims.sub }, "token received");
 * ```
 */
export function decodeUnverified(token: string): DecodedToken {
  if (token === undefined || token === null || token === "") {
    throw new PicketValidationError("ERR_TOKEN_MISSING", "No token was given");
  }
  if (typeof token !== "string") {
    throw new PicketValidationError("ERR_TOKEN_MALFORMED", "Malformed token: not a string");
  }
  const { header, claims } = parseToken(token);
  return { header, claims };
}
