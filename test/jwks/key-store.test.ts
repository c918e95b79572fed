import { generateKeyPairSync, randomUUID } from "node:crypto";
import type { JWK } from "jose";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  createValidator,
  type JwksCacheOptions,
  PicketValidationError,
  type ValidatorOptions,
} from "../../src/index.js";
import { createTestIssuer, type TestIssuer } from "../../src/testing/index.js";
import { createManualClock, type ManualClock } from "../helpers/clock.js";
import { expectCode } from "../helpers/expect-code.js";
import { keySet, recordEvents, recordedValidator } from "../helpers/jwks-cache.js";
import {
  deadJwksUri,
  JWKS_PATH,
  type JwksHandler,
  type JwksTestServer,
  respond,
  startJwksServer,
} from "../helpers/jwks-server.js";

const PROJECT_ID = randomUUID();
const COOLDOWN = 30_000;

let server: JwksTestServer;
let clock: ManualClock;

beforeEach(async () => {
  clock = createManualClock();
  server = await startJwksServer();
});

afterEach(async () => {
  await server.close();
});

function issuer(kid?: string): TestIssuer {
  return createTestIssuer({
    projectId: PROJECT_ID,
    clock: clock.now,
    ...(kid === undefined ? {} : { kid }),
  });
}

/** A validator on the test server, with the manual clock and an event recorder. */
function setup(jwksCache: JwksCacheOptions = {}, options: Partial<ValidatorOptions> = {}) {
  return recordedValidator({
    projectId: PROJECT_ID,
    jwksUri: server.url,
    clock: clock.now,
    jwksCache,
    ...options,
  });
}

function publicKeyOf(each: TestIssuer): JWK {
  const key = each.jwks.keys[0];
  if (key === undefined) throw new Error("the test issuer has no key");
  return key;
}

describe("first load", () => {
  it("fetches the key set once on first use, then serves from the cache within maxAge", async () => {
    const iss = issuer("k1");
    server.setHandler(respond.jwks(iss.jwks));
    const { validator } = setup({ maxAge: 600_000 });
    expect(server.requests).toBe(0);

    const claims = await validator.validate(iss.sign());
    expect(claims.aud).toBe(PROJECT_ID);
    expect(server.requests).toBe(1);
    expect(server.paths).toEqual([JWKS_PATH]);

    clock.advance(600_000 - 1);
    await expect(validator.validate(iss.sign())).resolves.toMatchObject({ aud: PROJECT_ID });
    expect(server.requests).toBe(1);
  });

  it("ready() loads the keys before any validation", async () => {
    const iss = issuer("k1");
    server.setHandler(respond.jwks(iss.jwks));
    const { validator } = setup();

    await validator.ready();
    expect(server.requests).toBe(1);
    // Loaded: the synchronous path needs no fetch, and validate makes none.
    expect(validator.validateSync(iss.sign()).aud).toBe(PROJECT_ID);
    await validator.validate(iss.sign());
    expect(server.requests).toBe(1);
  });

  it("ready() rejects with ERR_JWKS_UNAVAILABLE when the connection is refused", async () => {
    const validator = createValidator({
      projectId: PROJECT_ID,
      jwksUri: await deadJwksUri(),
      clock: clock.now,
    });
    const error = await expectCode(() => validator.ready(), "ERR_JWKS_UNAVAILABLE");
    expect(error.status).toBe(503);
    expect(error.cause).toBeInstanceOf(Error);
    await expectCode(() => validator.validate(issuer().sign()), "ERR_JWKS_UNAVAILABLE");
  });

  it("refreshes in the background after maxAge, the old keys serving meanwhile", async () => {
    const iss = issuer("k1");
    server.setHandler(respond.jwks(iss.jwks));
    const { validator, recorder } = setup({ maxAge: 60_000, cooldown: 1_000 });
    await validator.ready();

    // The refresh never answers, yet validation does not wait for it.
    server.setHandler(respond.hang());
    clock.advance(60_000);
    const started = recorder.next("jwks_fetch_start");
    await expect(validator.validate(iss.sign())).resolves.toMatchObject({ aud: PROJECT_ID });
    expect((await started).reason).toBe("refresh");
    expect(recorder.of("jwks_stale")).toEqual([{ type: "jwks_stale", ageMs: 60_000 }]);
  });
});

