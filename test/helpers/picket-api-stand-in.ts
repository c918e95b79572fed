import { randomUUID } from "node:crypto";
import { createServer, type IncomingHttpHeaders } from "node:http";
import type { AddressInfo } from "node:net";
import { decodeUnverified } from "../../src/index.js";
import type { TestIssuer } from "../../src/testing/index.js";
import { STAND_IN_CHAINS } from "../../src/testing/stand-in-chains.js";

/** One request the stand-in received. */
export interface RecordedRequest {
  method: string;
  /** The path under the API base, as sent (still URL-encoded). */
  path: string;
  headers: IncomingHttpHeaders;
  /** The body parsed as JSON, or `undefined` when it is not JSON. */
  body: unknown;
}

/**
 * What a handler answers: a JSON or text body with a status and any extra headers, or `"hang"`
 * (never answers).
 */
export type StandInReply =
  | { status?: number; json: unknown; headers?: Record<string, string> }
  | { status?: number; text: string; contentType?: string; headers?: Record<string, string> }
  | "hang";

/** Answers one request; `fallback` is the stand-in's own Picket behaviour. */
export type StandInHandler = (
  request: RecordedRequest,
  fallback: (request: RecordedRequest) => StandInReply,
) => StandInReply | Promise<StandInReply>;

/** A stand-in for Picket's API on 127.0.0.1, signing tokens with a test issuer's key. */
export interface PicketApiStandIn {
  /** `http://127.0.0.1:<port>/api/v1`: pass it as the client's `baseUrl`. */
  readonly baseUrl: string;
  /** The secret key it accepts (Basic auth, empty password). */
  readonly secretKey: string;
  /** Every request, in order. */
  readonly requests: readonly RecordedRequest[];
  /** The balance `/authz` and `tokenOwnership` report for every required key. @default "0" */
  balance: string;
  /** Replaces the behaviour; `undefined` restores Picket's. */
  setHandler(handler: StandInHandler | undefined): void;
  /** Stops the server and drops every connection, hanging ones included. */
  close(): Promise<void>;
}

const API_BASE = "/api/v1";
const OWNERSHIP = /^\/chains\/([^/]+)\/wallets\/([^/]+)\/tokenOwnership$/;
const CHAIN = /^\/chains\/([^/]+)$/;

/**
 * Starts a stand-in Picket API: `/auth/nonce`, `/auth`, `/authz`, `/auth/validate`,
 * `tokenOwnership`, `GET /chains` and `GET /chains/{chain}` behave as Picket's, tokens are
 * minted by `issuer`, and a wrong secret key answers 401 `api_key_invalid`.
 */
