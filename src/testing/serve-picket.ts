import { randomBytes, randomUUID } from "node:crypto";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { refuseUnknownKeys } from "../shared/strict-keys.js";
import type { ValidatorOptions } from "../types.js";
import type { Validator } from "../validator/create-validator.js";
import { ApiFailure } from "./api-failure.js";
import { type BalanceUpdate, ChainState } from "./chain-state.js";
import { createTestIssuer } from "./create-test-issuer.js";
import { noble } from "./load-noble.js";
import { NonceBook } from "./nonce-book.js";
import { readJsonBody } from "./read-json-body.js";
import { type ApiReply, answerApi, isPublicPath, type StandInContext } from "./stand-in-api.js";

/** Options of {@link servePicket}. */
export interface ServePicketOptions {
  /**
   * The project ID: the `aud` of the tokens it issues.
   * @default a random UUID
   */
  projectId?: string;
  /**
   * The secret key calls must carry (HTTP Basic, as Picket's SDKs send it).
   * @default a random `sk_test_…` key
   */
  secretKey?: string;
  /**
   * The current time in milliseconds: for nonce expiry, `iat` and `exp`, and the validators.
   * @default Date.now
   */
  clock?: () => number;
}

/** One request the stand-in answered. */
export interface StandInRequest {
  method: string;
  /** The path under `/api/v1` (the whole path for others), query included. */
  path: string;
  /** The status it was answered with. */
  status: number;
}

/** A running stand-in of Picket's API. */
export interface PicketStandIn {
  /** `http://127.0.0.1:<port>/api/v1`: give it to Picket's SDKs as their base URL. */
  readonly baseUrl: string;
  /** `<baseUrl>/.well-known/jwks.json`: the keys of the tokens it issues. */
  readonly jwksUri: string;
  readonly projectId: string;
  readonly secretKey: string;
  /** A validator of the tokens it issues, offline (its own keys, its clock). */
  validator(options?: Partial<ValidatorOptions>): Validator;
  /** Sets what a wallet holds, as `auth`, `authz` and `tokenOwnership` will read it. */
  setBalance(update: BalanceUpdate): void;
  /** Every request it answered, oldest first (the latest 10 000). */
  readonly requests: readonly StandInRequest[];
  /** Stops the server and drops its connections. */
  close(): Promise<void>;
}

const API_BASE = "/api/v1";
const KNOWN_OPTIONS = ["projectId", "secretKey", "clock"];
const MAX_RECORDED = 10_000;
/** Sets a balance over HTTP (a {@link BalanceUpdate} as JSON, with the secret key): for the CLI's stand-in. */
const BALANCES_PATH = "/__stand-in/balances";

/**
 * Starts a stand-in of Picket's API on a free port of 127.0.0.1, for end-to-end tests that run
 * offline: real nonces, real wallet signatures (see {@link testWallet}), token-gating over the
 * balances you set (`setBalance`, or `POST /__stand-in/balances` with the secret key and a
 * {@link BalanceUpdate} as JSON), and ES256 tokens shaped as Picket's, signed by its own key. Needs the
 * optional peer dependencies `@noble/curves` and `@noble/hashes`.
 *
 * @example
 * ```ts
 * import { Picket } from "@picketapi/picket-node";
 * import { servePicket } from "picket-validate/testing";
 *
 * const stand = await servePicket();
 * const picket = new Picket(stand.secretKey);
 * picket.baseURL = stand.baseUrl;
 * stand.setBalance({ chain: "ethereum", wallet, contractAddress: "0x8a90…", amount: "2" });
 * // … log in with testWallet(), then:
 * await stand.close();
 * ```
 */
export function servePicket(options: ServePicketOptions = {}): Promise<PicketStandIn> {
  return startPicketStandIn(options, 0);
}

/**
 * {@link servePicket} on a given port of 127.0.0.1 (0 for a free one), for the `stand-in`
 * command; rejects when the port cannot be had.
 */