describe("unknown kid", () => {
  it("refetches for an unknown kid and finds the rotated key", async () => {
    const iss = issuer("k1");
    server.setHandler(respond.jwks(() => iss.jwks));
    const { validator, recorder } = setup({ cooldown: COOLDOWN });
    await validator.validate(iss.sign());
    expect(server.requests).toBe(1);

    const newKid = iss.rotate();
    clock.advance(COOLDOWN);
    const claims = await validator.validate(iss.sign());
    expect(claims.aud).toBe(PROJECT_ID);
    expect(server.requests).toBe(2);
    expect(recorder.of("jwks_fetch_start").map((event) => event.reason)).toEqual([
      "initial",
      "unknown_kid",
    ]);
    expect(validator.decodeUnverified(iss.sign()).header.kid).toBe(newKid);
  });

  it("refetches for a token without kid whose signature fails, and finds the rotated key", async () => {
    const iss = issuer();
    server.setHandler(respond.jwks(() => iss.jwks));
    const { validator } = setup({ cooldown: COOLDOWN });
    await validator.validate(iss.sign());

    iss.rotate();
    // Within the cooldown the old keys are all there is.
    await expectCode(() => validator.validate(iss.sign()), "ERR_SIGNATURE_INVALID");
    expect(server.requests).toBe(1);

    clock.advance(COOLDOWN);
    await expect(validator.validate(iss.sign())).resolves.toMatchObject({ aud: PROJECT_ID });
    expect(server.requests).toBe(2);
  });

  it("makes no request for unknown kids within the cooldown, and one after it", async () => {
    const known = issuer("known");
    const stranger = issuer("stranger");
    server.setHandler(respond.jwks(known.jwks));
    const { validator, recorder } = setup({ cooldown: 10_000 });
    await validator.ready();
    expect(server.requests).toBe(1);

    for (let i = 0; i < 5; i += 1) {
      clock.advance(1_000);
      await expectCode(() => validator.validate(stranger.sign()), "ERR_KEY_NOT_FOUND");
    }
    expect(server.requests).toBe(1);
    const cooldowns = recorder.of("jwks_cooldown");
    expect(cooldowns).toHaveLength(5);
    expect(cooldowns[0]).toEqual({ type: "jwks_cooldown", kid: "stranger", retryInMs: 9_000 });
    expect(cooldowns[4]).toEqual({ type: "jwks_cooldown", kid: "stranger", retryInMs: 5_000 });

    clock.advance(5_000);
    await expectCode(() => validator.validate(stranger.sign()), "ERR_KEY_NOT_FOUND");
    expect(server.requests).toBe(2);
    // That fetch starts a new cooldown.
    await expectCode(() => validator.validate(stranger.sign()), "ERR_KEY_NOT_FOUND");
    expect(server.requests).toBe(2);

    server.setHandler(respond.jwks(keySet(known, stranger)));
    clock.advance(10_000);
    await expect(validator.validate(stranger.sign())).resolves.toMatchObject({ aud: PROJECT_ID });
    expect(server.requests).toBe(3);
  });
});

describe("concurrency", () => {
  it("200 concurrent cold validations make exactly one request", async () => {
    const iss = issuer("k1");
    server.setHandler(respond.jwks(iss.jwks));
    const { validator } = setup();
    const tokens = Array.from({ length: 200 }, () => iss.sign());

    const results = await Promise.all(tokens.map((token) => validator.validate(token)));
    expect(results).toHaveLength(200);
    expect(results.every((claims) => claims.aud === PROJECT_ID)).toBe(true);
    expect(server.requests).toBe(1);
  });

  it("200 concurrent cold validations against a failing endpoint make one request", async () => {
    server.setHandler(respond.status(500));
    const { validator } = setup();
    const iss = issuer("k1");

    const results = await Promise.allSettled(
      Array.from({ length: 200 }, () => validator.validate(iss.sign())),
    );
    expect(server.requests).toBe(1);
    for (const result of results) {
      expect(result.status).toBe("rejected");
      const reason = (result as PromiseRejectedResult).reason as PicketValidationError;
      expect(reason.code).toBe("ERR_JWKS_UNAVAILABLE");
    }
  });
});

