import { once } from "node:events";
import { createServer, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { callHook } from "../shared/call-hook.js";
import { refuseUnknownKeys } from "../shared/strict-keys.js";
import type { Requirements, ValidatorEvent, ValidatorOptions } from "../types.js";
import { createValidator, type Validator } from "../validator/create-validator.js";
import { checkPolicies } from "./policies.js";
import { routeRequest } from "./route-request.js";
import type { ServerContext, ServerLogEntry } from "./server-context.js";
import { ServerMetrics } from "./server-metrics.js";

/** Options of {@link createValidationServer}. */
export interface ValidationServerOptions {
  /** The validator's options (`projectId`, `jwks` or `jwksUri`, …); its `onEvent` still runs. */
  validator: ValidatorOptions;
  /** Named requirements, applied by `/forward-auth/<name>`. Checked at creation. */
  policies?: Record<string, Requirements>;
  /** A cookie to read the token from when a request has no `Authorization` header. */
  cookie?: string;
  /**
   * Receives one entry per refusal and per failure (a code, never token material).
   * @default one JSON line per entry on standard error
   */
  log?: (entry: ServerLogEntry) => void;
  /**
   * Milliseconds a client has to send its request headers.
   * @default 10_000
   */
  headersTimeout?: number;
  /**
   * Milliseconds a client has to send its whole request.
   * @default 30_000
   */
  requestTimeout?: number;
  /**
   * Milliseconds `close()` waits for in-flight requests before it drops their connections.
   * @default 10_000
   */
  shutdownTimeout?: number;
}

/** A validation service: a `node:http` server around one validator. */
export interface ValidationServer {
  /** The HTTP server, not yet listening. */
  readonly server: Server;
  /** The validator the endpoints use. */
  readonly validator: Validator;
  /** Loads the keys (rejecting when they cannot be had); `/readyz` answers 200 from then on. */
  ready(): Promise<void>;
  /** Listens on `host:port`; resolves with the origin, e.g. `http://127.0.0.1:8787`. */
  listen(port?: number, host?: string): Promise<string>;
  /** Stops accepting, lets in-flight requests finish (up to `shutdownTimeout`), then resolves. */
  close(): Promise<void>;
}

const KNOWN_OPTIONS = [
  "validator",
  "policies",
  "cookie",
  "log",
  "headersTimeout",
  "requestTimeout",
  "shutdownTimeout",
];
const OWNER = "createValidationServer";
const COOKIE_NAME = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]{1,128}$/;

/**
 * Creates the validation service behind `picket-validate serve`: Picket's
 * `POST /api/v1/auth/validate` answered offline, `/forward-auth[/<policy>]` for reverse proxies,
 * `/healthz`, `/readyz` and Prometheus `/metrics`. Throws a `TypeError` at once for bad options.
 *
 * @example
 * ```ts
 * import { createValidationServer } from "picket-validate/server";
 *
 * const service = createValidationServer({
 *   validator: { projectId: process.env.PICKET_PROJECT_ID! },
 *   policies: { holders: { contractAddress: "0x8a90cab2b38dba80c64b7734e58ee1db38b8992e" } },
 * });
 * await service.ready();
 * console.log(await service.listen(8787, "127.0.0.1"));
 * ```
 */
export function createValidationServer(options: ValidationServerOptions): ValidationServer {
  checkOptions(options);
  const metrics = new ServerMetrics();
  const userOnEvent = options.validator.onEvent;
  const validator = createValidator({
    ...options.validator,
    onEvent: (event: ValidatorEvent) => {
      metrics.record(event);
      callHook(userOnEvent, event);
    },
  });
  const policies = withOwner(() => checkPolicies(options.policies, validator.requirements));
  const log = options.log ?? logToStderr;
  let ready = false;
  let closing = false;
  const inFlight = new Set<ServerResponse>();
  const context: ServerContext = {
    validator,
    policies,
    cookie: options.cookie,
    metrics,
    log: (entry) => callHook(log, entry),
    isReady: () => ready,
    isClosing: () => closing,
  };
  const server = createHttpServer(context, options, inFlight);
  return {
    server,
    validator,
    async ready() {
      await validator.ready();
      ready = true;
    },
    async listen(port = 8787, host = "127.0.0.1") {
      server.listen(port, host);
      await once(server, "listening");
      const address = server.address() as AddressInfo;
      const shown = address.family === "IPv6" ? `[${address.address}]` : address.address;
      return `http://${shown}:${address.port}`;
    },
    close() {
      closing = true;
      // Answers still to come close their connection, so that no keep-alive holds shutdown up.
      for (const response of inFlight) {
        if (!response.headersSent) response.setHeader("connection", "close");
      }
      return closeGracefully(server, options.shutdownTimeout ?? 10_000);
    },
  };
}

/** The `node:http` server: its timeouts, and every response tracked until it closes. */
function createHttpServer(
  context: ServerContext,
  options: ValidationServerOptions,
  inFlight: Set<ServerResponse>,
): Server {
  const server = createServer(
    {
      headersTimeout: options.headersTimeout ?? 10_000,
      requestTimeout: options.requestTimeout ?? 30_000,
      // Node checks both timeouts on this interval (30 s by default): short enough to enforce them.
      connectionsCheckingInterval: 1_000,
    },
    (request, response) => {
      inFlight.add(response);
      response.on("close", () => inFlight.delete(response));
      void routeRequest(context, request, response);
    },
  );
  // A client that breaks the protocol or stalls is dropped; it never reaches a handler.
  server.on("clientError", (_error, socket) => socket.destroy());
  return server;
}

function checkOptions(options: ValidationServerOptions): void {
  if (typeof options !== "object" || options === null) {
    throw new TypeError(`${OWNER} needs an options object: { validator: { projectId } }`);
  }
  refuseUnknownKeys(options, KNOWN_OPTIONS, OWNER);
  if (typeof options.validator !== "object" || options.validator === null) {
    throw new TypeError(
      `${OWNER} needs { validator }: the validator's options, e.g. { projectId }`,
    );
  }
  if (
    options.cookie !== undefined &&
    !(typeof options.cookie === "string" && COOKIE_NAME.test(options.cookie))
  ) {
    throw new TypeError(
      `${OWNER}: options.cookie must be a cookie name (RFC 6265 token characters)`,
    );
  }
  if (options.log !== undefined && typeof options.log !== "function") {
    throw new TypeError(`${OWNER}: options.log must be a function`);
  }
  for (const name of ["headersTimeout", "requestTimeout", "shutdownTimeout"] as const) {
    const value = options[name];
    if (value !== undefined && !(Number.isInteger(value) && value >= 100 && value <= 600_000)) {
      throw new TypeError(`${OWNER}: options.${name} must be milliseconds from 100 to 600000`);
    }
  }
}

/** `work`'s `TypeError`, its message prefixed with this function's name. */
function withOwner<T>(work: () => T): T {
  try {
    return work();
  } catch (error) {
    if (error instanceof TypeError) throw new TypeError(`${OWNER}: ${error.message}`);
    throw error;
  }
}

/** Stops accepting; idle connections close now, busy ones when done or at the deadline. */
function closeGracefully(server: Server, deadline: number): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => server.closeAllConnections(), deadline);
    timer.unref();
    server.close(() => {
      clearTimeout(timer);
      resolve();
    });
    server.closeIdleConnections();
  });
}

function logToStderr(entry: ServerLogEntry): void {
  process.stderr.write(`${JSON.stringify({ time: new Date().toISOString(), ...entry })}\n`);
}
