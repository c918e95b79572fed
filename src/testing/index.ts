export type { BalanceUpdate } from "./chain-state.js";
export { createSigningMessage, type SigningMessageRequest } from "./create-signing-message.js";
export {
  createTestIssuer,
  type SignOptions,
  type TestIssuer,
  type TestIssuerOptions,
} from "./create-test-issuer.js";
export { type JwksServer, serveJwks } from "./serve-jwks.js";
export {
  type PicketStandIn,
  type ServePicketOptions,
  type StandInRequest,
  servePicket,
} from "./serve-picket.js";
export {
  type TestWallet,
  type TestWalletChain,
  type TestWalletOptions,
  testWallet,
} from "./test-wallet.js";
