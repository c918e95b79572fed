export { PICKET_ISSUER, PICKET_JWKS_URI } from "./constants.js";
export {
  ERROR_STATUS,
  type ErrorCode,
  isPicketValidationError,
  PicketValidationError,
  type PicketValidationErrorOptions,
} from "./errors.js";
export { checkRequirements } from "./requirements/check-requirements.js";
export { parseBearer } from "./shared/parse-bearer.js";
export type {
  Amount,
  DecodedToken,
  Duration,
  JwksCacheOptions,
  JwksFetchReason,
  PicketAccessToken,
  PicketClaims,
  RequirementFailure,
  Requirements,
  RequirementsResult,
  TokenBalances,
  TokenCacheOptions,
  TokenId,
  TokenRequirementKey,
  ValidatorEvent,
  ValidatorOptions,
} from "./types.js";
export { createValidator, type Validator } from "./validator/create-validator.js";
export { decodeUnverified } from "./verify/decode-unverified.js";
