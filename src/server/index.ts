export {
  createValidationServer,
  type ValidationServer,
  type ValidationServerOptions,
} from "./create-validation-server.js";
export type { ServerLogEntry } from "./server-context.js";
