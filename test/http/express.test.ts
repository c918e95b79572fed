import { once } from "node:events";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import express, { type NextFunction, type Request, type Response } from "express";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { picketAuth } from "../../src/http/express.js";
import { createValidator, type Requirements } from "../../src/index.js";
import { createTestIssuer } from "../../src/testing/index.js";
import { createManualClock } from "../helpers/clock.js";

const START = Date.UTC(2026, 0, 1);
const CONTRACT = "0x8a90cab2b38dba80c64b7734e58ee1db38b8992e";
// Distinctive values, so that a leak into a response is unmistakable.
const SECRET_BALANCE = "0.4242";
const WALLET = "0x1234567890AbcdEF1234567890aBcdef12345678";

/** A free loopback port that nothing listens on: bound once, then released. */
async function deadJwksUri(): Promise<string> {
  const server = createServer();
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return `http://127.0.0.1:${port}/.well-known/jwks.json`;
}

interface Answer {
  status: number;
  headers: Headers;
  text: string;
  body: Record<string, unknown>;
}

describe("Express picketAuth over real HTTP", () => {
  const clock = createManualClock(START);
  const issuer = createTestIssuer({ clock: clock.now });
  const validator = issuer.validator({ clock: clock.now });
  let server: Server;
  let origin: string;
  /** Requests that reached a route handler, by path. */
  const handled: string[] = [];

  beforeAll(async () => {
    const deadValidator = createValidator({
      projectId: issuer.projectId,
      jwksUri: await deadJwksUri(),
      jwksCache: { timeout: 2_000 },
    });
    const app = express();
    app.get("/me", picketAuth({ validator }), (req, res) => {
      handled.push("/me");
      res.json({ walletAddress: req.picket?.walletAddress, chain: req.picket?.chain });
    });
    app.get(
      "/vip",
      picketAuth({ validator, requirements: { contractAddress: CONTRACT, minTokenBalance: 1 } }),
      (req, res) => {
        handled.push("/vip");
        res.json({ vip: true, walletAddress: req.picket?.walletAddress });
      },
    );
    app.get("/maybe", picketAuth({ validator, optional: true }), (req, res) => {
      handled.push("/maybe");
      res.json({
        anonymous: req.picket === undefined,
        hasOwnPicket: Object.hasOwn(req, "picket"),
        walletAddress: req.picket?.walletAddress ?? null,
      });
    });
    app.get("/keys-down", picketAuth({ validator: deadValidator }), (_req, res) => {
      handled.push("/keys-down");
      res.json({ ok: true });
    });
    const broken = { contractAddress: CONTRACT, minTokenBalance: "lots" } as Requirements;
    app.get("/broken", picketAuth({ validator, requirements: broken }), (_req, res) => {
      handled.push("/broken");
      res.json({ ok: true });
    });
    app.use((error: Error, _req: Request, res: Response, _next: NextFunction) => {
      res.status(500).json({ handledBy: "error-handler", name: error.name });
    });
    server = app.listen(0, "127.0.0.1");
    await once(server, "listening");
    origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    await new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
  });

  afterEach(() => {
    clock.set(START);
    handled.length = 0;
  });

  async function call(path: string, authorization?: string): Promise<Answer> {
    const response = await fetch(`${origin}${path}`, {
      headers: authorization === undefined ? {} : { authorization },
    });
    const text = await response.text();
    let body: Record<string, unknown> = {};
    try {
      body = JSON.parse(text) as Record<string, unknown>;
    } catch {
      // Left empty: the assertions on `text` tell what came back.
    }
    return { status: response.status, headers: response.headers, text, body };
  }

  const bearer = (token: string) => `Bearer ${token}`;

  it("answers 401 ERR_TOKEN_MISSING with a bare challenge when there is no Authorization header", async () => {
    const answer = await call("/me");
    expect(answer.status).toBe(401);
    expect(answer.body).toEqual({ error: "ERR_TOKEN_MISSING", message: expect.any(String) });
    expect(answer.headers.get("content-type")).toMatch(/^application\/json/);
    // RFC 6750 section 3.1: no error code when the request had no credentials at all.
    expect(answer.headers.get("www-authenticate")).toBe('Bearer realm="picket"');
    expect(handled).toEqual([]);
  });

  it("treats another scheme (Basic) as no token: 401 ERR_TOKEN_MISSING", async () => {
    const answer = await call("/me", "Basic dXNlcjpwYXNz");
    expect(answer.status).toBe(401);
    expect(answer.body.error).toBe("ERR_TOKEN_MISSING");
    expect(answer.headers.get("www-authenticate")).not.toContain("error=");
    expect(handled).toEqual([]);
  });

  it("answers 401 ERR_TOKEN_MALFORMED with error=invalid_token for a malformed token", async () => {
    const answer = await call("/me", bearer("not-a-jwt"));
    expect(answer.status).toBe(401);
    expect(answer.body).toEqual({ error: "ERR_TOKEN_MALFORMED", message: expect.any(String) });
    expect(answer.headers.get("www-authenticate")).toContain('error="invalid_token"');
    expect(handled).toEqual([]);
  });

  it("reads time from the injected clock: valid before exp, 401 ERR_TOKEN_EXPIRED after", async () => {
    const token = issuer.sign({}, { expiresIn: 60 });
    clock.advance(59_000);
    expect((await call("/me", bearer(token))).status).toBe(200);
    clock.advance(2_000);
    const answer = await call("/me", bearer(token));
    expect(answer.status).toBe(401);
    expect(answer.body.error).toBe("ERR_TOKEN_EXPIRED");
    expect(answer.headers.get("www-authenticate")).toContain('error="invalid_token"');
    expect(handled).toEqual(["/me"]);
  });

  it("answers 401 ERR_AUDIENCE_INVALID for another project's token", async () => {
    const answer = await call("/me", bearer(issuer.sign({ aud: "another-project" })));
    expect(answer.status).toBe(401);
    expect(answer.body.error).toBe("ERR_AUDIENCE_INVALID");
    expect(answer.headers.get("www-authenticate")).toContain('error="invalid_token"');
    expect(handled).toEqual([]);
  });

  it("answers 403 insufficient_scope for unmet requirements, without any claim value", async () => {
    const token = issuer.sign({
      walletAddress: WALLET,
      sub: `ethereum:${WALLET}`,
      displayAddress: WALLET,
      contractAddress: CONTRACT,
      tokenBalance: SECRET_BALANCE,
    });
    const answer = await call("/vip", bearer(token));
    expect(answer.status).toBe(403);
    expect(answer.body).toEqual({ error: "ERR_REQUIREMENTS_NOT_MET", message: expect.any(String) });
    expect(answer.headers.get("www-authenticate")).toContain('error="insufficient_scope"');
    const everything = `${answer.text}\n${answer.headers.get("www-authenticate")}`.toLowerCase();
    expect(everything).not.toContain(SECRET_BALANCE);
    expect(everything).not.toContain(WALLET.toLowerCase());
    expect(everything).not.toContain(CONTRACT);
    expect(handled).toEqual([]);
  });

  it("answers 503 ERR_JWKS_UNAVAILABLE when the key server cannot be reached", async () => {
    const answer = await call("/keys-down", bearer(issuer.sign()));
    expect(answer.status).toBe(503);
    expect(answer.body).toEqual({ error: "ERR_JWKS_UNAVAILABLE", message: expect.any(String) });
    expect(answer.headers.get("www-authenticate") ?? "").not.toContain("invalid_token");
    expect(handled).toEqual([]);
  });

  it("lets a valid token through with its claims on req.picket", async () => {
    const token = issuer.sign({ walletAddress: WALLET, sub: `ethereum:${WALLET}` });
    const answer = await call("/me", bearer(token));
    expect(answer.status).toBe(200);
    expect(answer.body).toEqual({ walletAddress: WALLET, chain: "ethereum" });
    expect(handled).toEqual(["/me"]);
  });

  it("applies per-route requirements: the same token passes /me and fails /vip", async () => {
    const poor = bearer(issuer.sign({ contractAddress: CONTRACT, tokenBalance: "0" }));
    expect((await call("/me", poor)).status).toBe(200);
    expect((await call("/vip", poor)).status).toBe(403);
    const rich = bearer(issuer.sign({ contractAddress: CONTRACT, tokenBalance: "2" }));
    const vip = await call("/vip", rich);
    expect(vip.status).toBe(200);
    expect(vip.body).toEqual({ vip: true, walletAddress: issuer.walletAddress });
    expect(handled).toEqual(["/me", "/vip"]);
  });

  describe("optional: true", () => {
    it("lets an anonymous request through with req.picket undefined", async () => {
      const answer = await call("/maybe");
      expect(answer.status).toBe(200);
      expect(answer.body).toEqual({ anonymous: true, hasOwnPicket: false, walletAddress: null });
    });

    it("still sets req.picket for a valid token", async () => {
      const answer = await call("/maybe", bearer(issuer.sign()));
      expect(answer.status).toBe(200);
      expect(answer.body).toEqual({
        anonymous: false,
        hasOwnPicket: true,
        walletAddress: issuer.walletAddress,
      });
    });

    it("still refuses a token that is present but bad", async () => {
      const answer = await call("/maybe", bearer(issuer.sign({ aud: "another-project" })));
      expect(answer.status).toBe(401);
      expect(answer.body.error).toBe("ERR_AUDIENCE_INVALID");
      expect(handled).toEqual([]);
    });
  });

  it("passes errors that are not validation errors to next(err), not answering 401", async () => {
    const answer = await call("/broken", bearer(issuer.sign()));
    expect(answer.status).toBe(500);
    expect(answer.body).toEqual({ handledBy: "error-handler", name: "TypeError" });
    expect(answer.headers.get("www-authenticate")).toBeNull();
    expect(handled).toEqual([]);
  });

  it("refuses to be created without a validator", () => {
    expect(() => picketAuth({} as never)).toThrow(TypeError);
  });
});
