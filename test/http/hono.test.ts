import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { serve } from "@hono/node-server";
import { type Context, Hono } from "hono";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type PicketAuthOptions, type PicketEnv, picketAuth } from "../../src/http/hono.js";
import { adapterContract, adapterHarness, contractRoutes } from "../helpers/adapter-contract.js";
import { bearer, closeServer, get } from "../helpers/http.js";

describe("Hono picketAuth on @hono/node-server over real HTTP", () => {
  const harness = adapterHarness();
  const { issuer, validator, handled } = harness;
  let server: Server;
  let origin: string;

  beforeAll(async () => {
    const routes = await contractRoutes<Context>(harness, {
      cookieHeader: (c) => c.req.header("cookie"),
      path: (c) => c.req.path,
      isFrameworkRequest: (c) => typeof c.set === "function" && typeof c.req?.header === "function",
    });
    const app = new Hono();
    for (const route of routes) {
      app.get(route.path, picketAuth(route.options), (c) => {
        handled.push(route.path);
        return c.json(route.body(c.var.picket));
      });
    }
    const guarded = new Hono<PicketEnv>();
    guarded.use(picketAuth({ validator }));
    guarded.get("/me", (c) => c.json({ viaGet: c.get("picket").walletAddress }));
    guarded.get("/text", (c) => c.text("plain"));
    app.route("/guarded", guarded);
    app.get("/unguarded", (c) => c.json({ picket: c.get("picket" as never) ?? null }));
    app.onError((error, c) => c.json({ handledBy: "error-handler", name: error.name }, 500));
    await new Promise<void>((resolve) => {
      server = serve({ fetch: app.fetch, port: 0, hostname: "127.0.0.1" }, () =>
        resolve(),
      ) as Server;
    });
    origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    await closeServer(server);
  });

  adapterContract({
    ...harness,
    origin: () => origin,
    picket: "c.var.picket",
    anonymousPicket: undefined,
    errorHandler: "app.onError",
    build: (options) => picketAuth(options as PicketAuthOptions),
  });

  it("guards a sub-app through app.use(), with c.get('picket') typed by PicketEnv", async () => {
    const token = issuer.sign();
    const answer = await get(`${origin}/guarded/me`, bearer(token));
    expect(answer.status).toBe(200);
    expect(answer.body).toEqual({ viaGet: issuer.walletAddress });
    const refused = await get(`${origin}/guarded/text`);
    expect(refused.status).toBe(401);
    expect(refused.headers.get("www-authenticate")).toBe('Bearer realm="picket"');
  });

  it("sets no picket on routes without the middleware", async () => {
    const answer = await get(`${origin}/unguarded`, bearer(issuer.sign()));
    expect(answer.body).toEqual({ picket: null });
  });

  it("answers through app.request() (no server) as over the wire", async () => {
    const app = new Hono().get("/me", picketAuth({ validator }), (c) => c.json({ ok: true }));
    const response = await app.request("/me");
    expect(response.status).toBe(401);
    expect(await response.json()).toMatchObject({ error: "ERR_TOKEN_MISSING" });
  });

  it("refuses to be created without a validator", () => {
    expect(() => picketAuth({} as never)).toThrow("picketAuth needs { validator }");
  });
});
