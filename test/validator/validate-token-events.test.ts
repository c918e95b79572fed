import { afterEach, describe, expect, it, vi } from "vitest";
import {
  createValidator,
  type Requirements,
  type Validator,
  type ValidatorEvent,
  type ValidatorOptions,
} from "../../src/index.js";
import { createTestIssuer } from "../../src/testing/index.js";
import { validateToken, validateTokenSync } from "../../src/validator/validate-token.js";
import { createManualClock } from "../helpers/clock.js";
import { expectCode } from "../helpers/expect-code.js";
import { jsonResponse, stubFetch } from "../helpers/fetch-stub.js";
import {
  encodePart,
  flipSignatureBit,
  forgeToken,
  hmacSigner,
  tokenParts,
} from "../helpers/forge.js";
import { createPipeline } from "../helpers/pipeline.js";

const PROJECT_ID = "3c9e1f2a-5b4d-4e6f-8a7b-9c0d1e2f3a4b";
const CONTRACT = "0x8a90CAb2b38dba80c64b7734e58Ee1dB38B8992e";
const OTHER_CONTRACT = "0x1111111111111111111111111111111111111111";
const URI = "https://keys.example/.well-known/jwks.json";

const clock = createManualClock(Date.UTC(2026, 3, 1));
const issuer = createTestIssuer({ projectId: PROJECT_ID, kid: "k1", clock: clock.now });
const kidless = createTestIssuer({ projectId: PROJECT_ID, clock: clock.now });

/** A validator whose events land in `events`: offline on the issuers' keys, unless `remote`. */
function recorded(options: Partial<ValidatorOptions> = {}, remote = false) {
  const events: ValidatorEvent[] = [];
  const validator = createValidator({
    projectId: PROJECT_ID,
    ...(remote ? {} : { jwks: { keys: [...issuer.jwks.keys, ...kidless.jwks.keys] } }),
    clock: clock.now,
    onEvent: (event) => {
      events.push(event);
    },
    ...options,
  });
  return { validator, events };
}

/** The validation events only (not the key-set events). */
function outcomes(events: readonly ValidatorEvent[]): ValidatorEvent[] {
  return events.filter((event) => event.type.startsWith("validation_"));
}

type Way = (validator: Validator, token: string, requirements?: Requirements) => Promise<unknown>;
const WAYS: [string, Way][] = [
  ["validate", (validator, token, requirements) => validator.validate(token, requirements)],
  [
    "validateSync",
    async (validator, token, requirements) => validator.validateSync(token, requirements),
  ],
];

afterEach(() => {
  vi.restoreAllMocks();
});

