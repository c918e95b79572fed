import { afterEach, describe, expect, it } from "vitest";
import { isPicketApiError } from "../../src/client/index.js";
import type { AdapterOptions, PicketRefusal } from "../../src/http/adapter-options.js";
import {
  createValidator,
  type PicketAccessToken,
  type Requirements,
  type Validator,
} from "../../src/index.js";
import { createTestIssuer, type TestIssuer } from "../../src/testing/index.js";
import { createManualClock, type ManualClock } from "./clock.js";
import { type Answer, bearer, get } from "./http.js";
import { deadJwksUri } from "./jwks-server.js";

/** Where the adapter suites' manual clocks start, and go back to after each test. */
export const START = Date.UTC(2026, 0, 1);
export const CONTRACT = "0x8a90cab2b38dba80c64b7734e58ee1db38b8992e";
/** What `/vip` asks: at least 1 token of {@link CONTRACT}. */
export const VIP: Requirements = { contractAddress: CONTRACT, minTokenBalance: 1 };
/** Requirements that cannot be checked: a TypeError when the route is built. */
export const BROKEN = { contractAddress: CONTRACT, minTokenBalance: "lots" } as Requirements;
// Distinctive values, so that a leak into a response is unmistakable.
export const SECRET_BALANCE = "0.4242";
export const WALLET = "0x1234567890AbcdEF1234567890aBcdef12345678";

/** What an adapter suite builds its app from. */
export interface AdapterHarness {
  /** The validators' clock, starting at {@link START}. */
  clock: ManualClock;
  /** The issuer whose tokens {@link validator} accepts. */
  issuer: TestIssuer;
  validator: Validator;
  /** The paths whose route handler ran, in order: every route pushes its own. */
  handled: string[];
  /** What the `onError` hooks of the contract's routes were called with, in order. */
  refusals: RecordedRefusal[];
}

/** One `onError` call, as the contract's routes record it. */
export interface RecordedRefusal {
  /** The validation error's code, or `api:<code>` for a PicketApiError. */
  code: string;
  /** The path of the request the hook was given. */
  path: string;
  /** Whether the hook was given the framework's own request object. */
  frameworkRequest: boolean;
}

/** A fresh {@link AdapterHarness}: a manual clock at {@link START}, an issuer and a validator. */
export function adapterHarness(): AdapterHarness {
  const clock = createManualClock(START);
  const issuer = createTestIssuer({ clock: clock.now });
  return {
    clock,
    issuer,
    validator: issuer.validator({ clock: clock.now }),
    handled: [],
    refusals: [],
  };
}

/** A token of `issuer` whose claims carry the distinctive values; it falls short of {@link VIP}. */
export function tokenWithSecrets(issuer: TestIssuer): string {
  return issuer.sign({
    walletAddress: WALLET,
    sub: `ethereum:${WALLET}`,
    displayAddress: WALLET,
    contractAddress: CONTRACT,
    tokenBalance: SECRET_BALANCE,
  });
}

/** Asserts that neither the body nor the challenge of `answer` holds a claim value. */
export function expectNoSecrets(answer: Answer): void {
  const everything = `${answer.text}\n${answer.headers.get("www-authenticate")}`.toLowerCase();
  expect(everything).not.toContain(SECRET_BALANCE);
  expect(everything).not.toContain(WALLET.toLowerCase());
  expect(everything).not.toContain(CONTRACT);
}

/** A validator whose key server refuses connections: it answers ERR_JWKS_UNAVAILABLE. */
export async function keysDownValidator(projectId: string): Promise<Validator> {
  return createValidator({
    projectId,
    jwksUri: await deadJwksUri(),
    jwksCache: { timeout: 2_000 },
  });
}

/** How `picket` looks on a request, in JSON: `"undefined"`, `"null"` or `"claims"`. */
export function picketKind(picket: PicketAccessToken | null | undefined): string {
  return picket === undefined ? "undefined" : picket === null ? "null" : "claims";
}

/** The cookie the contract's `/cookie` routes read the token from. */
export const TOKEN_COOKIE = "picket_token";

/** Reads one cookie from a `Cookie` header value, as an app's `getToken` might. */
export function cookieValue(header: string | null | undefined, name: string): string | undefined {
  for (const pair of (header ?? "").split(";")) {
    const at = pair.indexOf("=");
    if (at !== -1 && pair.slice(0, at).trim() === name) return pair.slice(at + 1).trim();
  }
  return undefined;
}

