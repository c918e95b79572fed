import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { serve } from "@hono/node-server";
import express from "express";
import { fastify } from "fastify";
import { Hono } from "hono";
import { afterEach, describe, expect, it } from "vitest";
import { picketAuth as expressAuth } from "../../src/http/express.js";
import { picketPlugin, picketPreHandler } from "../../src/http/fastify.js";
import { authenticate, withPicket } from "../../src/http/fetch.js";
import { picketAuth as honoAuth } from "../../src/http/hono.js";
import { createTestIssuer } from "../../src/testing/index.js";
import { CONTRACT, VIP } from "../helpers/adapter-contract.js";
import { bearer, closeServer, get, listenOnLoopback } from "../helpers/http.js";

// A misspelt `requirements` or `optional` used to be dropped, and the route served to anyone:
// each adapter must refuse it when the route is built, while the right spelling gates the route.
const issuer = createTestIssuer();
const validator = issuer.validator();
const emptyWallet = bearer(issuer.sign({ contractAddress: CONTRACT, tokenBalance: "0" }));
const typo = { validator, requirment: VIP } as never;
const typoMessage = (adapter: string) =>
  new TypeError(`options.requirment is not an option of ${adapter}; did you mean requirements?`);

const servers: Server[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map(closeServer));
});

async function honoOrigin(app: Hono): Promise<string> {
  const server = await new Promise<Server>((resolve) => {
    const started = serve({ fetch: app.fetch, port: 0, hostname: "127.0.0.1" }, () =>
      resolve(started as Server),
    );
  });
  servers.push(server);
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

describe("adapters refuse unknown options when the route is built", () => {
  it("Express picketAuth", async () => {
    const app = express();
    expect(() => app.get("/typo", expressAuth(typo), (_req, res) => res.json({}))).toThrow(
      typoMessage("picketAuth"),
    );
    app.get("/vip", expressAuth({ validator, requirements: VIP }), (_req, res) => res.json({}));
    const server = createServer(app);
    servers.push(server);
    const origin = await listenOnLoopback(server);
    expect((await get(`${origin}/typo`, emptyWallet)).status).toBe(404);
    expect((await get(`${origin}/vip`, emptyWallet)).status).toBe(403);
  });

  it("the Fastify plugin fails ready(), picketPreHandler and fastify.picketAuth fail at once", async () => {
    const broken = fastify();
    broken.register(picketPlugin, typo);
    await expect(broken.ready()).rejects.toThrow(typoMessage("picketPlugin"));
    await broken.close();

    const app = fastify();
    await app.register(picketPlugin, { validator });
    expect(() => picketPreHandler(typo)).toThrow(typoMessage("picketPreHandler"));
    expect(() => app.picketAuth({ requirements: VIP } as never)).toThrow(
      new TypeError(
        "fastify.picketAuth takes requirements, not options: pass the requirements themselves: fastify.picketAuth({ contractAddress, minTokenBalance })",
      ),
    );
    expect(() => app.picketAuth({ optional: true } as never)).toThrow(
      new TypeError(
        "fastify.picketAuth takes requirements, not options: optional is an option of the plugin, fastify.register(picketPlugin, { validator, optional }), or of picketPreHandler({ validator, optional }) for one route",
      ),
    );
    app.get("/vip", { preHandler: app.picketAuth(VIP) }, async () => ({}));
    const origin = await app.listen({ port: 0, host: "127.0.0.1" });
    try {
      expect((await get(`${origin}/vip`, emptyWallet)).status).toBe(403);
    } finally {
      await app.close();
    }
  });

  it("Hono picketAuth, for requirment and optinal alike", async () => {
    const app = new Hono();
    expect(() => app.get("/typo", honoAuth(typo), (c) => c.json({}))).toThrow(
      typoMessage("picketAuth"),
    );
    expect(() => honoAuth({ validator, optinal: true } as never)).toThrow(
      new TypeError("options.optinal is not an option of picketAuth; did you mean optional?"),
    );
    app.get("/vip", honoAuth({ validator, requirements: VIP }), (c) => c.json({}));
    const origin = await honoOrigin(app);
    expect((await get(`${origin}/typo`, emptyWallet)).status).toBe(404);
    expect((await get(`${origin}/vip`, emptyWallet)).status).toBe(403);
  });

  it("withPicket, and authenticate's options before the request is read", async () => {
    const handler = () => Response.json({});
    expect(() => withPicket(handler, typo)).toThrow(typoMessage("withPicket"));
    const app = new Hono();
    const gated = withPicket(handler, { validator, requirements: VIP });
    app.get("/vip", (c) => gated(c.req.raw));
    const origin = await honoOrigin(app);
    expect((await get(`${origin}/vip`, emptyWallet)).status).toBe(403);

    const request = new Request("http://127.0.0.1/", { headers: { authorization: emptyWallet } });
    await expect(
      authenticate(request, validator, undefined, { getTokn: () => undefined } as never),
    ).rejects.toThrow(
      new TypeError("options.getTokn is not an option of authenticate; did you mean getToken?"),
    );
    await expect(
      authenticate(request, validator, undefined, { requirements: VIP } as never),
    ).rejects.toThrow(
      new TypeError(
        "options.requirements is not an option of authenticate; requirements are authenticate's third argument: authenticate(request, validator, requirements, options)",
      ),
    );
  });
});