describe.each(WAYS)("%s reports", (_name, run) => {
  it("a success: the kid, whether the cache answered, the duration", async () => {
    const { validator, events } = recorded();
    const token = issuer.sign();
    await run(validator, token);
    // Cached on its second sight, answered from the cache on the third.
    await run(validator, token);
    await run(validator, token);
    await run(validator, kidless.sign());
    const [first, , second, third] = outcomes(events);
    expect(first).toEqual({
      type: "validation_success",
      kid: "k1",
      cached: false,
      durationMs: expect.any(Number),
    });
    expect(second).toMatchObject({ type: "validation_success", cached: true });
    expect(third).toEqual({ ...first, kid: undefined, durationMs: expect.any(Number) });
    expect(outcomes(events)).toHaveLength(4);
  });

  it("the duration as performance.now measures it", async () => {
    const { validator, events } = recorded();
    const now = vi.spyOn(performance, "now");
    now.mockReturnValueOnce(1_000).mockReturnValueOnce(1_042.5);
    await run(validator, issuer.sign());
    now.mockReturnValueOnce(2_000).mockReturnValueOnce(2_007);
    await expectCode(() => run(validator, "a.b"), "ERR_TOKEN_MALFORMED");
    expect(outcomes(events).map((event) => "durationMs" in event && event.durationMs)).toEqual([
      42.5, 7,
    ]);
  });

  it("a failed claim by name, without a header member", async () => {
    const { validator, events } = recorded();
    await expectCode(
      () => run(validator, issuer.sign({}, { expiresIn: -60 })),
      "ERR_TOKEN_EXPIRED",
    );
    const [event] = outcomes(events);
    expect(event).toEqual({
      type: "validation_failure",
      code: "ERR_TOKEN_EXPIRED",
      claim: "exp",
      requirements: [],
      uncounted: [],
      kid: "k1",
      cached: false,
      durationMs: expect.any(Number),
    });
    expect(event).not.toHaveProperty("header");
  });

  it("a failed header member by name, without a claim, and no kid when the header was refused", async () => {
    const { validator, events } = recorded();
    const token = forgeToken({ alg: "HS256", kid: "k1" }, { sub: "x" }, hmacSigner("secret"));
    await expectCode(() => run(validator, token), "ERR_ALG_NOT_ALLOWED");
    const [event] = outcomes(events);
    expect(event).toEqual({
      type: "validation_failure",
      code: "ERR_ALG_NOT_ALLOWED",
      header: "alg",
      requirements: [],
      uncounted: [],
      kid: undefined,
      cached: false,
      durationMs: expect.any(Number),
    });
    expect(event).not.toHaveProperty("claim");
  });

  it("a failure with neither claim nor header: no such members at all", async () => {
    const { validator, events } = recorded();
    await expectCode(
      () => run(validator, flipSignatureBit(issuer.sign())),
      "ERR_SIGNATURE_INVALID",
    );
    const [event] = outcomes(events);
    expect(event).toMatchObject({ code: "ERR_SIGNATURE_INVALID", kid: "k1" });
    expect(event).not.toHaveProperty("claim");
    expect(event).not.toHaveProperty("header");
  });

  it("the requirements that failed, and the requested keys that counted nothing", async () => {
    const { validator, events } = recorded();
    const token = issuer.sign({
      tokenBalances: { contractAddress: { [OTHER_CONTRACT]: "5" } },
    });
    const requirements = {
      contractAddress: CONTRACT,
      minTokenBalance: "1",
      allowedWallets: [OTHER_CONTRACT],
    };
    for (let seen = 0; seen < 3; seen += 1) {
      await expectCode(() => run(validator, token, requirements), "ERR_REQUIREMENTS_NOT_MET");
    }
    const [first, , second] = outcomes(events);
    expect(first).toEqual({
      type: "validation_failure",
      code: "ERR_REQUIREMENTS_NOT_MET",
      requirements: ["allowedWallets", "tokenBalance"],
      uncounted: ["contractAddress"],
      kid: "k1",
      cached: false,
      durationMs: expect.any(Number),
    });
    const { kid: _kid, ...rest } = first as Extract<ValidatorEvent, { type: "validation_failure" }>;
    expect(second).toMatchObject({ ...rest, cached: true, durationMs: expect.any(Number) });
  });

  it("nothing for a programming mistake: malformed requirements are a TypeError, not an outcome", async () => {
    const { validator, events } = recorded();
    const thrown = await run(validator, issuer.sign(), { minTokenBalance: "1" }).catch(
      (error: unknown) => error,
    );
    expect(thrown).toBeInstanceOf(TypeError);
    expect((thrown as TypeError).message).toMatch(/minTokenBalance/);
    expect(events).toEqual([]);
  });
});

