import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { serve } from "@hono/node-server";
import express from "express";
import Fastify, { type FastifyInstance } from "fastify";
import { Hono } from "hono";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createPicketClient } from "../../src/client/index.js";
import type { AdapterOptions } from "../../src/http/adapter-options.js";
import { picketAuth as expressAuth } from "../../src/http/express.js";
import { picketPlugin, picketPreHandler } from "../../src/http/fastify.js";
import { authenticate, withPicket } from "../../src/http/fetch.js";
import { picketAuth as honoAuth } from "../../src/http/hono.js";
import type { Requirements } from "../../src/index.js";
import { createTestIssuer } from "../../src/testing/index.js";
import { CONTRACT, WALLET } from "../helpers/adapter-contract.js";
import { bearer, closeServer, get, listenOnLoopback } from "../helpers/http.js";
import { type PicketApiStandIn, startPicketApiStandIn } from "../helpers/picket-api-stand-in.js";

const issuer = createTestIssuer();
const validator = issuer.validator();
const OTHER_WALLET = "0x00000000000000000000000000000000000000aa";

/** One route per adapter, served over real HTTP, each answering `{ picket: walletAddress | null }`. */
interface Served {
  origin: string;
  close: () => Promise<unknown>;
}

type Build = (options: AdapterOptions<never>) => Promise<Served>;

const answer = (picket: { walletAddress: string } | null | undefined) => ({
  picket: picket?.walletAddress ?? null,
});

const ADAPTERS: [string, Build][] = [
  [
    "express",
    async (options) => {
      const app = express();
      app.get("/", expressAuth(options as never), (req, res) => {
        res.json(answer(req.picket));
      });
      const server = createServer(app);
      return { origin: await listenOnLoopback(server), close: () => closeServer(server) };
    },
  ],
  [
    "fastify",
    async (options) => {
      const app = Fastify();
      app.get("/", { preHandler: picketPreHandler(options as never) }, async (request) =>
        answer(request.picket),
      );
      return { origin: await app.listen({ port: 0, host: "127.0.0.1" }), close: () => app.close() };
    },
  ],
  [
    "hono",
    async (options) => {
      const app = new Hono();
      app.get("/", honoAuth(options as never), (c) => c.json(answer(c.var.picket)));
      const server = await new Promise<Server>((resolve) => {
        const started = serve({ fetch: app.fetch, port: 0, hostname: "127.0.0.1" }, () =>
          resolve(started as Server),
        );
      });
      const { port } = server.address() as AddressInfo;
      return { origin: `http://127.0.0.1:${port}`, close: () => closeServer(server) };
    },
  ],
  [
    "fetch",
    async (options) => {
      const handler = withPicket(
        (_request, picket) => Response.json(answer(picket)),
        options as never,
      );
      const server = createServer((incoming, outgoing) => {
        const headers = new Headers();
        for (const [name, value] of Object.entries(incoming.headers)) {
          if (typeof value === "string") headers.set(name, value);
        }
        void handler(new Request(`http://127.0.0.1${incoming.url}`, { headers })).then(
          async (response) => {
            response.headers.forEach((value, name) => {
              outgoing.setHeader(name, value);
            });
            outgoing.writeHead(response.status);
            outgoing.end(Buffer.from(await response.arrayBuffer()));
          },
        );
      });
      return { origin: await listenOnLoopback(server), close: () => closeServer(server) };
    },
  ],
];

describe.each(ADAPTERS)("%s adapter, at the edges", (name, build) => {
  const running: Served[] = [];
  const serve = async (options: AdapterOptions<never>): Promise<string> => {
    const served = await build(options);
    running.push(served);
    return served.origin;
  };
  afterAll(async () => {
    for (const served of running) await served.close();
  });

  it("tells onError, with its own message, that the request had no token", async () => {
    const told: string[] = [];
    const origin = await serve({
      validator,
      onError: (error) => {
        told.push(`${error.code}: ${error.message}`);
      },
    });
    expect((await get(origin)).status).toBe(401);
    expect(told).toEqual(["ERR_TOKEN_MISSING: No access token in the request"]);
  });

  it("reads an empty Authorization header as no credentials: anonymous when optional", async () => {
    const optional = await serve({ validator, optional: true });
    const anonymous = await get(optional, "");
    expect(anonymous.status).toBe(200);
    expect(anonymous.body).toEqual({ picket: null });
    const required = await serve({ validator });
    const refused = await get(required, "");
    expect(refused.status).toBe(401);
    expect(refused.headers.get("www-authenticate")).toBe('Bearer realm="picket"');
  });

  it("takes requirements: null as no requirements", async () => {
    const origin = await serve({ validator, requirements: null as unknown as Requirements });
    const answer = await get(origin, bearer(issuer.sign({ tokenBalance: "0" })));
    expect(answer.status).toBe(200);
  });

  it("holds requests to the lists the route was built with, whatever happens to them later", async () => {
    const allowedWallets = [WALLET];
    const origin = await serve({ validator, requirements: { allowedWallets } });
    allowedWallets[0] = OTHER_WALLET;
    allowedWallets.push(issuer.walletAddress);
    const listed = issuer.sign({ walletAddress: WALLET, sub: `ethereum:${WALLET}` });
    expect((await get(origin, bearer(listed))).status).toBe(200);
    expect((await get(origin, bearer(issuer.sign()))).status).toBe(403);
  });

  it(`names itself and keeps the validator's TypeError as cause for malformed requirements (${name})`, async () => {
    const thrown = await build({
      validator,
      requirements: { contractAddress: CONTRACT, minTokenBalance: "lots" } as Requirements,
    }).then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(thrown).toBeInstanceOf(TypeError);
    expect((thrown as Error).message).toMatch(/: requirements\.minTokenBalance/);
    expect((thrown as Error).cause).toBeInstanceOf(TypeError);
    expect(((thrown as Error).cause as Error).message).toMatch(/^requirements\.minTokenBalance/);
  });

  it("refuses to be built without any options, with the same TypeError as without a validator", async () => {
    await expect(build(undefined as never)).rejects.toThrow(/^\w+ needs \{ validator \}$/);
  });
});