export async function startPicketApiStandIn(options: {
  issuer: TestIssuer;
  secretKey?: string;
}): Promise<PicketApiStandIn> {
  const { issuer } = options;
  const secretKey = options.secretKey ?? `sk_test_${randomUUID().replaceAll("-", "")}`;
  const expectedAuthorization = `Basic ${Buffer.from(`${secretKey}:`).toString("base64")}`;
  const requests: RecordedRequest[] = [];
  let handler: StandInHandler | undefined;
  const state = { balance: "0" };

  const picket = (request: RecordedRequest): StandInReply => {
    if (request.headers.authorization !== expectedAuthorization) {
      return error(401, "api_key_invalid", "The provided API key is invalid");
    }
    if (request.method === "GET") return chains(request.path);
    if (request.method !== "POST") return error(404, "resource_not_found", "No such endpoint");
    const body = (request.body ?? {}) as Record<string, unknown>;
    const ownership = OWNERSHIP.exec(request.path);
    if (ownership !== null) {
      const walletAddress = decodeURIComponent(ownership[2] as string);
      return {
        json: {
          allowed: Number(state.balance) >= Number(body.minTokenBalance ?? "1"),
          walletAddress,
          tokenBalances: balancesFor(body, state.balance),
        },
      };
    }
    switch (request.path) {
      case "/auth/nonce":
        return {
          json: { nonce: randomUUID(), statement: "Sign in to the test app", format: "siwe" },
        };
      case "/auth": {
        const holder = { chain: body.chain as string, walletAddress: body.walletAddress as string };
        return issue({ ...holder, sub: `${holder.chain}:${holder.walletAddress}` });
      }
      case "/authz": {
        const claims = decodeUnverified(String(body.accessToken)).claims;
        const requirements = (body.requirements ?? {}) as Record<string, unknown>;
        return issue({
          chain: claims.chain as string,
          walletAddress: claims.walletAddress as string,
          sub: claims.sub as string,
          tokenBalances: balancesFor(requirements, state.balance),
        });
      }
      case "/auth/validate":
        return { json: decodeUnverified(String(body.accessToken)).claims };
      default:
        return error(404, "resource_not_found", "No such endpoint");
    }
  };

  const issue = (claims: Record<string, unknown>): StandInReply => {
    const accessToken = issuer.sign(claims);
    const { claims: user } = decodeUnverified(accessToken);
    return { json: { accessToken, user: { ...user, displayAddress: user.walletAddress } } };
  };

  const server = createServer((incoming, response) => {
    const chunks: Buffer[] = [];
    incoming.on("data", (chunk: Buffer) => chunks.push(chunk));
    incoming.on("end", async () => {
      const text = Buffer.concat(chunks).toString("utf8");
      let body: unknown;
      try {
        body = JSON.parse(text);
      } catch {
        body = undefined;
      }
      const request: RecordedRequest = {
        method: incoming.method ?? "",
        path: (incoming.url ?? "").slice(API_BASE.length),
        headers: incoming.headers,
        body,
      };
      requests.push(request);
      const reply = await (handler === undefined ? picket(request) : handler(request, picket));
      if (reply === "hang") return;
      if ("json" in reply) {
        response.writeHead(reply.status ?? 200, {
          "content-type": "application/json",
          ...reply.headers,
        });
        response.end(JSON.stringify(reply.json));
      } else {
        response.writeHead(reply.status ?? 200, {
          "content-type": reply.contentType ?? "text/plain",
          ...reply.headers,
        });
        response.end(reply.text);
      }
    });
  });
  // A client that gives up mid-request (timeout, abort) must not crash the test run.
  server.on("clientError", (_error, socket) => socket.destroy());
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;

  return {
    baseUrl: `http://127.0.0.1:${port}${API_BASE}`,
    secretKey,
    requests,
    get balance() {
      return state.balance;
    },
    set balance(value) {
      state.balance = value;
    },
    setHandler(next) {
      handler = next;
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((closeError) => (closeError ? reject(closeError) : resolve()));
        server.closeAllConnections();
      }),
  };
}

/** `GET /chains` and `GET /chains/{chain}`. */
function chains(path: string): StandInReply {
  if (path === "/chains") return { json: { data: STAND_IN_CHAINS } };
  const slug = CHAIN.exec(path)?.[1];
  const chain = STAND_IN_CHAINS.find((known) => known.chainSlug === slug);
  return chain === undefined ? error(404, "resource_not_found", "No such chain") : { json: chain };
}

/** Picket's error body. */
export function error(status: number, code: string | undefined, msg: string): StandInReply {
  return { status, json: code === undefined ? { msg } : { code, msg } };
}

/** `tokenBalances` with `balance` under every key the requirements name. */
function balancesFor(requirements: Record<string, unknown>, balance: string) {
  const balances: Record<string, Record<string, string>> = {};
  for (const group of ["contractAddress", "collection", "creatorAddress"]) {
    const keys = requirements[group];
    for (const key of Array.isArray(keys) ? keys : keys === undefined ? [] : [keys]) {
      balances[group] = { ...balances[group], [String(key)]: balance };
    }
  }
  if (Array.isArray(requirements.tokenIds)) {
    balances.tokenIds = Object.fromEntries(
      requirements.tokenIds.map((id) => [String(id), balance]),
    );
  }
  return balances;
}
