import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  authorize,
  createPicketClient,
  isPicketApiError,
  type PicketClient,
  type PicketClientOptions,
} from "../../src/client/index.js";
import { isPicketValidationError, type Requirements, type Validator } from "../../src/index.js";
import { createTestIssuer, type TestIssuer } from "../../src/testing/index.js";
import { createManualClock, type ManualClock } from "../helpers/clock.js";
import { deadJwksUri } from "../helpers/jwks-server.js";
import {
  error,
  type PicketApiStandIn,
  type StandInHandler,
  startPicketApiStandIn,
} from "../helpers/picket-api-stand-in.js";

const CONTRACT = "0x8a90cab2b38dba80c64b7734e58ee1db38b8992e";
const REQUIREMENTS: Requirements = { contractAddress: CONTRACT, minTokenBalance: "2" };
const COOLDOWN = 60_000;

/** How Picket answers `/authz`, and what `authorize` then settles with. */
const ANSWERS = {
  "a refusal (403)": { handler: () => error(403, "permission_denied", "Requirements not met") },
  "a bad request (400)": { handler: () => error(400, "parameter_invalid", "Bad requirements") },
  "too many requests (429)": { handler: () => error(429, "rate_limited", "Slow down") },
  "a server error (500)": { handler: () => error(500, undefined, "Internal error") },
  "a body that is not JSON": {
    handler: () => ({ text: "<html>", contentType: "application/json" }),
  },
  "a fresh token that passes": { balance: "5" },
  "a fresh token still short": { balance: "1" },
  "no answer (timeout)": { handler: () => "hang" as const, client: { timeout: 100 } },
  "a refused connection": { client: { baseUrl: "dead" } },
  "a wrong secret key (401)": { client: { secretKey: "sk_wrong" } },
} satisfies Record<
  string,
  {
    handler?: StandInHandler;
    balance?: string;
    client?: Partial<Pick<PicketClientOptions, "timeout" | "secretKey" | "baseUrl">>;
  }
>;
type AnswerKind = keyof typeof ANSWERS;
const KINDS = Object.keys(ANSWERS) as AnswerKind[];

