import type { AddressInfo } from "node:net";
import { type FastifyInstance, fastify } from "fastify";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { picketPlugin, picketPreHandler } from "../../src/http/fastify.js";
import {
  adapterContract,
  adapterHarness,
  BROKEN,
  keysDownValidator,
  picketKind,
  VIP,
} from "../helpers/adapter-contract.js";
import { bearer, get } from "../helpers/http.js";

describe("Fastify picketPlugin over real HTTP", () => {
  const harness = adapterHarness();
  const { issuer, validator, handled } = harness;
  let app: FastifyInstance;
  let origin: string;

  beforeAll(async () => {
    const deadValidator = await keysDownValidator(issuer.projectId);
    app = fastify();
    await app.register(picketPlugin, { validator });
    app.setErrorHandler((error: Error, _request, reply) => {
      reply.code(500).send({ handledBy: "error-handler", name: error.name });
    });
    app.get("/me", { preHandler: app.picketAuth() }, async (request) => {
      handled.push("/me");
      return { walletAddress: request.picket?.walletAddress, chain: request.picket?.chain };
    });
    app.get("/vip", { preHandler: app.picketAuth(VIP) }, async (request) => {
      handled.push("/vip");
      return { vip: true, walletAddress: request.picket?.walletAddress };
    });
    app.get(
      "/maybe",
      { preHandler: picketPreHandler({ validator, optional: true }) },
      async (request) => {
        handled.push("/maybe");
        return {
          picket: picketKind(request.picket),
          walletAddress: request.picket?.walletAddress ?? null,
        };
      },
    );
    app.get(
      "/keys-down",
      { preHandler: picketPreHandler({ validator: deadValidator }) },
      async () => {
        handled.push("/keys-down");
        return { ok: true };
      },
    );
    app.get("/broken", { preHandler: app.picketAuth(BROKEN) }, async () => {
      handled.push("/broken");
      return { ok: true };
    });
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

  it("refuses to be registered or created without a validator", async () => {
    expect(() => picketPreHandler({} as never)).toThrow(TypeError);
    const bare = fastify();
    await expect(bare.register(picketPlugin, {} as never).ready()).rejects.toThrow(TypeError);
    await bare.close();
  });
});
