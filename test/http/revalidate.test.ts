import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { serve } from "@hono/node-server";
import express from "express";
import Fastify from "fastify";
import { Hono } from "hono";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import {
  createPicketClient,
  isPicketApiError,
  type PicketApiError,
  type PicketClient,
} from "../../src/client/index.js";
import type { PicketRefusal } from "../../src/http/adapter-options.js";
import { picketAuth as expressAuth } from "../../src/http/express.js";
import { picketPreHandler } from "../../src/http/fastify.js";
import { authenticate, withPicket } from "../../src/http/fetch.js";
import { picketAuth as honoAuth } from "../../src/http/hono.js";
import { isPicketValidationError, type Validator } from "../../src/index.js";
import { createTestIssuer } from "../../src/testing/index.js";
import { expectCode } from "../helpers/expect-code.js";
import { closeServer } from "../helpers/http.js";
import { deadJwksUri } from "../helpers/jwks-server.js";
import {
  error,
  type PicketApiStandIn,
  startPicketApiStandIn,
} from "../helpers/picket-api-stand-in.js";

const CONTRACT = "0x8a90CAb2b38dba80c64b7734e58Ee1dB38B8992e";
const REQUIREMENTS = { contractAddress: CONTRACT, minTokenBalance: "1" };
const ADAPTERS = ["express", "fastify", "hono", "fetch"] as const;
type Adapter = (typeof ADAPTERS)[number];
/** Each route's client: the right key, a wrong key, an API that refuses connections. */
const GATES = ["/vip", "/wrong-key", "/unreachable"] as const;
type Gate = (typeof GATES)[number];

const issuer = createTestIssuer();
let api: PicketApiStandIn;
let validator: Validator;
const clients = {} as Record<Gate, PicketClient>;
const servers: { close(): unknown }[] = [];
const origins = {} as Record<Exclude<Adapter, "fetch">, string>;
const fetchRoutes = new Map<Gate, (request: Request) => Promise<Response>>();
/** What every route's onError was told, in order. */
const told: { adapter: Adapter; error: PicketRefusal }[] = [];

const balanceOf = (picket: { tokenBalances?: unknown } | null | undefined) => ({
  balance: picket?.tokenBalances,
});

beforeAll(async () => {
  api = await startPicketApiStandIn({ issuer });
  const deadApi = new URL("/api/v1", await deadJwksUri()).href;
  clients["/vip"] = createPicketClient({ secretKey: api.secretKey, baseUrl: api.baseUrl });
  clients["/wrong-key"] = createPicketClient({ secretKey: "sk_wrong", baseUrl: api.baseUrl });
  clients["/unreachable"] = createPicketClient({ secretKey: api.secretKey, baseUrl: deadApi });
  validator = issuer.validator();
  const options = (adapter: Adapter, gate: Gate) => ({
    validator,
    requirements: REQUIREMENTS,
    revalidate: clients[gate],
    onError: (error: PicketRefusal) => {
      told.push({ adapter, error });
    },
  });

  const app = express();
  const fastify = Fastify();
  const hono = new Hono();
  for (const gate of GATES) {
    app.get(gate, expressAuth(options("express", gate)), (req, res) => {
      res.json(balanceOf(req.picket));
    });
    fastify.get(gate, { preHandler: picketPreHandler(options("fastify", gate)) }, async (request) =>
      balanceOf(request.picket),
    );
    hono.get(gate, honoAuth(options("hono", gate)), (c) => c.json(balanceOf(c.var.picket)));
    fetchRoutes.set(
      gate,
      withPicket((_request, picket) => Response.json(balanceOf(picket)), options("fetch", gate)),
    );
  }
  const listening = app.listen(0, "127.0.0.1");
  await new Promise((resolve) => listening.once("listening", resolve));
  servers.push(listening);
  origins.express = `http://127.0.0.1:${(listening.address() as AddressInfo).port}`;
  origins.fastify = await fastify.listen({ port: 0, host: "127.0.0.1" });
  servers.push(fastify);
  const honoServer = await new Promise<Server>((resolve) => {
    const started = serve({ fetch: hono.fetch, port: 0, hostname: "127.0.0.1" }, () =>
      resolve(started as Server),
    );
  });
  servers.push({ close: () => closeServer(honoServer) });
  origins.hono = `http://127.0.0.1:${(honoServer.address() as AddressInfo).port}`;
});