describe("events never carry the token or a claim's value", () => {
  const wallet = "0xAbCdEf0123456789aBcDeF0123456789AbCdEf01";
  const secrets = {
    sub: `ethereum:${wallet}`,
    walletAddress: wallet,
    displayAddress: "vitalik-lookalike.eth",
    email: "holder@example.com",
    tid: "6d2f0c1e-private-token-id",
    contractAddress: CONTRACT,
    tokenBalance: "1337.4242",
    tokenIds: ["78AZe2223PknLYT9mn2VCJPAsdvuB6LzFAhgQeVoxddW"],
    tokenBalances: { contractAddress: { [CONTRACT]: "98765.4321" } },
  };

  /** Every value a claim of these tokens holds, as text an event could leak. */
  const leaks = [
    wallet,
    wallet.toLowerCase(),
    secrets.displayAddress,
    secrets.email,
    secrets.tid,
    secrets.tokenBalance,
    "98765.4321",
    secrets.tokenIds[0] as string,
    CONTRACT,
    CONTRACT.toLowerCase(),
    PROJECT_ID,
  ];

  function serialize(events: readonly ValidatorEvent[]): string {
    return JSON.stringify(events, (_key, value: unknown) =>
      value instanceof Error ? { ...value, name: value.name, message: value.message } : value,
    );
  }

  it.each(WAYS)("through %s, whatever the outcome", async (_name, run) => {
    const unknownKid = createTestIssuer({ projectId: PROJECT_ID, kid: "k-unknown" });
    const { fetch } = stubFetch(() => jsonResponse(JSON.stringify(issuer.jwks)));
    const remote = recorded({ jwksUri: URI, fetch }, true);
    await remote.validator.ready();
    const offline = recorded();
    const tokens = [
      issuer.sign(secrets),
      issuer.sign(secrets, { expiresIn: -60 }),
      issuer.sign({ ...secrets, aud: "another-project" }),
      issuer.sign({ ...secrets, iss: "evil.example" }),
      flipSignatureBit(issuer.sign(secrets)),
      unknownKid.sign(secrets),
      forgeToken({ alg: "none" }, secrets),
      `${tokenParts(issuer.sign(secrets)).slice(0, 2).join(".")}.`,
    ];
    const requirements = [
      undefined,
      { contractAddress: CONTRACT, minTokenBalance: "100000" },
      { allowedWallets: ["0x0000000000000000000000000000000000000001"] },
      { chain: "solana" },
    ];
    for (const validator of [offline.validator, remote.validator]) {
      for (const token of tokens) {
        for (const each of requirements) {
          await run(validator, token, each).catch(() => undefined);
          await run(validator, token, each).catch(() => undefined);
        }
      }
    }
    const events = [...offline.events, ...remote.events];
    expect(outcomes(events).length).toBeGreaterThanOrEqual(tokens.length * requirements.length * 4);
    expect(new Set(events.map((event) => event.type))).toContain("validation_failure");
    const text = serialize(events);
    for (const token of tokens) {
      for (const part of tokenParts(token)) {
        if (part.length > 8) expect(text).not.toContain(part);
      }
    }
    for (const leak of leaks) expect(text.toLowerCase()).not.toContain(leak.toLowerCase());
    expect(text).not.toContain(encodePart(secrets));
  });
});

describe("an onEvent that fails", () => {
  async function settle(): Promise<void> {
    // Unhandled rejections are reported once the microtask queue drains: let the loop turn.
    for (let turn = 0; turn < 3; turn += 1) await new Promise((resolve) => setImmediate(resolve));
  }

  it.each([
    [
      "rejecting (an async hook)",
      async () => {
        throw new Error("metrics backend down");
      },
    ],
    [
      "throwing",
      () => {
        throw new Error("metrics backend down");
      },
    ],
  ])(
    "%s, on the event path of an unknown kid, leaves the verdict as it was and nothing unhandled",
    async (_label, onEvent) => {
      const unhandled: unknown[] = [];
      const listener = (reason: unknown) => unhandled.push(reason);
      process.on("unhandledRejection", listener);
      try {
        const stranger = createTestIssuer({ projectId: PROJECT_ID, kid: "k-unknown" });
        const answers = () => stubFetch(() => jsonResponse(JSON.stringify(issuer.jwks)));
        const options = { projectId: PROJECT_ID, jwksUri: URI, clock: clock.now };
        const quiet = createValidator({ ...options, fetch: answers().fetch });
        const failing = createValidator({ ...options, fetch: answers().fetch, onEvent });
        const token = stranger.sign();
        const expected = await expectCode(() => quiet.validate(token), "ERR_KEY_NOT_FOUND");
        const error = await expectCode(() => failing.validate(token), "ERR_KEY_NOT_FOUND");
        expect(error.message).toBe(expected.message);
        // Again, within the cooldown: the jwks_cooldown event fails too.
        await expectCode(() => failing.validate(token), "ERR_KEY_NOT_FOUND");
        expect((await failing.validate(issuer.sign())).aud).toBe(PROJECT_ID);
        await settle();
        expect(unhandled).toEqual([]);
      } finally {
        process.off("unhandledRejection", listener);
      }
    },
  );
});

