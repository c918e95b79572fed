export { type AuthorizeResult, authorize } from "./authorize.js";
export { PICKET_API_URL } from "./constants.js";
export { createPicketClient, type PicketClient } from "./create-picket-client.js";
export { Picket, type PicketOptions, type WithDefaultChain } from "./picket.js";
export {
  isPicketApiError,
  PicketApiError,
  type PicketApiErrorCode,
  type PicketApiErrorOptions,
} from "./picket-api-error.js";
export type {
  AuthenticatedUser,
  AuthRequest,
  AuthResponse,
  AuthzRequest,
  ChainInfo,
  FlatTokenOwnershipRequest,
  NonceRequest,
  NonceResponse,
  PicketApiFailureEvent,
  PicketClientEvent,
  PicketClientOptions,
  PicketRequirements,
  RequestOptions,
  SigningMessageContext,
  SigningMessageFormat,
  TokenOwnershipRequest,
  TokenOwnershipResponse,
  ValidateRequest,
  ValidateResponse,
} from "./types.js";