describe("tokens without kid", () => {
  it("tries every key of the set: the signing key last of three", async () => {
    const [a, b, c] = [issuer("a"), issuer("b"), issuer("c")];
    server.setHandler(respond.jwks(keySet(a, b, c)));
    const { validator } = setup();
    const token = c.sign({}, { header: { kid: undefined } });
    expect(validator.decodeUnverified(token).header).not.toHaveProperty("kid");

    await expect(validator.validate(token)).resolves.toMatchObject({ aud: PROJECT_ID });
    expect(server.requests).toBe(1);
    // A key outside the set still fails, without a new request inside the cooldown.
    const outsider = issuer().sign();
    await expectCode(() => validator.validate(outsider), "ERR_SIGNATURE_INVALID");
    expect(server.requests).toBe(1);
  });
});

describe("key filter", () => {
  const variant = (base: TestIssuer, changes: Record<string, unknown>): JWK => {
    const key: Record<string, unknown> = { ...publicKeyOf(base), ...changes };
    for (const [name, value] of Object.entries(changes)) if (value === undefined) delete key[name];
    return key as JWK;
  };

  /** P-256 issuers whose published key is made unusable, by kid. */
  function unusable() {
    const enc = issuer("enc");
    const encrypt = issuer("encrypt");
    const withPrivate = issuer("private");
    const es384 = issuer("es384");
    const p384 = generateKeyPairSync("ec", { namedCurve: "secp384r1" }).publicKey.export({
      format: "jwk",
    });
    const rsa = generateKeyPairSync("rsa", { modulusLength: 2048 }).publicKey.export({
      format: "jwk",
    });
    const keys: JWK[] = [
      variant(enc, { use: "enc" }),
      variant(encrypt, { use: undefined, key_ops: ["encrypt"] }),
      { ...withPrivate.privateJwk, kid: "private", use: "sig", alg: "ES256" },
      { ...p384, kid: "p384", use: "sig" } as JWK,
      { ...rsa, kid: "rsa", use: "sig" } as JWK,
      variant(es384, { alg: "ES384" }),
    ];
    return { signers: [enc, encrypt, withPrivate, es384], keys };
  }

  it("ignores keys that cannot verify ES256 and uses the others", async () => {
    const good = issuer("good");
    const verifyOnly = issuer("verify-only");
    const { signers, keys } = unusable();
    server.setHandler(
      respond.jwks({
        keys: [
          ...keys,
          publicKeyOf(good),
          variant(verifyOnly, { use: undefined, key_ops: ["verify"] }),
        ],
      }),
    );
    const { validator, recorder } = setup();

    await expect(validator.validate(good.sign())).resolves.toMatchObject({ aud: PROJECT_ID });
    await expect(validator.validate(verifyOnly.sign())).resolves.toMatchObject({
      aud: PROJECT_ID,
    });
    expect(recorder.of("jwks_fetch_success")).toMatchObject([{ keys: 2, ignored: 6 }]);

    // Naming an ignored key's kid: no such key (and the refetch is within the cooldown).
    for (const signer of signers) {
      await expectCode(() => validator.validate(signer.sign()), "ERR_KEY_NOT_FOUND");
    }
    // Without kid: only the usable keys are tried, and none verifies.
    const noKid = signers[0]?.sign({}, { header: { kid: undefined } }) ?? "";
    await expectCode(() => validator.validate(noKid), "ERR_SIGNATURE_INVALID");
    expect(server.requests).toBe(1);
  });

  it("refuses a key set with only unusable keys: ERR_JWKS_INVALID", async () => {
    const { signers, keys } = unusable();
    server.setHandler(respond.jwks({ keys }));
    const { validator } = setup();

    const error = await expectCode(
      () => validator.validate(signers[0]?.sign() ?? ""),
      "ERR_JWKS_INVALID",
    );
    expect(error.status).toBe(503);
    expect(error.message).toMatch(/no usable key/);
    expect(server.requests).toBe(1);
  });
});

