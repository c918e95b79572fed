import type { Requirements } from "../types.js";
import type { Validator } from "../validator/create-validator.js";
import type { ServerMetrics } from "./server-metrics.js";

/** One line of the service's log: a refusal, a failure, or the service starting and stopping. */
export interface ServerLogEntry {
  /** What happened: `refused`, `failed`, `listening`, `stopping`. */
  event: string;
  /** The endpoint that answered: `validate`, `forward-auth`. */
  endpoint?: string;
  /** The named policy that was applied. */
  policy?: string;
  status?: number;
  /** The error code; never the token, a claim or a wallet. */
  code?: string;
  /** Where the service listens (for `listening`). */
  url?: string;
}

/** What the request handlers share: settled once, when the server is created. */
export interface ServerContext {
  validator: Validator;
  policies: ReadonlyMap<string, Readonly<Requirements>>;
  cookie: string | undefined;
  metrics: ServerMetrics;
  log: (entry: ServerLogEntry) => void;
  /** Whether the keys are loaded. */
  isReady(): boolean;
  /** Whether the server is shutting down: answers then close their connection. */
  isClosing(): boolean;
}