afterAll(async () => {
  for (const server of servers) await server.close();
  await api.close();
});

beforeEach(() => {
  api.balance = "0";
  api.setHandler(undefined);
  told.length = 0;
});

async function call(adapter: Adapter, token: string, gate: Gate = "/vip"): Promise<Response> {
  const headers = { authorization: `Bearer ${token}` };
  if (adapter === "fetch") {
    const route = fetchRoutes.get(gate) as (request: Request) => Promise<Response>;
    return route(new Request(`http://localhost${gate}`, { headers }));
  }
  return fetch(`${origins[adapter]}${gate}`, { headers });
}

const poorToken = () => issuer.sign({ contractAddress: CONTRACT, tokenBalance: "0" });

describe.each(ADAPTERS)("revalidate with %s", (adapter) => {
  it("makes no call to Picket when the token already meets the requirements", async () => {
    const before = api.requests.length;
    const response = await call(
      adapter,
      issuer.sign({ contractAddress: CONTRACT, tokenBalance: "3" }),
    );
    expect(response.status).toBe(200);
    expect(response.headers.get("x-picket-access-token")).toBeNull();
    expect(api.requests.length).toBe(before);
  });

  it("asks Picket once and hands back the fresh token when balances have grown", async () => {
    api.balance = "2";
    const before = api.requests.length;
    const response = await call(adapter, poorToken());
    expect(response.status).toBe(200);
    const fresh = response.headers.get("x-picket-access-token");
    expect(fresh).toEqual(expect.stringMatching(/^[\w-]+\.[\w-]+\.[\w-]+$/));
    await expect(validator.validate(fresh as string, REQUIREMENTS)).resolves.toBeDefined();
    expect(await response.json()).toEqual({ balance: { contractAddress: { [CONTRACT]: "2" } } });
    expect(api.requests.slice(before).map((request) => request.path)).toEqual(["/authz"]);
    expect(api.requests.at(-1)?.body).toMatchObject({ revalidate: true });
    expect(told).toEqual([]);
  });

  it("answers 403 insufficient_scope when the fresh balances still fall short", async () => {
    api.balance = "0.5";
    const response = await call(adapter, poorToken());
    expect(response.status).toBe(403);
    expect(response.headers.get("www-authenticate")).toContain('error="insufficient_scope"');
    expect(response.headers.get("x-picket-access-token")).toBeNull();
    // A poor wallet: onError gets the validation error, not an API failure.
    expect(told).toHaveLength(1);
    expect(isPicketValidationError(told[0]?.error)).toBe(true);
    expect(told[0]?.error.code).toBe("ERR_REQUIREMENTS_NOT_MET");
  });

  it("fails closed with 403 when Picket answers 503, and tells onError the PicketApiError", async () => {
    api.setHandler(() => ({ status: 503, json: { msg: "down" } }));
    const response = await call(adapter, poorToken());
    expect(response.status).toBe(403);
    expect(await response.json()).toMatchObject({ error: "ERR_REQUIREMENTS_NOT_MET" });
    expect(told.map(({ error }) => isPicketApiError(error) && error.status)).toEqual([503]);
  });

  it("fails closed with 403 for a wrong secret key, which onError sees as api_key_invalid", async () => {
    const response = await call(adapter, poorToken(), "/wrong-key");
    expect(response.status).toBe(403);
    expect(await response.json()).toEqual({
      error: "ERR_REQUIREMENTS_NOT_MET",
      message: expect.any(String),
    });
    expect(told).toHaveLength(1);
    const error = told[0]?.error as PicketApiError;
    expect(isPicketApiError(error)).toBe(true);
    expect(error).toMatchObject({ status: 401, code: "api_key_invalid", endpoint: "POST /authz" });
    expect(told[0]?.adapter).toBe(adapter);
  });

  it("fails closed with 403 when Picket cannot be reached: onError sees network_error", async () => {
    const response = await call(adapter, poorToken(), "/unreachable");
    expect(response.status).toBe(403);
    expect(told.map(({ error }) => isPicketApiError(error) && error.code)).toEqual([
      "network_error",
    ]);
  });

  it.each([
    ["a fresh token that passes", 200],
    ["a refusal (403)", 403],
    ["too many requests (429)", 403],
  ] as const)(
    "200 requests of one token, Picket answering %s: 1 call, the same answer",
    async (kind, status) => {
      api.balance = "2";
      if (kind === "a refusal (403)") {
        api.setHandler(() => error(403, "permission_denied", "Requirements not met"));
      } else if (kind === "too many requests (429)") {
        api.setHandler(() => error(429, "rate_limited", "Slow down"));
      }
      const token = poorToken();
      const before = api.requests.length;
      const statuses = new Set<number>();
      const freshTokens = new Set<string | null>();
      for (let batch = 0; batch < 10; batch += 1) {
        const responses = await Promise.all(Array.from({ length: 20 }, () => call(adapter, token)));
        for (const response of responses) {
          statuses.add(response.status);
          freshTokens.add(response.headers.get("x-picket-access-token"));
          await response.arrayBuffer();
        }
      }
      expect(api.requests.length - before).toBe(1);
      expect([...statuses]).toEqual([status]);
      expect(freshTokens.size).toBe(1);
      if (status === 200) expect([...freshTokens][0]).toEqual(expect.stringMatching(/^[\w-]+\./));
    },
  );

  it("never asks Picket about a token that fails for another reason", async () => {
    const before = api.requests.length;
    const response = await call(adapter, issuer.sign({ aud: "another-project" }));
    expect(response.status).toBe(401);
    expect(api.requests.length).toBe(before);
    expect(told.map(({ error }) => error.code)).toEqual(["ERR_AUDIENCE_INVALID"]);
  });
});