describe("withPicket with revalidate", () => {
  let standIn: PicketApiStandIn;
  let upstream: Server;
  let upstreamOrigin: string;

  beforeAll(async () => {
    standIn = await startPicketApiStandIn({ issuer });
    upstream = createServer((_request, response) => {
      response.writeHead(201, { "content-type": "text/plain", "x-upstream": "yes" });
      response.end("from upstream");
    });
    upstreamOrigin = await listenOnLoopback(upstream);
  });
  afterAll(async () => {
    await closeServer(upstream);
    await standIn.close();
  });

  it("hands the fresh token back on a response whose headers cannot change (one from fetch)", async () => {
    standIn.balance = "2";
    const client = createPicketClient({ secretKey: standIn.secretKey, baseUrl: standIn.baseUrl });
    const proxy = withPicket(() => fetch(upstreamOrigin), {
      validator,
      requirements: { contractAddress: CONTRACT, minTokenBalance: 1 },
      revalidate: client,
    });
    const poor = issuer.sign({ contractAddress: CONTRACT, tokenBalance: "0" });
    const response = await proxy(
      new Request("http://app.test/", { headers: { authorization: bearer(poor) } }),
    );
    expect(response.status).toBe(201);
    expect(response.headers.get("x-upstream")).toBe("yes");
    expect(await response.text()).toBe("from upstream");
    const fresh = response.headers.get("x-picket-access-token");
    expect(fresh).not.toBeNull();
    await expect(
      validator.validate(fresh as string, { contractAddress: CONTRACT, minTokenBalance: 1 }),
    ).resolves.toMatchObject({ walletAddress: issuer.walletAddress });
  });
});

describe("authenticate with revalidate, when Picket cannot be asked", () => {
  it("says so in the refusal under the public error", async () => {
    const standIn = await startPicketApiStandIn({ issuer });
    try {
      const wrongKey = createPicketClient({ secretKey: "sk_wrong", baseUrl: standIn.baseUrl });
      const poor = issuer.sign({ contractAddress: CONTRACT, tokenBalance: "0" });
      const rejected = await authenticate(
        new Request("http://app.test/", { headers: { authorization: bearer(poor) } }),
        validator,
        { contractAddress: CONTRACT, minTokenBalance: 1 },
        { revalidate: wrongKey },
      ).then(
        () => undefined,
        (error: unknown) => error as Error,
      );
      expect(((rejected as Error).cause as Error).message).toBe(
        "Requirements not met, and current balances could not be had from Picket",
      );
    } finally {
      await standIn.close();
    }
  });
});

describe("authenticate, at the edges", () => {
  const request = (token?: string) =>
    new Request("http://app.test/", {
      headers: token === undefined ? {} : { authorization: bearer(token) },
    });

  it("refuses a missing validator with its TypeError, requirements given or not", async () => {
    await expect(authenticate(request(), undefined as never)).rejects.toThrow(
      new TypeError("authenticate needs { validator }"),
    );
    await expect(
      authenticate(request(), undefined as never, { contractAddress: CONTRACT }),
    ).rejects.toThrow(new TypeError("authenticate needs { validator }"));
  });

  it("checks requirements merged over the validator's own: a minimum may lean on its contract", async () => {
    const scoped = issuer.validator({ requirements: { contractAddress: CONTRACT } });
    const lean = { minTokenBalance: 2 } as Requirements;
    const rich = issuer.sign({ contractAddress: CONTRACT, tokenBalance: "3" });
    await expect(authenticate(request(rich), scoped, lean)).resolves.toMatchObject({
      tokenBalance: "3",
    });
    const poor = issuer.sign({ contractAddress: CONTRACT, tokenBalance: "1" });
    await expect(authenticate(request(poor), scoped, lean)).rejects.toMatchObject({
      code: "ERR_REQUIREMENTS_NOT_MET",
    });
  });

  it("takes requirements: null as no requirements", async () => {
    const token = issuer.sign({ tokenBalance: "0" });
    await expect(
      authenticate(request(token), validator, null as unknown as Requirements),
    ).resolves.toMatchObject({ walletAddress: issuer.walletAddress });
  });
});

describe("fastify.picketAuth(requirements)", () => {
  let app: FastifyInstance;
  beforeAll(async () => {
    app = Fastify();
    await app.register(picketPlugin, { validator });
    await app.ready();
  });
  afterAll(async () => {
    await app.close();
  });

  it("refuses null, an array or a string as a route's requirements", () => {
    for (const requirements of [null, [], "vip"]) {
      expect(() => app.picketAuth(requirements as never)).toThrow(
        /^fastify\.picketAuth: requirements must be a plain object/,
      );
    }
    expect(app.picketAuth(undefined)).toBeTypeOf("function");
  });

  it("registers under its own name", () => {
    expect(app.hasPlugin("picket-validate")).toBe(true);
  });
});
