export { type AuthorizeResult, authorize } from "./authorize.js";
export { PICKET_API_URL } from "./constants.js";
export { createPicketClient, type PicketClient } from "./create-picket-client.js";
// picket-node's own import, `import Picket from "…"`, keeps working on moving over.
export { Picket, Picket as default, type PicketOptions, type WithDefaultChain } from "./picket.js";
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