describe("authenticate with revalidate", () => {
  it("rejects a wrong key's refusal as ERR_REQUIREMENTS_NOT_MET, the PicketApiError as its cause", async () => {
    const request = new Request("http://localhost/vip", {
      headers: { authorization: `Bearer ${poorToken()}` },
    });
    const error = await expectCode(
      () => authenticate(request, validator, REQUIREMENTS, { revalidate: clients["/wrong-key"] }),
      "ERR_REQUIREMENTS_NOT_MET",
    );
    expect(error.message).toBe("The wallet does not meet this resource's token requirements");
    const apiError = (error.cause as Error).cause;
    expect(isPicketApiError(apiError) && apiError.code).toBe("api_key_invalid");
  });

  it("resolves with the fresh token's claims when Picket finds the balance", async () => {
    api.balance = "2";
    const request = new Request("http://localhost/vip", {
      headers: { authorization: `Bearer ${poorToken()}` },
    });
    const claims = await authenticate(request, validator, REQUIREMENTS, {
      revalidate: clients["/vip"],
    });
    expect(claims.tokenBalances).toEqual({ contractAddress: { [CONTRACT]: "2" } });
  });
});

it("is off by default: no adapter calls Picket without the option", async () => {
  const before = api.requests.length;
  const handler = withPicket(
    (_request, picket) => Response.json({ balance: picket?.tokenBalances }),
    { validator: issuer.validator(), requirements: REQUIREMENTS },
  );
  const response = await handler(
    new Request("http://localhost/vip", { headers: { authorization: `Bearer ${poorToken()}` } }),
  );
  expect(response.status).toBe(403);
  expect(api.requests.length).toBe(before);
});