describe("revalidation rationing, whatever Picket answers", () => {
  let issuer: TestIssuer;
  let standIn: PicketApiStandIn;
  let clock: ManualClock;
  let validator: Validator;
  let deadBase: string;
  /** `/authz` calls that left the client, answered or not. */
  let calls: number;

  const shortToken = (): string =>
    issuer.sign({ tokenBalances: { contractAddress: { [CONTRACT]: "0" } } });

  function clientFor(kind: AnswerKind): PicketClient {
    const answer = ANSWERS[kind] as (typeof ANSWERS)[AnswerKind] & {
      handler?: StandInHandler;
      balance?: string;
      client?: Partial<PicketClientOptions>;
    };
    standIn.setHandler(answer.handler);
    if (answer.balance !== undefined) standIn.balance = answer.balance;
    const { baseUrl, ...rest } = answer.client ?? {};
    return createPicketClient({
      secretKey: standIn.secretKey,
      baseUrl: baseUrl === "dead" ? deadBase : standIn.baseUrl,
      clock: clock.now,
      fetch: (input, init) => {
        if (String(input).endsWith("/authz")) calls += 1;
        return fetch(input, init);
      },
      ...rest,
    });
  }

  /** What `authorize` settled with: the fresh token, or the error's code or status. */
  async function outcome(client: PicketClient, token: string): Promise<string> {
    try {
      const { accessToken } = await authorize(validator, client, token, REQUIREMENTS);
      return accessToken === token ? "the same token" : `fresh ${accessToken.slice(-8)}`;
    } catch (thrown) {
      if (isPicketApiError(thrown)) return `PicketApiError ${thrown.status} ${thrown.code}`;
      if (isPicketValidationError(thrown)) return thrown.code;
      throw thrown;
    }
  }

  beforeEach(async () => {
    clock = createManualClock();
    issuer = createTestIssuer({ clock: clock.now });
    validator = issuer.validator({ clock: clock.now });
    standIn = await startPicketApiStandIn({ issuer });
    deadBase = new URL("/api/v1", await deadJwksUri()).href;
    calls = 0;
  });
  afterEach(async () => {
    await standIn.close();
  });

  describe.each(KINDS)("when Picket answers with %s", (kind) => {
    it("100 sequential requests of one token, over 50 s: 1 call, the same outcome each time", async () => {
      const client = clientFor(kind);
      const token = shortToken();
      const outcomes = new Set<string>();
      for (let request = 0; request < 100; request += 1) {
        outcomes.add(await outcome(client, token));
        clock.advance(500);
      }
      expect(calls).toBe(1);
      expect(outcomes.size).toBe(1);
      expect([...outcomes][0]).not.toBe("the same token");
    });

    it("64 concurrent requests of one token: 1 call", async () => {
      const client = clientFor(kind);
      const token = shortToken();
      const outcomes = await Promise.all(Array.from({ length: 64 }, () => outcome(client, token)));
      expect(calls).toBe(1);
      expect(new Set(outcomes).size).toBe(1);
    });

    it("asks again once the cooldown is over", async () => {
      const client = clientFor(kind);
      const token = shortToken();
      await outcome(client, token);
      clock.advance(COOLDOWN - 1);
      await outcome(client, token);
      expect(calls).toBe(1);
      // A passing fresh token is served while it lives; any other answer is asked again.
      clock.advance(32 * COOLDOWN);
      await outcome(client, token);
      expect(calls).toBe(kind === "a fresh token that passes" ? 1 : 2);
    });
  });

  it.each([
    ["a wrong secret key (401)", 1],
    ["too many requests (429)", 2],
    ["a server error (500)", 2],
    ["a refused connection", 2],
  ] as const)("%s across 100 tokens: at most %i calls per cooldown", async (kind, most) => {
    const client = clientFor(kind);
    const perCooldown: number[] = [];
    for (let cooldown = 0; cooldown < 3; cooldown += 1) {
      const before = calls;
      for (let user = 0; user < 100; user += 1) {
        expect(await outcome(client, shortToken())).toMatch(/^PicketApiError/);
      }
      perCooldown.push(calls - before);
      clock.advance(32 * COOLDOWN);
    }
    expect(Math.max(...perCooldown)).toBeLessThanOrEqual(most);
    expect(perCooldown[0]).toBe(most);
  });

  it("honours Retry-After: no call before it, one after", async () => {
    const client = clientFor("too many requests (429)");
    standIn.setHandler(() => ({
      status: 429,
      json: { code: "rate_limited", msg: "Slow down" },
      headers: { "retry-after": "300" },
    }));
    const token = shortToken();
    await expect(authorize(validator, client, token, REQUIREMENTS)).rejects.toMatchObject({
      status: 429,
      retryAfter: 300_000,
    });
    clock.advance(299_999);
    await outcome(client, token);
    expect(calls).toBe(1);
    clock.advance(1);
    await outcome(client, token);
    expect(calls).toBe(2);
  });

  it("backs off exponentially on outages of one token: 1, 2, 4 cooldowns", async () => {
    const client = clientFor("a server error (500)");
    const token = shortToken();
    const callTimes: number[] = [];
    const start = clock.now();
    for (let second = 0; second <= 7 * 60; second += 1) {
      const before = calls;
      await outcome(client, token);
      if (calls > before) callTimes.push((clock.now() - start) / 1000);
      clock.advance(1000);
    }
    expect(callTimes).toEqual([0, 60, 180, 420]);
  });

  it("never serves a remembered fresh token that has expired", async () => {
    const client = clientFor("a fresh token that passes");
    // Fresh tokens that live 2 minutes, where the old one lives an hour.
    standIn.setHandler((request, fallback) => {
      if (request.path !== "/authz") return fallback(request);
      const accessToken = issuer.sign(
        { tokenBalances: { contractAddress: { [CONTRACT]: "5" } } },
        { expiresIn: 120 },
      );
      return { json: { accessToken, user: {} } };
    });
    const token = shortToken();
    const first = await authorize(validator, client, token, REQUIREMENTS);
    clock.advance(60_000);
    expect((await authorize(validator, client, token, REQUIREMENTS)).accessToken).toBe(
      first.accessToken,
    );
    expect(calls).toBe(1);
    // Past the fresh token's expiry (and any clock tolerance), the old token still valid.
    clock.advance(30 * 60_000);
    await expect(validator.validate(first.accessToken)).rejects.toMatchObject({
      code: "ERR_TOKEN_EXPIRED",
    });
    const next = await authorize(validator, client, token, REQUIREMENTS);
    expect(next.accessToken).not.toBe(first.accessToken);
    expect(calls).toBe(2);
  });

  it("answers with the local verdict, without a call, when the remembered fresh token expired within the cooldown", async () => {
    const client = clientFor("a fresh token that passes");
    standIn.setHandler((request, fallback) => {
      if (request.path !== "/authz") return fallback(request);
      const accessToken = issuer.sign(
        { tokenBalances: { contractAddress: { [CONTRACT]: "5" } } },
        { expiresIn: 5 },
      );
      return { json: { accessToken, user: {} } };
    });
    const token = shortToken();
    await authorize(validator, client, token, REQUIREMENTS);
    clock.advance(10_000);
    const failure = await authorize(validator, client, token, REQUIREMENTS).catch(
      (thrown: unknown) => thrown,
    );
    expect(failure).toMatchObject({ code: "ERR_REQUIREMENTS_NOT_MET" });
    expect(calls).toBe(1);
  });

  it("reads Retry-After as an HTTP date too, and ignores one it cannot read", async () => {
    const client = clientFor("too many requests (429)");
    const at = new Date(clock.now() + 240_000).toUTCString();
    standIn.setHandler(() => ({
      status: 503,
      json: { msg: "Down" },
      headers: { "retry-after": at },
    }));
    await expect(authorize(validator, client, shortToken(), REQUIREMENTS)).rejects.toMatchObject({
      status: 503,
      retryAfter: 240_000,
    });
    standIn.setHandler(() => ({
      status: 503,
      json: { msg: "Down" },
      headers: { "retry-after": "soon" },
    }));
    clock.advance(32 * COOLDOWN);
    const unread = await authorize(validator, client, shortToken(), REQUIREMENTS).catch(
      (thrown: unknown) => thrown,
    );
    expect(unread).toMatchObject({ status: 503, retryAfter: undefined });
  });

  it("repeats any other failure of a foreign client, without calling it again", async () => {
    const failure = new Error("not a Picket client");
    let authzCalls = 0;
    const foreign = {
      async authz() {
        authzCalls += 1;
        throw failure;
      },
    } as unknown as PicketClient;
    const token = shortToken();
    for (let request = 0; request < 3; request += 1) {
      await expect(authorize(validator, foreign, token, REQUIREMENTS)).rejects.toBe(failure);
    }
    expect(authzCalls).toBe(1);
  });
});
