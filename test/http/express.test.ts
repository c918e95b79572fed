import { createServer, type Server } from "node:http";
import express, { type NextFunction, type Request, type Response } from "express";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type PicketAuthOptions, picketAuth } from "../../src/http/express.js";
import { adapterContract, adapterHarness, contractRoutes } from "../helpers/adapter-contract.js";
import { closeServer, listenOnLoopback } from "../helpers/http.js";

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

  it("refuses to be created without a validator", () => {
    expect(() => picketAuth({} as never)).toThrow(TypeError);
    expect(() => picketAuth({} as never)).toThrow("picketAuth needs { validator }");
  });
});
