import { createServer, type Server, type ServerResponse } from "node:http";
import express, { type NextFunction, type Request, type Response } from "express";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { createPicketClient } from "../../src/client/index.js";
import type { PicketRefusal } from "../../src/http/adapter-options.js";
import { type PicketAuthOptions, type PicketRequest, picketAuth } from "../../src/http/express.js";
import { createValidator } from "../../src/index.js";
import { createTestIssuer } from "../../src/testing/index.js";
import {
  adapterContract,
  adapterHarness,
  CONTRACT,
  contractRoutes,
  VIP,
} from "../helpers/adapter-contract.js";
import { bearer, closeServer, get, listenOnLoopback } from "../helpers/http.js";
import { startJwksServer } from "../helpers/jwks-server.js";
import { error, startPicketApiStandIn } from "../helpers/picket-api-stand-in.js";

describe("Express picketAuth over real HTTP", () => {
  const harness = adapterHarness();
  const { handled } = harness;
  let server: Server;
  let origin: string;

  beforeAll(async () => {
    const routes = await contractRoutes<Request>(harness, {
      cookieHeader: (req) => req.get("cookie"),
      path: (req) => req.path,
      isFrameworkRequest: (req) => typeof req.get === "function" && req.app !== undefined,
    });
    const app = express();
    for (const route of routes) {
      app.get(route.path, picketAuth(route.options), (req, res) => {
        handled.push(route.path);
        const own = route.path === "/maybe" ? { hasOwnPicket: Object.hasOwn(req, "picket") } : {};
        res.json({ ...route.body(req.picket), ...own });
      });
    }
    app.use((error: Error, _req: Request, res: Response, _next: NextFunction) => {
      res.status(500).json({ handledBy: "error-handler", name: error.name });
    });
    server = createServer(app);
    origin = await listenOnLoopback(server);
  });

  afterAll(async () => {
    await closeServer(server);
  });

  adapterContract({
    ...harness,
    origin: () => origin,
    picket: "req.picket",
    anonymousPicket: undefined,
    reportsOwnPicket: true,
    errorHandler: "next(err)",
    build: (options) => picketAuth(options as PicketAuthOptions),
  });

  it("hands a throw while answering to next(err), never to an unhandled rejection", async () => {
    const failure = new Error("socket gone");
    const res = {
      headersSent: false,
      writeHead() {
        throw failure;
      },
      end() {},
    };
    const passedOn = await new Promise<unknown>((resolve) => {
      picketAuth({ validator: harness.validator })(
        { headers: {} } as PicketRequest,
        res as unknown as ServerResponse,
        resolve,
      );
    });
    expect(passedOn).toBe(failure);
  });

  it("refuses to be created without a validator", () => {
    expect(() => picketAuth({} as never)).toThrow(TypeError);
    expect(() => picketAuth({} as never)).toThrow("picketAuth needs { validator }");
  });
});

/** A promise and the function that resolves it. */
function signal(): { promise: Promise<void>; fire: () => void } {
  let fire: () => void = () => undefined;
  const promise = new Promise<void>((resolve) => {
    fire = resolve;
  });
  return { promise, fire };
}

describe("Express picketAuth behind a request-timeout middleware", () => {
  const issuer = createTestIssuer();
  const unhandled: unknown[] = [];
  const recordUnhandled = (reason: unknown): void => {
    unhandled.push(reason);
  };
  const cleanups: (() => Promise<void>)[] = [];

  afterEach(async () => {
    process.off("unhandledRejection", recordUnhandled);
    for (const cleanup of cleanups.splice(0)) await cleanup();
  });

  /**
   * An app whose first middleware answers 503 when the test says the time is up, as
   * connect-timeout does when its timer fires, while validation is still waiting.
   */
  async function timeoutApp(options: PicketAuthOptions) {
    const waiting = new Set<Response>();
    const app = express();
    app.use((_req, res, next) => {
      waiting.add(res);
      next();
    });
    app.get("/vip", picketAuth(options), (_req, res) => {
      res.json({ through: true });
    });
    app.get("/health", (_req, res) => {
      res.json({ up: true });
    });
    const server = createServer(app);
    const origin = await listenOnLoopback(server);
    cleanups.push(() => closeServer(server));
    const timeOut = (): void => {
      for (const res of waiting) if (!res.headersSent) res.status(503).json({ error: "timeout" });
      waiting.clear();
    };
    return { origin, timeOut };
  }

  it.each(["a slow /authz that refuses", "a slow key set that fails"])(
    "drops a refusal that comes after the 503 (%s): onError once, no crash",
    async (slow) => {
      process.on("unhandledRejection", recordUnhandled);
      const arrived = signal();
      const release = signal();
      const told: PicketRefusal[] = [];
      const reported = signal();
      const onError = (refusal: PicketRefusal): void => {
        told.push(refusal);
        reported.fire();
      };
      let options: PicketAuthOptions;
      let token: string;
      if (slow === "a slow /authz that refuses") {
        const api = await startPicketApiStandIn({ issuer });
        cleanups.push(() => api.close());
        api.setHandler(async () => {
          arrived.fire();
          await release.promise;
          return error(403, "permission_denied", "Requirements not met");
        });
        const revalidate = createPicketClient({ secretKey: api.secretKey, baseUrl: api.baseUrl });
        options = { validator: issuer.validator(), requirements: VIP, revalidate, onError };
        token = issuer.sign({ tokenBalances: { contractAddress: { [CONTRACT]: "0" } } });
      } else {
        const keys = await startJwksServer((_request, response) => {
          arrived.fire();
          void release.promise.then(() => response.writeHead(500).end());
        });
        cleanups.push(() => keys.close());
        const validator = createValidator({ projectId: issuer.projectId, jwksUri: keys.url });
        options = { validator, onError };
        token = issuer.sign();
      }
      const { origin, timeOut } = await timeoutApp(options);

      const answer = get(`${origin}/vip`, bearer(token));
      await arrived.promise;
      timeOut();
      expect((await answer).status).toBe(503);
      release.fire();
      await reported.promise;
      // The adapter's own continuation runs after onError; rejections surface before the next turn.
      await new Promise((resolve) => setImmediate(resolve));
      await new Promise((resolve) => setImmediate(resolve));

      expect(unhandled).toEqual([]);
      expect(told.map((refusal) => refusal.code)).toEqual([
        slow === "a slow /authz that refuses" ? "ERR_REQUIREMENTS_NOT_MET" : "ERR_JWKS_UNAVAILABLE",
      ]);
      expect((await get(`${origin}/health`)).body).toEqual({ up: true });
    },
  );
});
