import type { AddressInfo } from "node:net";
import express from "express";
import Fastify from "fastify";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createPicketClient, type PicketClient } from "../../src/client/index.js";
import { picketAuth } from "../../src/http/express.js";
import { picketPreHandler } from "../../src/http/fastify.js";
import { withPicket } from "../../src/http/fetch.js";
import type { Validator } from "../../src/index.js";
import { createTestIssuer } from "../../src/testing/index.js";
import { type PicketApiStandIn, startPicketApiStandIn } from "../helpers/picket-api-stand-in.js";

const CONTRACT = "0x8a90CAb2b38dba80c64b7734e58Ee1dB38B8992e";
const REQUIREMENTS = { contractAddress: CONTRACT, minTokenBalance: "1" };

const issuer = createTestIssuer();
let api: PicketApiStandIn;
let client: PicketClient;
let validator: Validator;
const servers: { close(): unknown }[] = [];
const urls: Record<string, string> = {};

beforeAll(async () => {
  api = await startPicketApiStandIn({ issuer });
  client = createPicketClient({ secretKey: api.secretKey, baseUrl: api.baseUrl });
  validator = issuer.validator();

  const app = express();
  app.get(
    "/vip",
    picketAuth({ validator, requirements: REQUIREMENTS, revalidate: client }),
    (req, res) => {
      res.json({ balance: req.picket?.tokenBalances });
    },
  );
  const listening = app.listen(0, "127.0.0.1");
  await new Promise((resolve) => listening.once("listening", resolve));
  servers.push(listening);
  urls.express = `http://127.0.0.1:${(listening.address() as AddressInfo).port}/vip`;

  const fastify = Fastify();
  fastify.get(
    "/vip",
    { preHandler: picketPreHandler({ validator, requirements: REQUIREMENTS, revalidate: client }) },
    async (request) => ({ balance: request.picket?.tokenBalances }),
  );
  urls.fastify = await fastify.listen({ port: 0, host: "127.0.0.1" }).then((base) => `${base}/vip`);
  servers.push(fastify);
});

afterAll(async () => {
  for (const server of servers) await server.close();
  await api.close();
});

beforeEach(() => {
  api.balance = "0";
  api.setHandler(undefined);
});

const handler = withPicket(
  (_request, picket) => Response.json({ balance: picket?.tokenBalances }),
  { validator: issuer.validator(), requirements: REQUIREMENTS },
);

async function call(adapter: string, token: string): Promise<Response> {
  const headers = { authorization: `Bearer ${token}` };
  if (adapter === "fetch") {
    const wrapped = withPicket(
      (_request, picket) => Response.json({ balance: picket?.tokenBalances }),
      {
        validator,
        requirements: REQUIREMENTS,
        revalidate: client,
      },
    );
    return wrapped(new Request("http://localhost/vip", { headers }));
  }
  return fetch(urls[adapter] as string, { headers });
}

describe.each(["express", "fastify", "fetch"])("revalidate with %s", (adapter) => {
  it("makes no call to Picket when the token already meets the requirements", async () => {
    const before = api.requests.length;
    const response = await call(
      adapter,
      issuer.sign({ contractAddress: CONTRACT, tokenBalance: "3" }),
    );
    expect(response.status).toBe(200);
    expect(response.headers.get("x-picket-access-token")).toBeNull();
    expect(api.requests.length).toBe(before);
  });

  it("asks Picket once and hands back the fresh token when balances have grown", async () => {
    api.balance = "2";
    const before = api.requests.length;
    const response = await call(
      adapter,
      issuer.sign({ contractAddress: CONTRACT, tokenBalance: "0" }),
    );
    expect(response.status).toBe(200);
    const fresh = response.headers.get("x-picket-access-token");
    expect(fresh).toEqual(expect.stringMatching(/^[\w-]+\.[\w-]+\.[\w-]+$/));
    await expect(validator.validate(fresh as string, REQUIREMENTS)).resolves.toBeDefined();
    expect(api.requests.slice(before).map((request) => request.path)).toEqual(["/authz"]);
    expect(api.requests.at(-1)?.body).toMatchObject({ revalidate: true });
  });

  it("answers 403 insufficient_scope when the fresh balances still fall short", async () => {
    api.balance = "0.5";
    const response = await call(
      adapter,
      issuer.sign({ contractAddress: CONTRACT, tokenBalance: "0" }),
    );
    expect(response.status).toBe(403);
    expect(response.headers.get("www-authenticate")).toContain('error="insufficient_scope"');
    expect(response.headers.get("x-picket-access-token")).toBeNull();
  });

  it("fails closed with 403 when Picket cannot be reached", async () => {
    api.setHandler(() => ({ status: 503, json: { msg: "down" } }));
    const response = await call(
      adapter,
      issuer.sign({ contractAddress: CONTRACT, tokenBalance: "0" }),
    );
    expect(response.status).toBe(403);
    expect(await response.json()).toMatchObject({ error: "ERR_REQUIREMENTS_NOT_MET" });
  });

  it("never asks Picket about a token that fails for another reason", async () => {
    const before = api.requests.length;
    const response = await call(adapter, issuer.sign({ aud: "another-project" }));
    expect(response.status).toBe(401);
    expect(api.requests.length).toBe(before);
  });
});

it("is off by default: no adapter calls Picket without the option", async () => {
  const before = api.requests.length;
  const response = await handler(
    new Request("http://localhost/vip", {
      headers: {
        authorization: `Bearer ${issuer.sign({ contractAddress: CONTRACT, tokenBalance: "0" })}`,
      },
    }),
  );
  expect(response.status).toBe(403);
  expect(api.requests.length).toBe(before);
});