describe("fetch failures with no keys cached", () => {
  const cases: {
    name: string;
    handler: () => JwksHandler;
    code: "ERR_JWKS_UNAVAILABLE" | "ERR_JWKS_INVALID";
    message: RegExp;
    cause?: boolean;
  }[] = [
    {
      name: "500",
      handler: () => respond.status(500),
      code: "ERR_JWKS_UNAVAILABLE",
      message: /500/,
    },
    {
      name: "404",
      handler: () => respond.status(404),
      code: "ERR_JWKS_UNAVAILABLE",
      message: /404/,
    },
    {
      name: "an HTML page",
      handler: () => respond.html(),
      code: "ERR_JWKS_INVALID",
      message: /text\/html/,
    },
    {
      name: "invalid JSON",
      handler: () => respond.text('{"keys": [', "application/json"),
      code: "ERR_JWKS_INVALID",
      message: /not JSON/,
      cause: true,
    },
    {
      name: '{"foo":1}',
      handler: () => respond.json({ foo: 1 }),
      code: "ERR_JWKS_INVALID",
      message: /keys/,
    },
    { name: "[]", handler: () => respond.json([]), code: "ERR_JWKS_INVALID", message: /keys/ },
    {
      name: '{"keys":[]}',
      handler: () => respond.json({ keys: [] }),
      code: "ERR_JWKS_INVALID",
      message: /no usable key/,
    },
    {
      name: "10 KB over maxBytes, with content-length",
      handler: () => respond.huge(10_000),
      code: "ERR_JWKS_INVALID",
      message: /maxBytes/,
    },
    {
      name: "10 KB over maxBytes, chunked",
      handler: () => respond.huge(10_000, { chunked: true }),
      code: "ERR_JWKS_INVALID",
      message: /maxBytes/,
    },
  ];

  it.each(cases)("$name → $code", async ({ handler, code, message, cause }) => {
    server.setHandler(handler());
    const { validator, recorder } = setup({ maxBytes: 1_000 });

    const error = await expectCode(() => validator.validate(issuer("k1").sign()), code);
    expect(error.status).toBe(503);
    expect(error.message).toMatch(message);
    if (cause) expect(error.cause).toBeInstanceOf(Error);
    expect(server.requests).toBe(1);
    expect(recorder.of("jwks_fetch_failure")).toEqual([
      { type: "jwks_fetch_failure", uri: server.url, error, durationMs: 0 },
    ]);
  });

  it("counts the body while it streams: an endless body past maxBytes fails before the timeout", async () => {
    server.setHandler(respond.huge(10_000, { chunked: true, hangAfter: true }));
    const { validator } = setup({ maxBytes: 1_000, timeout: 10_000 });

    const error = await expectCode(
      () => validator.validate(issuer("k1").sign()),
      "ERR_JWKS_INVALID",
    );
    expect(error.message).toMatch(/maxBytes/);
  });

  it("refuses a declared content-length over maxBytes without waiting for the body", async () => {
    server.setHandler((_request, response) => {
      response.writeHead(200, { "content-type": "application/json", "content-length": "10000" });
      response.write('{"keys":[');
    });
    const { validator } = setup({ maxBytes: 1_000, timeout: 10_000 });

    const error = await expectCode(
      () => validator.validate(issuer("k1").sign()),
      "ERR_JWKS_INVALID",
    );
    expect(error.message).toMatch(/maxBytes/);
  });

  it("does not follow a redirect, even to a valid key set on the same server", async () => {
    const iss = issuer("k1");
    server.setHandler(
      respond.route({
        [JWKS_PATH]: respond.redirect(`${server.origin}/moved.json`),
        "/moved.json": respond.jwks(iss.jwks),
      }),
    );
    const { validator } = setup();

    const error = await expectCode(() => validator.validate(iss.sign()), "ERR_JWKS_UNAVAILABLE");
    expect(error.status).toBe(503);
    expect(error.message).toMatch(/302/);
    expect(server.paths).toEqual([JWKS_PATH]);
  });

  it("gives up on a server that never answers after jwksCache.timeout", async () => {
    server.setHandler(respond.hang());
    const { validator } = setup({ timeout: 100 });

    const error = await expectCode(
      () => validator.validate(issuer("k1").sign()),
      "ERR_JWKS_UNAVAILABLE",
    );
    expect(error.status).toBe(503);
    expect(error.message).toMatch(/within 100 ms/);
    expect(error.cause).toBeDefined();
    expect(server.requests).toBe(1);
  });

  it("gives up on a body that never ends after jwksCache.timeout", async () => {
    server.setHandler((_request, response) => {
      response.writeHead(200, { "content-type": "application/json" });
      response.write('{"keys":[');
    });
    const { validator } = setup({ timeout: 100 });

    const error = await expectCode(
      () => validator.validate(issuer("k1").sign()),
      "ERR_JWKS_UNAVAILABLE",
    );
    expect(error.message).toMatch(/within 100 ms/);
    expect(error.cause).toBeDefined();
  });
});

