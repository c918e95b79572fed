import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import {
  type AuthenticateOptions,
  authenticate,
  type PicketAuthOptions,
  picketErrorResponse,
  withPicket,
} from "../../src/http/fetch.js";
import { type PicketAccessToken, PicketValidationError } from "../../src/index.js";
import {
  adapterContract,
  adapterHarness,
  BROKEN,
  CONTRACT,
  contractRoutes,
  expectNoSecrets,
  keysDownValidator,
  SECRET_BALANCE,
  START,
  tokenWithSecrets,
  VIP,
  WALLET,
} from "../helpers/adapter-contract.js";
import { expectCode } from "../helpers/expect-code.js";
import { bearer, closeServer, listenOnLoopback, readAnswer } from "../helpers/http.js";

function request(authorization?: string, path = "/"): Request {
  return new Request(`http://app.test${path}`, {
    headers: authorization === undefined ? {} : { authorization },
  });
}

describe("fetch adapter", () => {
  const { clock, issuer, validator } = adapterHarness();
  afterEach(() => clock.set(START));

  describe("authenticate(request, validator, requirements?)", () => {
    it("resolves with the normalized claims of a valid token", async () => {
      const token = issuer.sign({ walletAddress: WALLET, sub: `ethereum:${WALLET}` });
      const claims = await authenticate(request(bearer(token)), validator);
      expect(claims.walletAddress).toBe(WALLET);
      expect(claims.chain).toBe("ethereum");
      expect(claims.aud).toBe(issuer.projectId);
    });

    it("rejects ERR_TOKEN_MISSING without a header or with another scheme", async () => {
      await expectCode(() => authenticate(request(), validator), "ERR_TOKEN_MISSING");
      await expectCode(
        () => authenticate(request("Basic dXNlcjpwYXNz"), validator),
        "ERR_TOKEN_MISSING",
      );
    });

    it("rejects ERR_TOKEN_MALFORMED, ERR_AUDIENCE_INVALID and (by the clock) ERR_TOKEN_EXPIRED", async () => {
      await expectCode(
        () => authenticate(request(bearer("not-a-jwt")), validator),
        "ERR_TOKEN_MALFORMED",
      );
      await expectCode(
        () => authenticate(request(bearer(issuer.sign({ aud: "other" }))), validator),
        "ERR_AUDIENCE_INVALID",
      );
      const token = issuer.sign({}, { expiresIn: 60 });
      clock.advance(61_000);
      const error = await expectCode(
        () => authenticate(request(bearer(token)), validator),
        "ERR_TOKEN_EXPIRED",
      );
      expect(error.status).toBe(401);
    });

    it("checks the requirements it is given, and only those", async () => {
      const poor = request(bearer(issuer.sign({ contractAddress: CONTRACT, tokenBalance: "0" })));
      await expect(authenticate(poor, validator)).resolves.toMatchObject({ tokenBalance: "0" });
      const error = await expectCode(
        () => authenticate(poor, validator, VIP),
        "ERR_REQUIREMENTS_NOT_MET",
      );
      expect(error.status).toBe(403);
      expect(error.failures.length).toBeGreaterThan(0);
      const rich = request(bearer(issuer.sign({ contractAddress: CONTRACT, tokenBalance: "2" })));
      await expect(authenticate(rich, validator, VIP)).resolves.toMatchObject({
        tokenBalance: "2",
      });
    });
    it("rejects with the fixed public message; code, status and failures say why", async () => {
      const error = await expectCode(
        () => authenticate(request(bearer(tokenWithSecrets(issuer))), validator, VIP),
        "ERR_REQUIREMENTS_NOT_MET",
      );
      expect(error.message).toBe("The wallet does not meet this resource's token requirements");
      expect(error.status).toBe(403);
      expect(error.message).not.toContain(SECRET_BALANCE);
      // The validator's own error, with its detail, for logs; its failures are kept.
      const cause = error.cause as PicketValidationError;
      expect(cause).toBeInstanceOf(PicketValidationError);
      expect(cause.message).toContain(SECRET_BALANCE);
      expect(error.failures.length).toBeGreaterThan(0);
      expect(error.failures).toBe(cause.failures);
      const missing = await expectCode(
        () => authenticate(request(), validator),
        "ERR_TOKEN_MISSING",
      );
      expect(missing.message).toBe("A Bearer access token is required");
    });

    it("rejects malformed requirements with a TypeError, before reading the request", async () => {
      for (const incoming of [request(), request(bearer(issuer.sign()))]) {
        await expect(authenticate(incoming, validator, BROKEN)).rejects.toThrow(
          /^authenticate: requirements\.minTokenBalance/,
        );
      }
    });

    it("takes getToken and onError: onError is told once, with the Request", async () => {
      const told: [string, Request][] = [];
      const options: AuthenticateOptions = {
        getToken: (incoming) => incoming.headers.get("x-token"),
        onError: (error, incoming) => {
          told.push([String(error.code), incoming]);
        },
      };
      const token = issuer.sign({ walletAddress: WALLET, sub: `ethereum:${WALLET}` });
      const incoming = new Request("http://app.test/", { headers: { "x-token": token } });
      await expect(authenticate(incoming, validator, undefined, options)).resolves.toMatchObject({
        walletAddress: WALLET,
      });
      const anonymous = request(bearer(token));
      await expectCode(
        () => authenticate(anonymous, validator, undefined, options),
        "ERR_TOKEN_MISSING",
      );
      expect(told).toEqual([["ERR_TOKEN_MISSING", anonymous]]);
      expect(told[0]?.[1]).toBe(anonymous);
    });

    it("refuses optional, which it has no mode for: it resolves with claims or rejects", async () => {
      const options = { optional: true } as never;
      await expect(authenticate(request(), validator, undefined, options)).rejects.toThrow(
        new TypeError(
          "options.optional is not an option of authenticate; authenticate has no optional mode: it rejects a request without a token with ERR_TOKEN_MISSING, which you may catch",
        ),
      );
    });
  });

  describe("picketErrorResponse", () => {
    it("answers a validation error with its status, JSON body and challenge", async () => {
      const answer = await readAnswer(
        picketErrorResponse(
          new PicketValidationError("ERR_TOKEN_EXPIRED", `internal detail: ${WALLET}`),
        ),
      );
      expect(answer.status).toBe(401);
      expect(answer.headers.get("content-type")).toMatch(/^application\/json/);
      expect(answer.body).toEqual({ error: "ERR_TOKEN_EXPIRED", message: expect.any(String) });
      expect(answer.headers.get("www-authenticate")).toContain('error="invalid_token"');
      // The public message is fixed per code: the internal one never reaches the client.
      expect(answer.text).not.toContain(WALLET);
    });

    it("gives a bare challenge for ERR_TOKEN_MISSING and insufficient_scope for 403", async () => {
      const missing = picketErrorResponse(new PicketValidationError("ERR_TOKEN_MISSING", "x"));
      expect(missing.status).toBe(401);
      expect(missing.headers.get("www-authenticate")).toBe('Bearer realm="picket"');
      const unmet = picketErrorResponse(
        new PicketValidationError("ERR_REQUIREMENTS_NOT_MET", `balance ${SECRET_BALANCE}`),
      );
      expect(unmet.status).toBe(403);
      expect(unmet.headers.get("www-authenticate")).toContain('error="insufficient_scope"');
      expect(await unmet.text()).not.toContain(SECRET_BALANCE);
      const down = picketErrorResponse(new PicketValidationError("ERR_JWKS_UNAVAILABLE", "x"));
      expect(down.status).toBe(503);
    });

    it("rethrows anything that is not a validation error", () => {
      const bug = new TypeError("a bug");
      expect(() => picketErrorResponse(bug)).toThrow(bug);
    });
  });

  describe("withPicket(handler, options), called with a Web Request", () => {
    const calls: { picket: PicketAccessToken | undefined; extra: unknown[] }[] = [];
    const echo = (
      _request: Request,
      picket: PicketAccessToken | undefined,
      ...extra: unknown[]
    ) => {
      calls.push({ picket, extra });
      return Response.json({ walletAddress: picket?.walletAddress ?? null });
    };
    const me = withPicket(echo, { validator });
    const vip = withPicket(echo, { validator, requirements: VIP });
    const maybe = withPicket(echo, { validator, optional: true });
    afterEach(() => {
      calls.length = 0;
    });

    it("answers 401 ERR_TOKEN_MISSING with a bare challenge when there is no header", async () => {
      const answer = await readAnswer(await me(request()));
      expect(answer.status).toBe(401);
      expect(answer.body).toEqual({ error: "ERR_TOKEN_MISSING", message: expect.any(String) });
      expect(answer.headers.get("www-authenticate")).toBe('Bearer realm="picket"');
      expect(calls).toEqual([]);
    });

    it("answers 401 ERR_TOKEN_MISSING for a Basic header", async () => {
      const answer = await readAnswer(await me(request("Basic dXNlcjpwYXNz")));
      expect(answer.status).toBe(401);
      expect(answer.body.error).toBe("ERR_TOKEN_MISSING");
      expect(answer.headers.get("www-authenticate")).not.toContain("error=");
    });

    it("answers 401 ERR_TOKEN_MALFORMED with error=invalid_token", async () => {
      const answer = await readAnswer(await me(request(bearer("not-a-jwt"))));
      expect(answer.status).toBe(401);
      expect(answer.body.error).toBe("ERR_TOKEN_MALFORMED");
      expect(answer.headers.get("www-authenticate")).toContain('error="invalid_token"');
      expect(calls).toEqual([]);
    });

    it("reads time from the injected clock: 200 before exp, 401 ERR_TOKEN_EXPIRED after", async () => {
      const token = issuer.sign({}, { expiresIn: 60 });
      clock.advance(59_000);
      expect((await me(request(bearer(token)))).status).toBe(200);
      clock.advance(2_000);
      const answer = await readAnswer(await me(request(bearer(token))));
      expect(answer.status).toBe(401);
      expect(answer.body.error).toBe("ERR_TOKEN_EXPIRED");
      expect(calls).toHaveLength(1);
    });

    it("answers 401 ERR_AUDIENCE_INVALID for another project's token", async () => {
      const answer = await readAnswer(await me(request(bearer(issuer.sign({ aud: "other" })))));
      expect(answer.status).toBe(401);
      expect(answer.body.error).toBe("ERR_AUDIENCE_INVALID");
    });

    it("answers 403 insufficient_scope without any claim value", async () => {
      const answer = await readAnswer(await vip(request(bearer(tokenWithSecrets(issuer)))));
      expect(answer.status).toBe(403);
      expect(answer.body).toEqual({
        error: "ERR_REQUIREMENTS_NOT_MET",
        message: expect.any(String),
      });
      expect(answer.headers.get("www-authenticate")).toContain('error="insufficient_scope"');
      expectNoSecrets(answer);
      expect(calls).toEqual([]);
    });

    it("answers 503 ERR_JWKS_UNAVAILABLE when the key server cannot be reached", async () => {
      const dead = await keysDownValidator(issuer.projectId);
      const answer = await readAnswer(
        await withPicket(echo, { validator: dead })(request(bearer(issuer.sign()))),
      );
      expect(answer.status).toBe(503);
      expect(answer.body).toEqual({ error: "ERR_JWKS_UNAVAILABLE", message: expect.any(String) });
      expect(calls).toEqual([]);
    });

    it("runs the handler with the claims and passes extra arguments through", async () => {
      const token = issuer.sign({ walletAddress: WALLET, sub: `ethereum:${WALLET}` });
      const context = { env: "test" };
      const answer = await readAnswer(await me(request(bearer(token)), context));
      expect(answer.status).toBe(200);
      expect(answer.body).toEqual({ walletAddress: WALLET });
      expect(calls).toHaveLength(1);
      expect(calls[0]?.picket?.walletAddress).toBe(WALLET);
      expect(calls[0]?.extra).toEqual([context]);
    });

    it("applies per-route requirements: one token, two handlers", async () => {
      const poor = issuer.sign({ contractAddress: CONTRACT, tokenBalance: "0" });
      expect((await me(request(bearer(poor)))).status).toBe(200);
      expect((await vip(request(bearer(poor)))).status).toBe(403);
      const rich = issuer.sign({ contractAddress: CONTRACT, tokenBalance: "2" });
      expect((await vip(request(bearer(rich)))).status).toBe(200);
    });

    it("holds requests to the requirements as they were when the route was built", async () => {
      const requirements: Record<string, unknown> = { ...VIP, tokenIds: undefined };
      const route = withPicket(echo, { validator, requirements });
      requirements.minTokenBalance = 100;
      requirements.contractAddress = "lots";
      const rich = issuer.sign({ contractAddress: CONTRACT, tokenBalance: "2" });
      expect((await route(request(bearer(rich)))).status).toBe(200);
      const poor = issuer.sign({ contractAddress: CONTRACT, tokenBalance: "0" });
      expect((await route(request(bearer(poor)))).status).toBe(403);
    });

    it("optional: runs the handler with picket undefined for an anonymous request", async () => {
      const answer = await readAnswer(await maybe(request()));
      expect(answer.status).toBe(200);
      expect(answer.body).toEqual({ walletAddress: null });
      expect(calls).toHaveLength(1);
      expect(calls[0]?.picket).toBeUndefined();
    });

    it("optional: still refuses a token that is present but bad", async () => {
      const answer = await readAnswer(await maybe(request(bearer(issuer.sign({ aud: "other" })))));
      expect(answer.status).toBe(401);
      expect(answer.body.error).toBe("ERR_AUDIENCE_INVALID");
      expect(calls).toEqual([]);
    });

    it("rejects with errors that are not validation errors instead of answering 401", async () => {
      const bug = new TypeError("a bug in getToken");
      const handler = withPicket(echo, { validator, getToken: () => Promise.reject(bug) });
      await expect(handler(request(bearer(issuer.sign())))).rejects.toBe(bug);
      const wrongType = withPicket(echo, { validator, getToken: () => 42 as never });
      await expect(wrongType(request())).rejects.toThrow(/getToken must return a string/);
      expect(calls).toEqual([]);
    });

    it("refuses to be created without a validator or with malformed requirements", () => {
      expect(() => withPicket(echo, {} as never)).toThrow(TypeError);
      expect(() => withPicket(echo, { validator, requirements: BROKEN })).toThrow(
        /^withPicket: requirements\.minTokenBalance/,
      );
    });
  });

  describe("withPicket served over real HTTP by node:http", () => {
    const harness = adapterHarness();
    let server: Server;
    let origin: string;

    /** The glue a Node host needs: IncomingMessage to Request, Response back to ServerResponse. */
    function serveFetchHandler(
      routes: Map<string, (request: Request) => Promise<Response>>,
    ): (incoming: IncomingMessage, outgoing: ServerResponse) => void {
      return (incoming, outgoing) => {
        const headers = new Headers();
        for (const [name, value] of Object.entries(incoming.headers)) {
          if (typeof value === "string") headers.set(name, value);
          else if (Array.isArray(value)) for (const item of value) headers.append(name, item);
        }
        const url = new URL(incoming.url ?? "/", `http://${incoming.headers.host ?? "127.0.0.1"}`);
        const route = routes.get(url.pathname);
        const answer = route
          ? route(new Request(url, { method: incoming.method ?? "GET", headers }))
          : Promise.resolve(new Response("not found", { status: 404 }));
        answer.then(
          async (response) => {
            response.headers.forEach((value, name) => {
              outgoing.setHeader(name, value);
            });
            outgoing.writeHead(response.status);
            outgoing.end(Buffer.from(await response.arrayBuffer()));
          },
          (error: Error) => {
            outgoing.writeHead(500, { "content-type": "application/json" });
            outgoing.end(JSON.stringify({ handledBy: "error-handler", name: error.name }));
          },
        );
      };
    }

    beforeAll(async () => {
      const routes = await contractRoutes<Request>(harness, {
        cookieHeader: (request) => request.headers.get("cookie") ?? undefined,
        path: (request) => new URL(request.url).pathname,
        isFrameworkRequest: (request) => request instanceof Request,
      });
      const handlers = new Map<string, (request: Request) => Promise<Response>>();
      for (const route of routes) {
        handlers.set(
          route.path,
          withPicket((_request, picket) => {
            harness.handled.push(route.path);
            return Response.json(route.body(picket));
          }, route.options),
        );
      }
      server = createServer(serveFetchHandler(handlers));
      origin = await listenOnLoopback(server);
    });

    afterAll(async () => {
      await closeServer(server);
    });

    adapterContract({
      ...harness,
      origin: () => origin,
      picket: "the handler's picket",
      anonymousPicket: undefined,
      errorHandler: "the host",
      build: (options) => withPicket(() => new Response(), options as PicketAuthOptions),
    });
  });
});
