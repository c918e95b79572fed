/**
 * The servers of the HTTP benchmark: one route, `GET /me`, answering `{ walletAddress }` of the
 * verified token, on Fastify 5 and Express 5, guarded by picket-validate, by a peer, or not at all.
 * Each runs alone in its own process (see `http-server.ts`), so that no two share a heap.
 */
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import fastifyJwt, { type TokenOrHeader } from "@fastify/jwt";
import express, { type ErrorRequestHandler } from "express";
import { auth } from "express-oauth2-jwt-bearer";
import Fastify, { type FastifyInstance, type FastifyRequest } from "fastify";
import buildGetJwks from "get-jwks";
import { picketAuth } from "../dist/http/express.js";
import { picketPlugin } from "../dist/http/fastify.js";
import { createValidator, PICKET_ISSUER, type Requirements } from "../dist/index.js";
import { createValidationServer } from "../dist/server/index.js";

/** Every server the benchmark knows, by name. */
export const APP_NAMES = [
  "fastify-none",
  "fastify-picket",
  "fastify-jwt",
  "fastify-jwt-kept",
  "fastify-jwt-cached",
  "express-none",
  "express-picket",
  "express-oauth2",
  "service-forward-auth",
] as const;

/** The name of one server. */
export type AppName = (typeof APP_NAMES)[number];

/** What every server is built from: the loopback key set and what tokens must carry. */
export interface AppSettings {
  /** The loopback key set, `http://127.0.0.1:<port>/.well-known/jwks.json`. */
  jwksUri: string;
  /** The `aud` of valid tokens. */
  projectId: string;
  /** The contract the picket-validate routes require a balance of at least 1 on. */
  contract: string;
  /** What the unguarded routes answer as the wallet. */
  wallet: string;
}

/** A listening server. */
export interface RunningApp {
  port: number;
  close(): Promise<void>;
}

interface Claims {
  walletAddress?: string;
}

const JWKS_PATH = "/.well-known/jwks.json";

/** Builds the named server and listens on a free port of 127.0.0.1. */
export async function startApp(name: AppName, settings: AppSettings): Promise<RunningApp> {
  switch (name) {
    case "fastify-none":
    case "fastify-picket":
    case "fastify-jwt":
    case "fastify-jwt-kept":
    case "fastify-jwt-cached":
      return listenFastify(await fastifyApp(name, settings));
    case "express-none":
    case "express-picket":
    case "express-oauth2":
      return listenExpress(await expressApp(name, settings));
    case "service-forward-auth":
      return serviceApp(settings);
  }
}

/**
 * The validation service (`picket-validate serve`) with a `holders` policy: the same requirement
 * as the picket-validate routes, asked by a proxy at `/forward-auth/holders`.
 */
async function serviceApp(settings: AppSettings): Promise<RunningApp> {
  const service = createValidationServer({
    validator: { projectId: settings.projectId, jwksUri: settings.jwksUri },
    policies: { holders: requirementsOf(settings) },
    log: () => undefined,
  });
  await service.ready();
  const origin = await service.listen(0, "127.0.0.1");
  return { port: Number(new URL(origin).port), close: () => service.close() };
}

async function picketValidator(settings: AppSettings) {
  const validator = createValidator({ projectId: settings.projectId, jwksUri: settings.jwksUri });
  await validator.ready();
  return validator;
}

function requirementsOf(settings: AppSettings): Requirements {
  return { contractAddress: settings.contract, minTokenBalance: 1 };
}

async function fastifyApp(name: AppName, settings: AppSettings): Promise<FastifyInstance> {
  const app = Fastify({ logger: false });
  if (name === "fastify-picket") {
    await app.register(picketPlugin, { validator: await picketValidator(settings) });
    app.get("/me", { preHandler: app.picketAuth(requirementsOf(settings)) }, async (request) => ({
      walletAddress: request.picket?.walletAddress,
    }));
  } else if (
    name === "fastify-jwt" ||
    name === "fastify-jwt-kept" ||
    name === "fastify-jwt-cached"
  ) {
    await registerFastifyJwt(app, settings, {
      keepPem: name !== "fastify-jwt",
      cache: name === "fastify-jwt-cached",
    });
    app.get(
      "/me",
      {
        preHandler: async (request) => {
          await request.jwtVerify();
        },
      },
      async (request) => ({ walletAddress: (request.user as Claims).walletAddress }),
    );
  } else {
    app.get("/me", async () => ({ walletAddress: settings.wallet }));
  }
  return app;
}

/**
 * @fastify/jwt's documented JWKS recipe: get-jwks resolves the key of each token's `kid`, and
 * converts it to PEM on every request (with jwk-to-pem, about 6 ms each here). `keepPem` keeps
 * the PEM of each key object that get-jwks hands back, as a careful app would, so that a key is
 * converted once per get-jwks cache entry.
 */
async function registerFastifyJwt(
  app: FastifyInstance,
  settings: AppSettings,
  options: { keepPem: boolean; cache: boolean },
) {
  const getJwks = buildGetJwks({ jwksPath: JWKS_PATH });
  // Picket's `iss` is a bare host, not a URL to fetch from: the keys live on the loopback server.
  const domain = new URL(settings.jwksUri).origin;
  const pems = new WeakMap<object, string>();
  const keptPem = async (kid: string, alg: string) => {
    const jwk = await getJwks.getJwk({ kid, alg, domain });
    let pem = pems.get(jwk);
    if (pem === undefined) {
      pem = await getJwks.getPublicKey({ kid, alg, domain });
      pems.set(jwk, pem);
    }
    return pem;
  };
  await app.register(fastifyJwt, {
    decode: { complete: true },
    secret: async (_request: FastifyRequest, token: TokenOrHeader) => {
      const { kid, alg } = "header" in token ? token.header : token;
      return options.keepPem ? keptPem(kid ?? "", alg) : getJwks.getPublicKey({ kid, alg, domain });
    },
    verify: {
      algorithms: ["ES256"],
      allowedIss: PICKET_ISSUER,
      allowedAud: settings.projectId,
      ...(options.cache ? { cache: true } : {}),
    },
  });
}

async function expressApp(name: AppName, settings: AppSettings): Promise<express.Express> {
  const app = express();
  if (name === "express-picket") {
    const guard = picketAuth({
      validator: await picketValidator(settings),
      requirements: requirementsOf(settings),
    });
    app.get("/me", guard, (req, res) => {
      res.json({ walletAddress: req.picket?.walletAddress });
    });
  } else if (name === "express-oauth2") {
    const guard = auth({
      jwksUri: settings.jwksUri,
      issuer: PICKET_ISSUER,
      audience: settings.projectId,
      tokenSigningAlg: "ES256",
    });
    app.get("/me", guard, (req, res) => {
      res.json({ walletAddress: (req.auth?.payload as Claims | undefined)?.walletAddress });
    });
  } else {
    app.get("/me", (_req, res) => {
      res.json({ walletAddress: settings.wallet });
    });
  }
  // A JSON answer for refusals, as an app would have, instead of Express's logged stack trace.
  const onError: ErrorRequestHandler = (error, _req, res, _next) => {
    res.status((error as { status?: number }).status ?? 500).json({ error: String(error) });
  };
  app.use(onError);
  return app;
}

async function listenFastify(app: FastifyInstance): Promise<RunningApp> {
  await app.listen({ port: 0, host: "127.0.0.1" });
  return { port: (app.server.address() as AddressInfo).port, close: () => app.close() };
}

async function listenExpress(app: express.Express): Promise<RunningApp> {
  const server = createServer(app);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    port: (server.address() as AddressInfo).port,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
}
