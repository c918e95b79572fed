import type { ErrorCode } from "../../src/index.js";

/** The error table of the spec (shared/spec/api.md), written out independently of the source. */
export const SPEC_STATUS: Record<ErrorCode, number> = {
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
};
