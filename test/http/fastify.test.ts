import type { AddressInfo } from "node:net";
import { type FastifyInstance, type FastifyRequest, fastify } from "fastify";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type PicketAuthOptions, picketPlugin, picketPreHandler } from "../../src/http/fastify.js";
import {
  adapterContract,
  adapterHarness,
  BROKEN,
  CONTRACT,
  contractRoutes,
} from "../helpers/adapter-contract.js";
import { bearer, get } from "../helpers/http.js";

const OTHER_CONTRACT = "0x0000000000000000000000000000000000000bad";

describe("Fastify picketPlugin over real HTTP", () => {
  const harness = adapterHarness();
  const { issuer, validator, handled } = harness;
  let app: FastifyInstance;
  let origin: string;

  beforeAll(async () => {
    const routes = await contractRoutes<FastifyRequest>(harness, {
      cookieHeader: (request) => request.headers.cookie,
      path: (request) => new URL(request.url, "http://x").pathname,
      isFrameworkRequest: (request) =>
        request.raw !== undefined && request.routeOptions !== undefined,
    });
    app = fastify();
    await app.register(picketPlugin, { validator });
    app.setErrorHandler((error: Error, _request, reply) => {
      reply.code(500).send({ handledBy: "error-handler", name: error.name });
    });
    for (const route of routes) {
      // Routes with only the requirements go through the plugin, the others through picketPreHandler.
      const preHandler = route.plain
        ? app.picketAuth(route.options.requirements)
        : picketPreHandler(route.options);
      app.get(route.path, { preHandler }, async (request) => {
        handled.push(route.path);
        return route.body(request.picket);
      });
    }
    app.get("/unguarded", async (request) => ({ picket: request.picket }));
    await app.listen({ port: 0, host: "127.0.0.1" });
    origin = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    await app.close();
  });

  adapterContract({
    ...harness,
    origin: () => origin,
    picket: "request.picket",
    anonymousPicket: null,
    errorHandler: "Fastify's error handler",
    build: (options) => picketPreHandler(options as PicketAuthOptions),
  });

  it("decorates request.picket with null on routes without the preHandler", async () => {
    const answer = await get(`${origin}/unguarded`, bearer(issuer.sign()));
    expect(answer.status).toBe(200);
    expect(answer.body).toEqual({ picket: null });
  });

  it("answers the same through inject() as over the wire", async () => {
    const injected = await app.inject({ method: "GET", url: "/vip" });
    expect(injected.statusCode).toBe(401);
    expect(injected.json()).toMatchObject({ error: "ERR_TOKEN_MISSING" });
  });

  it("fastify.picketAuth(requirements) throws a TypeError when the route is built", () => {
    expect(() => app.picketAuth(BROKEN)).toThrow(TypeError);
    expect(() => app.picketAuth(BROKEN)).toThrow(
      /^fastify\.picketAuth: requirements\.minTokenBalance/,
    );
    expect(() => app.picketAuth("vip" as never)).toThrow(TypeError);
  });

  it("refuses to be registered or created without a validator, or with malformed requirements", async () => {
    expect(() => picketPreHandler({} as never)).toThrow(TypeError);
    const bare = fastify();
    await expect(bare.register(picketPlugin, {} as never).ready()).rejects.toThrow(TypeError);
    await bare.close();
    const broken = fastify();
    await expect(
      broken.register(picketPlugin, { validator, requirements: BROKEN }).ready(),
    ).rejects.toThrow(/^picketPlugin: requirements\.minTokenBalance/);
    await broken.close();
  });
});

describe("Fastify route requirements over the plugin's", () => {
  const { issuer, validator } = adapterHarness();
  let app: FastifyInstance;
  let origin: string;

  beforeAll(async () => {
    app = fastify();
    await app.register(picketPlugin, { validator, requirements: { contractAddress: CONTRACT } });
    const answer = async () => ({ ok: true });
    app.get("/plugin", { preHandler: app.picketAuth() }, answer);
    // Leans on the plugin's contract: valid only once merged.
    app.get("/two", { preHandler: app.picketAuth({ minTokenBalance: 2 }) }, answer);
    app.get("/other", { preHandler: app.picketAuth({ contractAddress: OTHER_CONTRACT }) }, answer);
    origin = await app.listen({ port: 0, host: "127.0.0.1" });
  });

  afterAll(async () => {
    await app.close();
  });

  const status = async (path: string, contractAddress: string, tokenBalance: string) =>
    (await get(`${origin}${path}`, bearer(issuer.sign({ contractAddress, tokenBalance })))).status;

  it("applies the plugin's requirements where the route adds none", async () => {
    expect(await status("/plugin", CONTRACT, "1")).toBe(200);
    expect(await status("/plugin", CONTRACT, "0")).toBe(403);
  });

  it("merges a route's keys over the plugin's, key by key", async () => {
    expect(await status("/two", CONTRACT, "1")).toBe(403);
    expect(await status("/two", CONTRACT, "2")).toBe(200);
    expect(await status("/two", OTHER_CONTRACT, "5")).toBe(403);
  });

  it("lets a route's key replace the plugin's", async () => {
    expect(await status("/other", OTHER_CONTRACT, "1")).toBe(200);
    expect(await status("/other", CONTRACT, "5")).toBe(403);
  });
});
