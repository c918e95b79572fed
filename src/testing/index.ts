export {
  createTestIssuer,
  type SignOptions,
  type TestIssuer,
  type TestIssuerOptions,
} from "./create-test-issuer.js";
export { type JwksServer, serveJwks } from "./serve-jwks.js";
