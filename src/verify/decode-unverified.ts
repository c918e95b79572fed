import type { DecodedToken } from "../types.js";
import { parseToken, requireTokenString } from "./parse-token.js";

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
  const { header, claims } = parseToken(requireTokenString(token));
  return { header, claims };
}