describe("the pipeline's events", () => {
  const pipeline = (onEvent?: (event: ValidatorEvent) => void, tokenCache?: number) =>
    createPipeline({
      projectId: PROJECT_ID,
      clock: clock.now,
      jwks: issuer.jwks,
      ...(onEvent === undefined ? {} : { onEvent }),
      ...(tokenCache === undefined ? {} : { tokenCache }),
    });

  it("without onEvent, gives the same verdicts", async () => {
    const plain = pipeline();
    expect((await validateToken(plain, issuer.sign(), undefined)).aud).toBe(PROJECT_ID);
    expect(validateTokenSync(plain, issuer.sign(), undefined).aud).toBe(PROJECT_ID);
    await expectCode(() => validateToken(plain, "a.b", undefined), "ERR_TOKEN_MALFORMED");
    await expectCode(() => validateTokenSync(plain, "a.b", undefined), "ERR_TOKEN_MALFORMED");
  });

  it("with onEvent, passes claims and errors through as they are", async () => {
    const emit = vi.fn();
    const reporting = pipeline(emit);
    const claims = await validateToken(reporting, issuer.sign(), undefined);
    expect(claims.aud).toBe(PROJECT_ID);
    expect(validateTokenSync(reporting, issuer.sign(), undefined).walletAddress).toBe(
      issuer.walletAddress,
    );
    const error = await expectCode(
      () => validateToken(reporting, "a.b", undefined),
      "ERR_TOKEN_MALFORMED",
    );
    expect(() => validateTokenSync(reporting, "a.b", undefined)).toThrow(error.message);
    expect(emit.mock.calls.map(([event]) => event.type)).toEqual([
      "validation_success",
      "validation_success",
      "validation_failure",
      "validation_failure",
    ]);
  });

  it("reports nothing for a programming mistake, which is not a verdict", async () => {
    const emit = vi.fn();
    const reporting = pipeline(emit);
    const malformed = { minTokenBalance: "lots" } as unknown as Requirements;
    await expect(validateToken(reporting, issuer.sign(), malformed)).rejects.toThrow(TypeError);
    expect(() => validateTokenSync(reporting, issuer.sign(), malformed)).toThrow(TypeError);
    expect(emit).not.toHaveBeenCalled();
  });

  it("each call learns for itself: a cached answer does not mark the next call", async () => {
    const events: ValidatorEvent[] = [];
    const reporting = pipeline((event) => events.push(event), 10);
    const token = issuer.sign();
    await validateToken(reporting, token, undefined);
    await validateToken(reporting, token, undefined);
    await validateToken(reporting, token, undefined);
    await validateToken(reporting, kidless.sign(), undefined).catch(() => undefined);
    validateTokenSync(reporting, token, undefined);
    expect(events.map((event) => ("cached" in event ? event.cached : undefined))).toEqual([
      false,
      false,
      true,
      false,
      true,
    ]);
    expect(events.map((event) => ("kid" in event ? event.kid : "none"))[0]).toBe("k1");
    expect(events.map((event) => ("kid" in event ? event.kid : "none"))[3]).toBeUndefined();
  });
});
