import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { serve } from "@hono/node-server";
import express from "express";
import Fastify, { type FastifyInstance } from "fastify";
import { Hono } from "hono";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { PicketRefusal } from "../../src/http/adapter-options.js";
import { isAnswerable } from "../../src/http/error-response.js";
import { picketAuth as expressAuth } from "../../src/http/express.js";
import { picketPreHandler } from "../../src/http/fastify.js";
import { picketErrorResponse, withPicket } from "../../src/http/fetch.js";
import { picketAuth as honoAuth } from "../../src/http/hono.js";
import { PicketValidationError } from "../../src/index.js";
import { createTestIssuer } from "../../src/testing/index.js";
import { closeServer, get, listenOnLoopback } from "../helpers/http.js";

/** Errors with a validation error's `name` and `code`, but no status of the error table. */
const LOOKALIKES = {
  "no status": {},
  "status 200": { status: 200 },
  'status "401"': { status: "401" },
  "status 401 for a 403 code": { status: 401, code: "ERR_REQUIREMENTS_NOT_MET" },
  "status 999": { status: 999 },
} as const;
type Lookalike = keyof typeof LOOKALIKES;
const KINDS = Object.keys(LOOKALIKES) as Lookalike[];
/**
 * The lookalikes whose status no framework reads as an HTTP status; Express and Fastify answer
 * an error's own 4xx or 5xx `status` themselves, which is their error handling, not a refusal.
 */
const NO_HTTP_STATUS: Lookalike[] = ["no status", "status 200", "status 999"];

function lookalike(kind: Lookalike): Error {
  return Object.assign(new Error("looks like a refusal"), {
    name: "PicketValidationError",
    code: "ERR_TOKEN_EXPIRED",
    ...LOOKALIKES[kind],
  });
}

describe("isAnswerable", () => {
  it("takes a genuine validation error, with its table status", () => {
    expect(isAnswerable(new PicketValidationError("ERR_TOKEN_EXPIRED", "expired"))).toBe(true);
  });

  it.each(KINDS)("refuses a lookalike with %s", (kind) => {
    expect(isAnswerable(lookalike(kind))).toBe(false);
  });

  it("picketErrorResponse throws a lookalike again instead of answering it", () => {
    const error = lookalike("no status");
    expect(() => picketErrorResponse(error)).toThrow(error);
  });
});

describe("an error that only looks like a refusal goes to the framework (500), never 200", () => {
  const validator = createTestIssuer().validator();
  const told: PicketRefusal[] = [];
  const unhandled: unknown[] = [];
  const recordUnhandled = (reason: unknown): void => {
    unhandled.push(reason);
  };
  const origins: Record<"express" | "fastify" | "hono", string> = {
    express: "",
    fastify: "",
    hono: "",
  };
  const closers: (() => Promise<unknown>)[] = [];
  const options = {
    validator,
    onError: (error: PicketRefusal) => {
      told.push(error);
    },
  };
  const kindOf = (path: string): Lookalike => decodeURIComponent(path.slice(1)) as Lookalike;

  beforeAll(async () => {
    process.on("unhandledRejection", recordUnhandled);
    const app = express();
    app.get("/:kind", (req, res, next) => {
      expressAuth({ ...options, getToken: () => throwKind(req.path) })(req, res, next);
    });
    const server: Server = createServer(app);
    origins.express = await listenOnLoopback(server);
    closers.push(() => closeServer(server));

    const fastify: FastifyInstance = Fastify();
    fastify.get(
      "/:kind",
      {
        preHandler: picketPreHandler({
          ...options,
          getToken: (request) => throwKind(new URL(request.url, "http://x").pathname),
        }),
      },
      async () => ({ through: true }),
    );
    origins.fastify = await fastify.listen({ port: 0, host: "127.0.0.1" });
    closers.push(() => fastify.close());

    const hono = new Hono();
    hono.onError((_error, c) => c.json({ handledBy: "onError" }, 500));
    hono.get("/:kind", honoAuth({ ...options, getToken: (c) => throwKind(c.req.path) }), (c) =>
      c.json({ through: true }),
    );
    const honoServer = await new Promise<Server>((resolve) => {
      const started = serve({ fetch: hono.fetch, port: 0, hostname: "127.0.0.1" }, () =>
        resolve(started as Server),
      );
    });
    origins.hono = `http://127.0.0.1:${(honoServer.address() as AddressInfo).port}`;
    closers.push(() => closeServer(honoServer));
  });

  afterAll(async () => {
    process.off("unhandledRejection", recordUnhandled);
    for (const close of closers) await close();
  });

  function throwKind(path: string): never {
    throw lookalike(kindOf(path));
  }

  describe.each(["express", "fastify", "hono"] as const)("%s", (adapter) => {
    it.each(NO_HTTP_STATUS)("with %s: 500, not reported to onError, no crash", async (kind) => {
      told.length = 0;
      const answer = await get(`${origins[adapter]}/${encodeURIComponent(kind)}`, "Bearer x");
      await new Promise((resolve) => setImmediate(resolve));
      expect(answer.status).toBe(500);
      expect(answer.headers.get("www-authenticate")).toBeNull();
      expect(answer.body.message).not.toBe("The access token has expired");
      expect(told).toEqual([]);
      expect(unhandled).toEqual([]);
    });
  });

  describe("withPicket", () => {
    it.each(KINDS)("with %s: rejects with the error, for the platform's 500", async (kind) => {
      told.length = 0;
      const handler = withPicket(() => Response.json({ through: true }), {
        ...options,
        getToken: (request) => throwKind(new URL(request.url).pathname),
      });
      const request = new Request(`http://localhost/${encodeURIComponent(kind)}`);
      const error = await handler(request).then(
        (response) => response,
        (thrown: unknown) => thrown,
      );
      expect(error).toMatchObject({
        name: "PicketValidationError",
        message: "looks like a refusal",
      });
      expect(told).toEqual([]);
    });
  });
});
