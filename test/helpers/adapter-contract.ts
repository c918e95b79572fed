import { afterEach, describe, expect, it } from "vitest";
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
/** Requirements that cannot be checked: they fail with a TypeError, not a validation error. */
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
}

/** A fresh {@link AdapterHarness}: a manual clock at {@link START}, an issuer and a validator. */
export function adapterHarness(): AdapterHarness {
  const clock = createManualClock(START);
  const issuer = createTestIssuer({ clock: clock.now });
  return { clock, issuer, validator: issuer.validator({ clock: clock.now }), handled: [] };
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

/**
 * An adapter's app, served over real HTTP, for {@link adapterContract}. Every route pushes its path
 * to `handled` and answers JSON:
 * - `/me`, any valid token: `{ walletAddress, chain }` of the claims;
 * - `/vip`, {@link VIP}: `{ vip: true, walletAddress }`;
 * - `/maybe`, `optional: true`: `{ picket: picketKind(picket), walletAddress }` (`null` when
 *   anonymous), and `hasOwnPicket` with {@link AdapterFixture.reportsOwnPicket};
 * - `/keys-down`, a validator whose key server refuses connections, and `/broken`,
 *   {@link BROKEN}: `{ ok: true }`.
 *
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
}

/**
 * Registers, in the current `describe`, the cases every framework adapter must pass: the answers
 * to missing, malformed, expired, foreign and under-entitled tokens, an unreachable key server,
 * valid tokens, per-route requirements, `optional: true` and errors that are not validation
 * errors. After each test the clock goes back to {@link START} and `handled` is emptied.
 */
export function adapterContract(fixture: AdapterFixture): void {
  const { clock, handled, issuer } = fixture;
  const call = (path: string, authorization?: string): Promise<Answer> =>
    get(`${fixture.origin()}${path}`, authorization);
  const ownPicket = (has: boolean) => (fixture.reportsOwnPicket ? { hasOwnPicket: has } : {});

  afterEach(() => {
    clock.set(START);
    handled.length = 0;
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

  it(`passes errors that are not validation errors to ${fixture.errorHandler} (500, not 401)`, async () => {
    const answer = await call("/broken", bearer(issuer.sign()));
    expect(answer.status).toBe(500);
    expect(answer.body).toEqual({ handledBy: "error-handler", name: "TypeError" });
    expect(answer.headers.get("www-authenticate")).toBeNull();
    expect(handled).toEqual([]);
  });
}