/** How the contract reads a framework's request, in its hooks. */
export interface RequestGlue<Req> {
  /** The request's `Cookie` header, through the framework's own API. */
  cookieHeader(request: Req): string | undefined;
  /** The request's path. */
  path(request: Req): string;
  /** Whether `request` is the framework's request object (Express's `req`, Hono's `Context`, …). */
  isFrameworkRequest(request: Req): boolean;
}

/** One route of the contract's app. */
export interface ContractRoute<Req> {
  path: string;
  /** The adapter's options for the route. */
  options: AdapterOptions<Req>;
  /** True where `options` hold only the harness's validator and `requirements`. */
  plain: boolean;
  /** What the route answers, from the claims it was given. */
  body(picket: PicketAccessToken | null | undefined): Record<string, unknown>;
}

/**
 * The routes every adapter's app serves for {@link adapterContract}, each answering JSON:
 * - `/me`, any valid token: `{ walletAddress, chain }` of the claims;
 * - `/vip`, {@link VIP}: `{ vip: true, walletAddress }`;
 * - `/maybe`, `optional: true`: `{ picket: picketKind(picket), walletAddress }` (`null` when
 *   anonymous);
 * - `/keys-down`, a validator whose key server refuses connections, and `/broken`, a `getToken`
 *   that throws a TypeError (a bug, not a refusal): `{ ok: true }`;
 * - `/logged` and `/logged-async`, {@link VIP} with an `onError` that records the call in
 *   `refusals` and then throws, or returns a rejected promise: `{ vip: true }`;
 * - `/cookie`, an async `getToken` reading the {@link TOKEN_COOKIE} cookie, and `/cookie-maybe`,
 *   the same with `optional: true`: `{ picket: picketKind(picket), walletAddress }`.
 */
export async function contractRoutes<Req>(
  harness: AdapterHarness,
  glue: RequestGlue<Req>,
): Promise<ContractRoute<Req>[]> {
  const { validator, refusals } = harness;
  const record = (error: PicketRefusal, request: Req): void => {
    refusals.push({
      code: isPicketApiError(error) ? `api:${error.code}` : error.code,
      path: glue.path(request),
      frameworkRequest: glue.isFrameworkRequest(request),
    });
  };
  const fromCookie = async (request: Req) => cookieValue(glue.cookieHeader(request), TOKEN_COOKIE);
  const kind = (picket: PicketAccessToken | null | undefined) => ({
    picket: picketKind(picket),
    walletAddress: picket?.walletAddress ?? null,
  });
  const route = (
    path: string,
    options: AdapterOptions<Req>,
    body: ContractRoute<Req>["body"],
  ): ContractRoute<Req> => {
    const plain = Object.keys(options).every(
      (key) => key === "validator" || key === "requirements",
    );
    return { path, options, plain: plain && options.validator === validator, body };
  };
  return [
    route("/me", { validator }, (picket) => ({
      walletAddress: picket?.walletAddress,
      chain: picket?.chain,
    })),
    route("/vip", { validator, requirements: VIP }, (picket) => ({
      vip: true,
      walletAddress: picket?.walletAddress,
    })),
    route("/maybe", { validator, optional: true }, kind),
    route("/keys-down", { validator: await keysDownValidator(harness.issuer.projectId) }, () => ({
      ok: true,
    })),
    route(
      "/broken",
      {
        validator,
        getToken: () => {
          throw new TypeError("a bug in getToken");
        },
      },
      () => ({ ok: true }),
    ),
    route(
      "/logged",
      {
        validator,
        requirements: VIP,
        onError: (error, request) => {
          record(error, request);
          throw new Error("the log is full");
        },
      },
      () => ({ vip: true }),
    ),
    route(
      "/logged-async",
      {
        validator,
        requirements: VIP,
        onError: async (error, request) => {
          record(error, request);
          throw new Error("the metrics backend is down");
        },
      },
      () => ({ vip: true }),
    ),
    route("/cookie", { validator, getToken: fromCookie }, kind),
    route("/cookie-maybe", { validator, getToken: fromCookie, optional: true }, kind),
  ];
}

/**
 * An adapter's app, built from {@link contractRoutes} and served over real HTTP, for
 * {@link adapterContract}. Every route pushes its path to `handled` and answers its `body`.
 * Errors that are not validation errors reach the framework's error handler, which answers 500
 * `{ handledBy: "error-handler", name }`.
 */