export async function startPicketStandIn(
  options: ServePicketOptions,
  port: number,
): Promise<PicketStandIn> {
  const settings = checkOptions(options);
  noble("servePicket");
  const { projectId, secretKey, clock } = settings;
  const issuer = createTestIssuer({ projectId, clock });
  const validator = issuer.validator({ clock });
  const state = new ChainState();
  const requests: StandInRequest[] = [];
  const context: StandInContext = {
    issuer,
    validator,
    state,
    nonces: new NonceBook(clock),
    jwksUri: "",
  };
  const server = createServer((incoming, response) => {
    void answer(context, secretKey, incoming)
      .then((reply) => {
        record(requests, {
          method: incoming.method ?? "",
          path: pathOf(incoming),
          status: reply.status,
        });
        send(response, reply);
      })
      .catch(() => response.destroy());
  });
  server.on("clientError", (_error, socket) => socket.destroy());
  await listen(server, port);
  const baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}${API_BASE}`;
  context.jwksUri = `${baseUrl}/.well-known/jwks.json`;
  return {
    baseUrl,
    jwksUri: context.jwksUri,
    projectId,
    secretKey,
    validator: (validatorOptions = {}) => issuer.validator({ clock, ...validatorOptions }),
    setBalance: (update) => state.set(update),
    requests,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
}

function listen(server: Server, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, "127.0.0.1", () => {
      server.off("error", reject);
      resolve();
    });
  });
}

/** Keeps the latest {@link MAX_RECORDED} requests. */
function record(requests: StandInRequest[], request: StandInRequest): void {
  requests.push(request);
  if (requests.length > MAX_RECORDED) requests.shift();
}

function checkOptions(options: ServePicketOptions): Required<ServePicketOptions> {
  if (typeof options !== "object" || options === null) {
    throw new TypeError("servePicket: options must be an object");
  }
  refuseUnknownKeys(options, KNOWN_OPTIONS, "servePicket");
  const { projectId, secretKey, clock } = options;
  for (const [name, value] of Object.entries({ projectId, secretKey })) {
    if (value !== undefined && (typeof value !== "string" || value === "")) {
      throw new TypeError(`servePicket: options.${name} must be a non-empty string`);
    }
  }
  if (clock !== undefined && typeof clock !== "function") {
    throw new TypeError("servePicket: options.clock must be a function returning milliseconds");
  }
  return {
    projectId: projectId ?? randomUUID(),
    secretKey: secretKey ?? `sk_test_${randomBytes(16).toString("hex")}`,
    clock: clock ?? Date.now,
  };
}

/** Answers one request; never rejects: every failure is an answer with Picket's error body. */
async function answer(
  context: StandInContext,
  secretKey: string,
  incoming: IncomingMessage,
): Promise<ApiReply> {
  try {
    const url = new URL(incoming.url ?? "/", "http://stand-in");
    if (url.pathname === BALANCES_PATH && incoming.method === "POST") {
      requireSecretKey(incoming, secretKey);
      context.state.set((await readJsonBody(incoming)) as unknown as BalanceUpdate);
      return { status: 200, json: { ok: true } };
    }
    if (!url.pathname.startsWith(`${API_BASE}/`)) {
      throw new ApiFailure(404, "resource_not_found", `No endpoint ${url.pathname}`);
    }
    const path = url.pathname.slice(API_BASE.length);
    if (!isPublicPath(path)) requireSecretKey(incoming, secretKey);
    const body = await readJsonBody(incoming);
    return await answerApi(context, { method: incoming.method ?? "", path, body });
  } catch (error) {
    if (error instanceof ApiFailure) {
      return { status: error.status, json: { code: error.code, msg: error.message } };
    }
    if (error instanceof TypeError) {
      return { status: 400, json: { code: "parameter_invalid", msg: error.message } };
    }
    return { status: 500, json: { code: "internal_error", msg: String(error) } };
  }
}

function requireSecretKey(incoming: IncomingMessage, secretKey: string): void {
  if (secretKeyOf(incoming.headers.authorization) !== secretKey) {
    throw new ApiFailure(401, "api_key_invalid", "The provided API key is invalid");
  }
}

/**
 * The key of an HTTP Basic header as Picket's SDKs send it: `base64(key)` (picket-node,
 * picket-js, which also puts two spaces after `Basic`) or `base64(key:)` (a user with an empty
 * password, as HTTP clients write it).
 */
function secretKeyOf(header: string | undefined): string | undefined {
  const match = /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(header ?? "");
  if (match === null) return undefined;
  const decoded = Buffer.from(match[1] as string, "base64").toString("utf8");
  return decoded.endsWith(":") ? decoded.slice(0, -1) : decoded;
}

function pathOf(incoming: IncomingMessage): string {
  const url = incoming.url ?? "";
  return url.startsWith(`${API_BASE}/`) ? url.slice(API_BASE.length) : url;
}

function send(response: ServerResponse, reply: ApiReply): void {
  if (response.destroyed) return;
  response.writeHead(reply.status, { "content-type": "application/json" });
  response.end(JSON.stringify(reply.json));
}
