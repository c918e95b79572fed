import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { serve } from "@hono/node-server";
import express from "express";
import Fastify from "fastify";
import { Hono } from "hono";
import { afterEach, describe, expect, it, vi } from "vitest";
import { picketAuth as expressAuth } from "../../src/http/express.js";
import { picketPlugin } from "../../src/http/fastify.js";
import { picketAuth as honoAuth } from "../../src/http/hono.js";
import type { Requirements, Validator } from "../../src/index.js";
import { normalizeRequirements } from "../../src/requirements/normalize-requirements.js";
import { adapterHarness, CONTRACT, VIP, WALLET } from "../helpers/adapter-contract.js";
import { bearer, closeServer, get, listenOnLoopback } from "../helpers/http.js";

// How often requirements are normalized: once per route, when it is built.
vi.mock("../../src/requirements/normalize-requirements.js", async (importOriginal) => {
  const actual =
    await importOriginal<typeof import("../../src/requirements/normalize-requirements.js")>();
  return { ...actual, normalizeRequirements: vi.fn(actual.normalizeRequirements) };
});

/** A route at `/vip` behind one adapter, on a real server; `build` throws what the adapter throws. */
interface RouteServer {
  origin: string;
  close(): Promise<void>;
}

interface Adapter {
  name: string;
  /** Builds `/vip` with these requirements and serves it on 127.0.0.1. */
  serve(validator: Validator, requirements: unknown): Promise<RouteServer>;
}

const ADAPTERS: Adapter[] = [
  {
    name: "picketAuth (Express)",
    async serve(validator, requirements) {
      const app = express();
      const guard = expressAuth({ validator, requirements: requirements as Requirements });
      app.get("/vip", guard, (_req, res) => {
        res.json({ through: true });
      });
      const server = createServer(app);
      const origin = await listenOnLoopback(server);
      return { origin, close: () => closeServer(server) };
    },
  },
  {
    name: "fastify.picketAuth",
    async serve(validator, requirements) {
      const app = Fastify();
      await app.register(picketPlugin, { validator });
      try {
        const preHandler = app.picketAuth(requirements as Requirements);
        app.get("/vip", { preHandler }, async () => ({ through: true }));
      } catch (error) {
        await app.close();
        throw error;
      }
      const origin = await app.listen({ port: 0, host: "127.0.0.1" });
      return { origin, close: () => app.close() };
    },
  },
  {
    name: "picketAuth (Hono)",
    async serve(validator, requirements) {
      const app = new Hono();
      app.get("/vip", honoAuth({ validator, requirements: requirements as Requirements }), (c) =>
        c.json({ through: true }),
      );
      const server = await new Promise<Server>((resolve) => {
        const started = serve({ fetch: app.fetch, port: 0, hostname: "127.0.0.1" }, () =>
          resolve(started as Server),
        );
      });
      const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      return { origin, close: () => closeServer(server) };
    },
  },
];

class VipGate {
  get contractAddress(): string {
    return CONTRACT;
  }
  get minTokenBalance(): number {
    return 1;
  }
}

// Requirements an adapter used to check and then drop (own keys only were kept), or that pass
// every check and then admit everyone or no one.
const UNENFORCEABLE: [string, unknown, RegExp][] = [
  ["inherited keys", Object.create(VIP) as object, /requirements must be a plain object/],
  ["a class instance with getters", new VipGate(), /not a VipGate/],
  ["a Map", new Map(Object.entries(VIP)), /not a Map/],
  ["an empty collection list", { collection: [] }, /requirements\.collection must be a non-empty/],
  ["an empty allowedWallets list", { allowedWallets: [] }, /allowedWallets must be a non-empty/],
  [
    "a shortened address",
    { contractAddress: "0x8a90…992e", minTokenBalance: 1 },
    /has 9 characters after 0x; the first bad character is "…" at index 6/,
  ],
];

describe.each(ADAPTERS)("route requirements: $name over real HTTP", (adapter) => {
  let running: RouteServer | undefined;
  afterEach(async () => {
    await running?.close();
    running = undefined;
  });

  it.each(UNENFORCEABLE)(
    "refuses %s when the route is built",
    async (_label, requirements, why) => {
      const { validator } = adapterHarness();
      const attempt = adapter.serve(validator, requirements).then((served) => {
        running = served;
      });
      await expect(attempt).rejects.toThrow(TypeError);
      await expect(attempt).rejects.toThrow(why);
      await expect(attempt).rejects.toThrow(/^(fastify\.)?picketAuth: /);
    },
  );

  it("enforces the form it checked, normalized once when the route is built", async () => {
    const { issuer, validator } = adapterHarness();
    const normalize = vi.mocked(normalizeRequirements);
    normalize.mockClear();
    running = await adapter.serve(validator, { ...VIP });
    expect(normalize).toHaveBeenCalledTimes(1);
    const holder = issuer.sign({
      walletAddress: WALLET,
      contractAddress: CONTRACT,
      tokenBalance: "1",
    });
    const outsider = issuer.sign({ walletAddress: WALLET });
    expect((await get(`${running.origin}/vip`, bearer(holder))).status).toBe(200);
    expect((await get(`${running.origin}/vip`, bearer(outsider))).status).toBe(403);
    expect((await get(`${running.origin}/vip`, bearer(holder))).body).toEqual({ through: true });
    expect(normalize).toHaveBeenCalledTimes(1);
  });
});
