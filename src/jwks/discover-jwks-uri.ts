import { PicketValidationError } from "../errors.js";
import { isSecureUrl } from "../shared/secure-url.js";
import { type FetchJwksOptions, fetchJsonDocument } from "./fetch-jwks.js";

/**
 * Reads the key set's address, `jwks_uri`, from an OpenID Connect configuration document, under
 * the limits of a JWKS fetch. The address must be `https:` (`http:` only for loopback hosts, as
 * for `jwksUri`). Throws `ERR_JWKS_UNAVAILABLE` when the document cannot be fetched,
 * `ERR_JWKS_INVALID` when it names no such address.
 */
export async function discoverJwksUri(
  configurationUri: string,
  options: FetchJwksOptions,
): Promise<string> {
  const document = await fetchJsonDocument(configurationUri, options, "OpenID configuration");
  const named =
    typeof document === "object" && document !== null
      ? (document as { jwks_uri?: unknown }).jwks_uri
      : undefined;
  const url = typeof named === "string" ? absoluteUrl(named) : undefined;
  if (url === undefined || !isSecureUrl(url)) {
    throw new PicketValidationError(
      "ERR_JWKS_INVALID",
      `The OpenID configuration at ${configurationUri} names no https: jwks_uri`,
    );
  }
  return url.href;
}

function absoluteUrl(text: string): URL | undefined {
  try {
    return new URL(text);
  } catch {
    return undefined;
  }
}
