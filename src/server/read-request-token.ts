import type { IncomingHttpHeaders } from "node:http";
import { PicketValidationError } from "../errors.js";
import { parseBearer } from "../shared/parse-bearer.js";

/**
 * The token of the request a proxy asks about: the `Authorization` header's Bearer credentials,
 * else, where a cookie name is configured, that cookie. An `Authorization` header that is not
 * Bearer credentials is refused (`ERR_TOKEN_MISSING`), not passed over for the cookie.
 */
export function readRequestToken(headers: IncomingHttpHeaders, cookie: string | undefined): string {
  const authorization = headers.authorization;
  if (authorization !== undefined && authorization !== "") return parseBearer(authorization);
  const fromCookie = cookie === undefined ? undefined : readCookie(headers.cookie, cookie);
  if (fromCookie === undefined) {
    throw new PicketValidationError("ERR_TOKEN_MISSING", "No access token in the request");
  }
  return fromCookie;
}

/** The value of cookie `name` in a `Cookie` header (RFC 6265: `a=1; b=2`), unquoted. */
export function readCookie(header: string | undefined, name: string): string | undefined {
  if (header === undefined) return undefined;
  for (const pair of header.split(";")) {
    const at = pair.indexOf("=");
    if (at < 0 || pair.slice(0, at).trim() !== name) continue;
    const value = pair
      .slice(at + 1)
      .trim()
      .replace(/^"(.*)"$/, "$1");
    return value === "" ? undefined : value;
  }
  return undefined;
}
