/** The `iss` of every Picket access token. */
export const PICKET_ISSUER = "picketapi.com";

/** Picket's key set: its API base plus the documented `/.well-known/jwks.json`. */
export const PICKET_JWKS_URI = "https://picketapi.com/api/v1/.well-known/jwks.json";

/**
 * Picket's OpenID Connect configuration (its issuer for Amazon Cognito is the API base): read
 * for `jwks_uri` when the default key-set address answers `404` or no key set.
 */
export const PICKET_OPENID_CONFIGURATION_URI =
  "https://picketapi.com/api/v1/.well-known/openid-configuration";