export interface AdapterFixture extends AdapterHarness {
  /** `http://127.0.0.1:<port>` of the app; read once it listens. */
  origin: () => string;
  /** How the claims are named in the framework, for test titles: `req.picket`, `request.picket`. */
  picket: string;
  /** What `picket` is on an anonymous request that `optional: true` lets through. */
  anonymousPicket: undefined | null;
  /**
   * `/maybe` also answers `hasOwnPicket: Object.hasOwn(request, "picket")`: false on an anonymous
   * request, which gets no `picket` property at all, and true once a token set it.
   */
  reportsOwnPicket?: boolean;
  /** Where errors that are not validation errors go, for the test title. */
  errorHandler: string;
  /** Builds the adapter for one route with these options (what the app does for each route). */
  build: (options: AdapterOptions<never>) => unknown;
}

/**
 * Registers, in the current `describe`, the cases every framework adapter must pass: the answers
 * to missing, malformed, expired, foreign and under-entitled tokens, an unreachable key server,
 * valid tokens, per-route requirements, `optional: true`, `onError`, `getToken`, options checked
 * when the route is built and errors that are not validation errors. After each test the clock
 * goes back to {@link START}, and `handled` and `refusals` are emptied.
 */
export function adapterContract(fixture: AdapterFixture): void {
  const { clock, handled, issuer, refusals } = fixture;
  const call = (
    path: string,
    authorization?: string,
    headers?: Record<string, string>,
  ): Promise<Answer> => get(`${fixture.origin()}${path}`, authorization, headers);
  const ownPicket = (has: boolean) => (fixture.reportsOwnPicket ? { hasOwnPicket: has } : {});
  const cookie = (token: string) => ({ cookie: `theme=dark; ${TOKEN_COOKIE}=${token}; lang=en` });

  afterEach(() => {
    clock.set(START);
    handled.length = 0;
    refusals.length = 0;
  });
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
    const answer = await call("/vip", bearer(tokenWithSecrets(issuer)));
    expect(answer.status).toBe(403);
    expect(answer.body).toEqual({ error: "ERR_REQUIREMENTS_NOT_MET", message: expect.any(String) });
    expect(answer.headers.get("www-authenticate")).toContain('error="insufficient_scope"');
    expectNoSecrets(answer);
    expect(handled).toEqual([]);
  });

  it("answers 503 ERR_JWKS_UNAVAILABLE when the key server cannot be reached", async () => {
    const answer = await call("/keys-down", bearer(issuer.sign()));
    expect(answer.status).toBe(503);
    expect(answer.body).toEqual({ error: "ERR_JWKS_UNAVAILABLE", message: expect.any(String) });
    expect(answer.headers.get("www-authenticate") ?? "").not.toContain("invalid_token");
    expect(answer.headers.get("retry-after")).toBe("30");
    expect(handled).toEqual([]);
  });

  it(`lets a valid token through with its claims on ${fixture.picket}`, async () => {
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
    it(`lets an anonymous request through with ${fixture.picket} ${fixture.anonymousPicket}`, async () => {
      const answer = await call("/maybe");
      expect(answer.status).toBe(200);
      expect(answer.body).toEqual({
        picket: picketKind(fixture.anonymousPicket),
        ...ownPicket(false),
        walletAddress: null,
      });
    });

    it(`still sets ${fixture.picket} for a valid token`, async () => {
      const answer = await call("/maybe", bearer(issuer.sign()));
      expect(answer.status).toBe(200);
      expect(answer.body).toEqual({
        picket: "claims",
        ...ownPicket(true),
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

  it(`passes errors that are not validation errors (a throwing getToken) to ${fixture.errorHandler} (500, not 401)`, async () => {
    const answer = await call("/broken", bearer(issuer.sign()));
    expect(answer.status).toBe(500);
    expect(answer.body).toEqual({ handledBy: "error-handler", name: "TypeError" });
    expect(answer.headers.get("www-authenticate")).toBeNull();
    expect(handled).toEqual([]);
  });

  describe("checks its options when the route is built", () => {
    it("throws a TypeError naming the field for malformed requirements", () => {
      const validator = fixture.validator;
      expect(() => fixture.build({ validator, requirements: BROKEN })).toThrow(
        /requirements\.minTokenBalance/,
      );
      expect(() => fixture.build({ validator, requirements: BROKEN })).toThrow(TypeError);
      const unknownKey = { contractAddress: CONTRACT, minBalance: 1 } as Requirements;
      expect(() => fixture.build({ validator, requirements: unknownKey })).toThrow(
        /requirements\.minBalance/,
      );
    });

    it("throws a TypeError for hooks that are not functions, and builds with good options", () => {
      const validator = fixture.validator;
      expect(() => fixture.build({ validator, onError: "log" } as never)).toThrow(/onError/);
      expect(() => fixture.build({ validator, getToken: "cookie" } as never)).toThrow(/getToken/);
      expect(fixture.build({ validator, requirements: VIP, onError: () => {} })).toBeTypeOf(
        "function",
      );
    });
  });

  describe("onError", () => {
    it("is called once per refusal, with the reason and the framework's request", async () => {
      expect((await call("/logged", bearer(tokenWithSecrets(issuer)))).status).toBe(403);
      expect((await call("/logged")).status).toBe(401);
      expect((await call("/logged", bearer(issuer.sign({ aud: "another-project" })))).status).toBe(
        401,
      );
      expect(refusals).toEqual([
        { code: "ERR_REQUIREMENTS_NOT_MET", path: "/logged", frameworkRequest: true },
        { code: "ERR_TOKEN_MISSING", path: "/logged", frameworkRequest: true },
        { code: "ERR_AUDIENCE_INVALID", path: "/logged", frameworkRequest: true },
      ]);
    });

    it("is not called for a request that passes", async () => {
      const rich = issuer.sign({ contractAddress: CONTRACT, tokenBalance: "2" });
      const answer = await call("/logged", bearer(rich));
      expect(answer.status).toBe(200);
      expect(answer.body).toEqual({ vip: true });
      expect(refusals).toEqual([]);
    });

    it("changes nothing by throwing or rejecting: the answer is the same refusal", async () => {
      for (const path of ["/logged", "/logged-async"]) {
        const answer = await call(path, bearer(tokenWithSecrets(issuer)));
        expect(answer.status).toBe(403);
        expect(answer.body).toEqual({
          error: "ERR_REQUIREMENTS_NOT_MET",
          message: expect.any(String),
        });
        expect(answer.headers.get("www-authenticate")).toContain('error="insufficient_scope"');
        expectNoSecrets(answer);
      }
      expect(refusals.map((refusal) => refusal.path)).toEqual(["/logged", "/logged-async"]);
      expect(handled).toEqual([]);
    });
  });

  describe("getToken", () => {
    it("reads the token where the app keeps it (a cookie), and may return a promise", async () => {
      const token = issuer.sign({ walletAddress: WALLET, sub: `ethereum:${WALLET}` });
      const answer = await call("/cookie", undefined, cookie(token));
      expect(answer.status).toBe(200);
      expect(answer.body).toEqual({ picket: "claims", walletAddress: WALLET });
      expect(handled).toEqual(["/cookie"]);
    });

    it("replaces the Authorization header: a Bearer token alone is no credentials", async () => {
      const answer = await call("/cookie", bearer(issuer.sign()));
      expect(answer.status).toBe(401);
      expect(answer.body.error).toBe("ERR_TOKEN_MISSING");
      expect(answer.headers.get("www-authenticate")).toBe('Bearer realm="picket"');
    });

    it("answers a bad token it read like any other: 401 invalid_token", async () => {
      const answer = await call("/cookie", undefined, cookie(issuer.sign({}, { expiresIn: -10 })));
      expect(answer.status).toBe(401);
      expect(answer.body.error).toBe("ERR_TOKEN_EXPIRED");
      expect(handled).toEqual([]);
    });

    it("with optional: true, lets an absent or empty cookie through anonymously", async () => {
      const absent = await call("/cookie-maybe");
      const empty = await call("/cookie-maybe", undefined, { cookie: `${TOKEN_COOKIE}=` });
      for (const answer of [absent, empty]) {
        expect(answer.status).toBe(200);
        expect(answer.body).toEqual({
          picket: picketKind(fixture.anonymousPicket),
          walletAddress: null,
        });
      }
      const bad = await call("/cookie-maybe", undefined, cookie("not-a-jwt"));
      expect(bad.status).toBe(401);
      expect(bad.body.error).toBe("ERR_TOKEN_MALFORMED");
    });
  });
}
