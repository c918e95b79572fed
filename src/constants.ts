/** The `iss` of every Picket access token. */
export const PICKET_ISSUER = "picketapi.com";

/** Picket's key set: its API base plus the documented `/.well-known/jwks.json`. */
export const PICKET_JWKS_URI = "https://picketapi.com/api/v1/.well-known/jwks.json";
