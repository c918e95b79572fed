import { createServer, type Server } from "node:http";
import express, { type NextFunction, type Request, type Response } from "express";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { picketAuth } from "../../src/http/express.js";
import {
  adapterContract,
  adapterHarness,
  BROKEN,
  keysDownValidator,
  picketKind,
  VIP,
} from "../helpers/adapter-contract.js";
import { closeServer, listenOnLoopback } from "../helpers/http.js";

describe("Express picketAuth over real HTTP", () => {
  const harness = adapterHarness();
  const { issuer, validator, handled } = harness;
  let server: Server;
  let origin: string;

  beforeAll(async () => {
    const deadValidator = await keysDownValidator(issuer.projectId);
    const app = express();
    app.get("/me", picketAuth({ validator }), (req, res) => {
      handled.push("/me");
      res.json({ walletAddress: req.picket?.walletAddress, chain: req.picket?.chain });
    });
    app.get("/vip", picketAuth({ validator, requirements: VIP }), (req, res) => {
      handled.push("/vip");
      res.json({ vip: true, walletAddress: req.picket?.walletAddress });
    });
    app.get("/maybe", picketAuth({ validator, optional: true }), (req, res) => {
      handled.push("/maybe");
      res.json({
        picket: picketKind(req.picket),
        hasOwnPicket: Object.hasOwn(req, "picket"),
        walletAddress: req.picket?.walletAddress ?? null,
      });
    });
    app.get("/keys-down", picketAuth({ validator: deadValidator }), (_req, res) => {
      handled.push("/keys-down");
      res.json({ ok: true });
    });
    app.get("/broken", picketAuth({ validator, requirements: BROKEN }), (_req, res) => {
      handled.push("/broken");
      res.json({ ok: true });
    });
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
  });

  it("refuses to be created without a validator", () => {
    expect(() => picketAuth({} as never)).toThrow(TypeError);
  });
});