describe("backoff after failures", () => {
  it("makes no new request until the cooldown has passed", async () => {
    const iss = issuer("k1");
    server.setHandler(respond.status(500));
    const { validator } = setup({ cooldown: 10_000 });

    const first = await expectCode(() => validator.validate(iss.sign()), "ERR_JWKS_UNAVAILABLE");
    expect(server.requests).toBe(1);
    for (let i = 0; i < 3; i += 1) {
      const again = await expectCode(() => validator.validate(iss.sign()), "ERR_JWKS_UNAVAILABLE");
      expect(again).toBe(first);
    }
    await expectCode(() => validator.ready(), "ERR_JWKS_UNAVAILABLE");
    clock.advance(9_999);
    await expectCode(() => validator.validate(iss.sign()), "ERR_JWKS_UNAVAILABLE");
    expect(server.requests).toBe(1);

    server.setHandler(respond.jwks(iss.jwks));
    clock.advance(1);
    await expect(validator.validate(iss.sign())).resolves.toMatchObject({ aud: PROJECT_ID });
    expect(server.requests).toBe(2);
  });

  it("waits longer after consecutive failures", async () => {
    server.setHandler(respond.status(500));
    const { validator, recorder } = setup({ cooldown: 10_000 });
    const iss = issuer("k1");

    await expectCode(() => validator.ready(), "ERR_JWKS_UNAVAILABLE");
    clock.advance(10_000);
    await expectCode(() => validator.ready(), "ERR_JWKS_UNAVAILABLE");
    expect(server.requests).toBe(2);
    expect(recorder.of("jwks_fetch_start").map((event) => event.reason)).toEqual([
      "initial",
      "retry",
    ]);

    clock.advance(10_000);
    await expectCode(() => validator.validate(iss.sign()), "ERR_JWKS_UNAVAILABLE");
    expect(server.requests).toBe(2);

    server.setHandler(respond.jwks(iss.jwks));
    clock.advance(10_000);
    await expect(validator.validate(iss.sign())).resolves.toMatchObject({ aud: PROJECT_ID });
    expect(server.requests).toBe(3);
  });
});

describe("outage and recovery", () => {
  it("keeps serving cached keys while the endpoint is down, and reloads when it is back", async () => {
    const iss = issuer("k1");
    server.setHandler(respond.jwks(() => iss.jwks));
    const { validator, recorder } = setup({
      maxAge: 60_000,
      staleIfError: 3_600_000,
      cooldown: 1_000,
    });
    await validator.ready();
    const beforeOutage = iss.sign();

    await server.stop();
    clock.advance(60_000);
    const failed = recorder.next("jwks_fetch_failure");
    await expect(validator.validate(iss.sign())).resolves.toMatchObject({ aud: PROJECT_ID });
    expect((await failed).error).toMatchObject({ code: "ERR_JWKS_UNAVAILABLE" });

    await server.restart();
    iss.rotate();
    clock.advance(1_000);
    const reloaded = recorder.next("jwks_fetch_success");
    await validator.validate(beforeOutage);
    await reloaded;
    expect(server.requests).toBe(2);
    // The reloaded set is the rotated one: its key verifies without another request.
    await expect(validator.validate(iss.sign())).resolves.toMatchObject({ aud: PROJECT_ID });
    expect(server.requests).toBe(2);
  });

  it("stops using the keys after staleIfError, and recovers when the endpoint is back", async () => {
    const iss = issuer("k1");
    server.setHandler(respond.jwks(iss.jwks));
    const { validator } = setup({ maxAge: 60_000, staleIfError: 120_000, cooldown: 1_000 });
    await validator.ready();

    await server.stop();
    clock.advance(120_000);
    await expectCode(() => validator.validate(iss.sign()), "ERR_JWKS_UNAVAILABLE");
    expect(() => validator.validateSync(iss.sign())).toThrow(PicketValidationError);

    await server.restart();
    clock.advance(1_000);
    await expect(validator.validate(iss.sign())).resolves.toMatchObject({ aud: PROJECT_ID });
    expect(server.requests).toBe(2);
  });
});

describe("offline jwks option", () => {
  it("never touches the network without jwksUri", async () => {
    let fetchCalls = 0;
    const noFetch: typeof globalThis.fetch = () => {
      fetchCalls += 1;
      throw new Error("the network must not be used");
    };
    const iss = issuer("k1");
    const recorder = recordEvents(clock.now);
    const validator = createValidator({
      projectId: PROJECT_ID,
      jwks: iss.jwks,
      clock: clock.now,
      fetch: noFetch,
      onEvent: recorder.onEvent,
    });

    await validator.ready();
    await expect(validator.validate(iss.sign())).resolves.toMatchObject({ aud: PROJECT_ID });
    await expectCode(() => validator.validate(issuer("other").sign()), "ERR_KEY_NOT_FOUND");
    await validator.refresh();
    clock.advance(48 * 3_600_000);
    await expect(validator.validate(iss.sign())).resolves.toMatchObject({ aud: PROJECT_ID });

    expect(fetchCalls).toBe(0);
    expect(recorder.of("jwks_fetch_start")).toEqual([]);
  });
});

describe("events", () => {
  it("reports fetch start and success", async () => {
    const iss = issuer("k1");
    server.setHandler(respond.jwks(iss.jwks));
    const { validator, recorder } = setup();

    await validator.validate(iss.sign());
    expect(recorder.events).toEqual([
      { type: "jwks_fetch_start", uri: server.url, reason: "initial" },
      { type: "jwks_fetch_success", uri: server.url, keys: 1, ignored: 0, durationMs: 0 },
    ]);
  });

  it("reports fetch failure with the error that validation throws", async () => {
    const { validator, recorder } = setup({}, { jwksUri: await deadJwksUri() });

    const error = await expectCode(() => validator.ready(), "ERR_JWKS_UNAVAILABLE");
    expect(recorder.events.map((event) => event.type)).toEqual([
      "jwks_fetch_start",
      "jwks_fetch_failure",
    ]);
    expect(recorder.of("jwks_fetch_failure")[0]?.error).toBe(error);
  });

  it("an onEvent that throws does not break validation", async () => {
    const iss = issuer("k1");
    server.setHandler(respond.jwks(iss.jwks));
    let calls = 0;
    const onEvent = (): void => {
      calls += 1;
      throw new Error("broken metrics hook");
    };
    const { validator } = setup({}, { onEvent });

    await expect(validator.validate(iss.sign())).resolves.toMatchObject({ aud: PROJECT_ID });
    // Fetch start, fetch success, validation success.
    expect(calls).toBe(3);

    // Failures keep their own error, not the hook's.
    const down = createValidator({
      projectId: PROJECT_ID,
      jwksUri: await deadJwksUri(),
      clock: clock.now,
      onEvent,
    });
    await expectCode(() => down.validate(iss.sign()), "ERR_JWKS_UNAVAILABLE");
    // Fetch start, fetch failure, validation failure.
    expect(calls).toBe(6);
  });
});

describe("refresh()", () => {
  it("fetches even within maxAge and the cooldown, picking up a rotated key", async () => {
    const iss = issuer("k1");
    server.setHandler(respond.jwks(() => iss.jwks));
    const { validator, recorder } = setup({ maxAge: 600_000, cooldown: COOLDOWN });
    await validator.ready();
    expect(server.requests).toBe(1);

    iss.rotate();
    await validator.refresh();
    expect(server.requests).toBe(2);
    expect(recorder.of("jwks_fetch_start").at(-1)?.reason).toBe("manual");
    expect(validator.validateSync(iss.sign()).aud).toBe(PROJECT_ID);
    expect(server.requests).toBe(2);
  });

  it("fetches at once after a failure, whatever the backoff", async () => {
    const iss = issuer("k1");
    server.setHandler(respond.status(500));
    const { validator } = setup({ cooldown: 60_000 });
    await expectCode(() => validator.ready(), "ERR_JWKS_UNAVAILABLE");
    await expectCode(() => validator.validate(iss.sign()), "ERR_JWKS_UNAVAILABLE");
    expect(server.requests).toBe(1);

    server.setHandler(respond.jwks(iss.jwks));
    await validator.refresh();
    expect(server.requests).toBe(2);
    await expect(validator.validate(iss.sign())).resolves.toMatchObject({ aud: PROJECT_ID });
  });

  it("rejects when the fetch fails, and keeps the cached keys", async () => {
    const iss = issuer("k1");
    server.setHandler(respond.jwks(iss.jwks));
    const { validator } = setup();
    await validator.ready();

    server.setHandler(respond.status(500));
    const error = await expectCode(() => validator.refresh(), "ERR_JWKS_UNAVAILABLE");
    expect(error.message).toMatch(/500/);
    expect(server.requests).toBe(2);
    await expect(validator.validate(iss.sign())).resolves.toMatchObject({ aud: PROJECT_ID });
  });
});
