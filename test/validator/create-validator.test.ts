import { describe, expect, it, vi } from "vitest";
import {
  createValidator,
  decodeUnverified,
  type Requirements,
  type ValidatorEvent,
  type ValidatorOptions,
} from "../../src/index.js";
import { createTestIssuer } from "../../src/testing/index.js";
import { expectCode } from "../helpers/expect-code.js";
import { jsonResponse, stubFetch } from "../helpers/fetch-stub.js";

const CONTRACT = "0x8a90CAb2b38dba80c64b7734e58Ee1dB38B8992e";
const WALLET = "0x000000000000000000000000000000000000dEaD";
const issuer = createTestIssuer({ kid: "k1" });
describe("createValidator option checks", () => {
  const projectId = "6f1c3a0e-8f3e-4c1b-9a55-3f1e0b2d4c6a";
  const jwks = { keys: [] };

  function expectTypeError(options: unknown) {
    expect(() => createValidator(options as ValidatorOptions)).toThrow(TypeError);
  }

  it("accepts minimal valid options", () => {
    expect(() => createValidator({ projectId })).not.toThrow();
    expect(() => createValidator({ projectId, jwks })).not.toThrow();
  });

  it("refuses a missing or empty projectId", () => {
    expectTypeError({});
    expectTypeError({ jwks });
    expectTypeError({ projectId: "" });
    expectTypeError({ projectId: 42 });
    expectTypeError(undefined);
  });

  it.each([
    ["none", ["none"]],
    ["HS256", ["HS256"]],
    ["HS384 and HS512", ["HS384", "HS512"]],
    ["an empty list", []],
    ["ES256K", ["ES256K"]],
    ["ES256 mixed with HS256", ["ES256", "HS256"]],
    ["ES256 mixed with none", ["ES256", "none"]],
    ["lower-case es256", ["es256"]],
  ])("refuses algorithms: %s", (_name, algorithms) => {
    expectTypeError({ projectId, algorithms });
  });

  it("accepts asymmetric algorithms", () => {
    expect(() =>
      createValidator({ projectId, algorithms: ["ES256", "RS256", "EdDSA"] }),
    ).not.toThrow();
  });

  it.each([
    "http://example.com/jwks.json",
    "http://localhost.example.com/jwks.json",
    "http://127.0.0.1.nip.io/jwks.json",
    "ftp://example.com/jwks.json",
    "file:///etc/jwks.json",
    "not a url",
  ])("refuses jwksUri %s", (jwksUri) => {
    expectTypeError({ projectId, jwksUri });
  });

  it.each([
    "http://127.0.0.1:1/x",
    "http://localhost/x",
    "http://[::1]:8080/jwks.json",
    "https://example.com/jwks.json",
  ])("accepts jwksUri %s", (jwksUri) => {
    expect(() => createValidator({ projectId, jwksUri })).not.toThrow();
    expect(() => createValidator({ projectId, jwksUri: new URL(jwksUri) })).not.toThrow();
  });

  it("refuses negative or non-finite times", () => {
    expectTypeError({ projectId, clockTolerance: -1 });
    expectTypeError({ projectId, clockTolerance: Number.NaN });
    expectTypeError({ projectId, maxTokenAge: -1 });
    expectTypeError({ projectId, jwksCache: { maxAge: -1 } });
    expectTypeError({ projectId, jwksCache: { cooldown: -1 } });
    expectTypeError({ projectId, jwksCache: { timeout: -1 } });
    expectTypeError({ projectId, jwksCache: { staleIfError: -1 } });
  });

  it("accepts zero times", () => {
    expect(() =>
      createValidator({
        projectId,
        clockTolerance: 0,
        maxTokenAge: 0,
        jwksCache: { staleIfError: 0 },
      }),
    ).not.toThrow();
  });

  it("refuses maxTokenBytes 0 and other non-positive sizes", () => {
    expectTypeError({ projectId, maxTokenBytes: 0 });
    expectTypeError({ projectId, maxTokenBytes: -1 });
    expectTypeError({ projectId, maxTokenBytes: 1.5 });
    expectTypeError({ projectId, maxTokenBytes: "8192" });
  });

  it.each([
    ["an empty object", {}],
    ["an array", []],
    ["a string", '{"keys":[]}'],
    ["keys not an array", { keys: "none" }],
    ["null", null],
  ])("refuses jwks that is %s", (_name, value) => {
    expectTypeError({ projectId, jwks: value });
  });

  it("refuses a clock that is not a function", () => {
    expectTypeError({ projectId, clock: 123 });
    expectTypeError({ projectId, clock: new Date() });
    expect(() => createValidator({ projectId, clock: () => Date.UTC(2026, 0, 1) })).not.toThrow();
  });

  it("calls the clock once at creation and refuses one that does not return milliseconds", () => {
    const seconds = vi.fn(() => Date.now() / 1000);
    expect(() => createValidator({ projectId, clock: seconds })).toThrow(
      /^options\.clock must return the time in milliseconds, like Date\.now\(\); it returned \d+(\.\d+)? \(seconds, by the look of it: multiply by 1000\)$/,
    );
    expect(seconds).toHaveBeenCalledTimes(1);
    for (const clock of [() => Number.NaN, () => "1765000000000", () => 0]) {
      expect(() => createValidator({ projectId, clock: clock as () => number })).toThrow(
        /^options\.clock must return the time in milliseconds, like Date\.now\(\); it returned /,
      );
    }
  });
});

describe("createValidator: options errors reach the caller", () => {
  it("throws the resolver's TypeError at once, naming the option", () => {
    expect(() => createValidator({} as ValidatorOptions)).toThrow(/projectId/);
    expect(() => createValidator({ projectId: "p", maxTokenBytes: 0 })).toThrow(/maxTokenBytes/);
    expect(() =>
      createValidator({ projectId: "p", jwksCache: { cooldown: -1 } } as ValidatorOptions),
    ).toThrow(/cooldown/);
  });

  it("refuses malformed requirements of its own at construction, not at the first token", () => {
    expect(() =>
      createValidator({
        projectId: "p",
        jwks: issuer.jwks,
        requirements: { minTokenBalance: "1" },
      }),
    ).toThrow(TypeError);
    expect(() =>
      createValidator({
        projectId: "p",
        jwks: issuer.jwks,
        requirements: { contractAddress: CONTRACT, minTokenBalance: "-1" },
      }),
    ).toThrow(TypeError);
  });

  it("refuses an onEvent that is not a function", () => {
    expect(() =>
      createValidator({ projectId: "p", onEvent: "log" as unknown as () => void }),
    ).toThrow(TypeError);
  });
});

describe("createValidator: the validator's own requirements", () => {
  it("are undefined when it has none", () => {
    expect(createValidator({ projectId: "p", jwks: issuer.jwks }).requirements).toBeUndefined();
  });

  it("are exposed as a frozen copy, arrays frozen too", () => {
    const requirements: Requirements = {
      chain: "ethereum",
      contractAddress: CONTRACT,
      allowedWallets: [WALLET],
    };
    const validator = createValidator({ projectId: "p", jwks: issuer.jwks, requirements });
    const exposed = validator.requirements;
    expect(exposed).toEqual(requirements);
    expect(exposed).not.toBe(requirements);
    expect(Object.isFrozen(exposed)).toBe(true);
    expect(Object.isFrozen(exposed?.allowedWallets)).toBe(true);
    expect(exposed?.allowedWallets).not.toBe(requirements.allowedWallets);
    expect(Object.isFrozen(requirements)).toBe(false);
    expect(Object.isFrozen(requirements.allowedWallets)).toBe(false);
    // The caller's object stays the caller's: changing it later changes nothing exposed.
    (requirements.allowedWallets as string[]).push("0x0000000000000000000000000000000000000001");
    requirements.chain = "solana";
    expect(exposed).toEqual({
      chain: "ethereum",
      contractAddress: CONTRACT,
      allowedWallets: [WALLET],
    });
  });

  it("refuse per-call requirements that are not a plain object, rather than drop inherited keys", async () => {
    const validator = issuer.validator({ requirements: { chain: "ethereum" } });
    const inherited = Object.create({ contractAddress: CONTRACT }) as Requirements;
    await expect(validator.validate(issuer.sign(), inherited)).rejects.toThrow(
      /^requirements must be a plain object/,
    );
  });

  it("refuse an empty collection list at construction: it would admit every wallet", () => {
    expect(() => issuer.validator({ requirements: { collection: [] } })).toThrow(
      /^requirements\.collection must be a non-empty array/,
    );
  });

  it("apply to every call, under the call's own", async () => {
    const validator = issuer.validator({ requirements: { chain: "solana" } });
    await expectCode(() => validator.validate(issuer.sign()), "ERR_REQUIREMENTS_NOT_MET");
    expect((await validator.validate(issuer.sign(), { chain: "ethereum" })).chain).toBe("ethereum");
  });
});

describe("createValidator: wiring", () => {
  it("validates synchronously right after createValidator({ jwks }), without ready()", () => {
    const validator = createValidator({ projectId: issuer.projectId, jwks: issuer.jwks });
    expect(validator.validateSync(issuer.sign()).aud).toBe(issuer.projectId);
  });

  it("ready() and refresh() resolve for an offline key set, and never fetch", async () => {
    const { fetch, requests } = stubFetch(() => jsonResponse(JSON.stringify(issuer.jwks)));
    const validator = createValidator({ projectId: issuer.projectId, jwks: issuer.jwks, fetch });
    await expect(validator.ready()).resolves.toBeUndefined();
    await expect(validator.refresh()).resolves.toBeUndefined();
    expect(requests).toEqual([]);
  });

  it("ready() loads the key set of a jwksUri, and refresh() fetches it again", async () => {
    const { fetch, requests } = stubFetch(() => jsonResponse(JSON.stringify(issuer.jwks)));
    const validator = createValidator({
      projectId: issuer.projectId,
      jwksUri: "https://keys.example/jwks.json",
      fetch,
    });
    await expectCode(() => validator.validateSync(issuer.sign()), "ERR_KEY_NOT_FOUND");
    await validator.ready();
    expect(validator.validateSync(issuer.sign()).aud).toBe(issuer.projectId);
    await validator.refresh();
    expect(requests).toHaveLength(2);
  });

  it("offers decodeUnverified, the standalone function", () => {
    const validator = createValidator({ projectId: "p", jwks: issuer.jwks });
    expect(validator.decodeUnverified).toBe(decodeUnverified);
  });

  it("checks the token cache's entries against the key store: a key no longer current is not served", async () => {
    const rotated = createTestIssuer({ kid: "k2", projectId: issuer.projectId });
    let keys = issuer.jwks;
    const { fetch } = stubFetch(() => jsonResponse(JSON.stringify(keys)));
    const validator = createValidator({
      projectId: issuer.projectId,
      jwksUri: "https://keys.example/jwks.json",
      fetch,
    });
    const token = issuer.sign();
    expect((await validator.validate(token)).aud).toBe(issuer.projectId);
    keys = rotated.jwks;
    await validator.refresh();
    await expectCode(() => validator.validate(token), "ERR_KEY_NOT_FOUND");
  });

  it("holds claims to its issuer, project, tolerance and maxTokenAge", async () => {
    const now = Math.floor(Date.now() / 1000);
    const strict = issuer.validator({ issuer: "other.example", tokenCache: false });
    await expectCode(() => strict.validate(issuer.sign()), "ERR_ISSUER_INVALID");
    const lenient = issuer.validator({ clockTolerance: 120, tokenCache: false });
    expect((await lenient.validate(issuer.sign({ exp: now - 60 }))).aud).toBe(issuer.projectId);
    const aged = issuer.validator({ maxTokenAge: 60, tokenCache: false });
    await expectCode(() => aged.validate(issuer.sign({ iat: now - 600 })), "ERR_CLAIM_INVALID");
    const other = createValidator({ projectId: "another", jwks: issuer.jwks });
    await expectCode(() => other.validate(issuer.sign()), "ERR_AUDIENCE_INVALID");
  });

  it("reads the token size limit from maxTokenBytes", async () => {
    const token = issuer.sign();
    const tight = issuer.validator({ maxTokenBytes: token.length - 1 });
    await expectCode(() => tight.validate(token), "ERR_TOKEN_TOO_LARGE");
    expect((await issuer.validator({ maxTokenBytes: token.length }).validate(token)).aud).toBe(
      issuer.projectId,
    );
  });

  it("uses the clock it is given for claims", async () => {
    const later = Date.now() + 7_200_000;
    const validator = issuer.validator({ clock: () => later, tokenCache: false });
    await expectCode(() => validator.validate(issuer.sign()), "ERR_TOKEN_EXPIRED");
  });
});

describe("createValidator: events", () => {
  it("spends nothing on events when there is no onEvent: not even a clock reading", async () => {
    const now = vi.spyOn(performance, "now");
    const validator = createValidator({ projectId: issuer.projectId, jwks: issuer.jwks });
    expect((await validator.validate(issuer.sign())).aud).toBe(issuer.projectId);
    expect(validator.validateSync(issuer.sign()).aud).toBe(issuer.projectId);
    await expectCode(() => validator.validate("a.b"), "ERR_TOKEN_MALFORMED");
    expect(now).not.toHaveBeenCalled();
    now.mockRestore();
  });

  it("reports every outcome to onEvent", async () => {
    const events: ValidatorEvent[] = [];
    const validator = createValidator({
      projectId: issuer.projectId,
      jwks: issuer.jwks,
      onEvent: (event) => events.push(event),
    });
    await validator.validate(issuer.sign());
    validator.validateSync(issuer.sign());
    await expectCode(() => validator.validate("a.b"), "ERR_TOKEN_MALFORMED");
    expect(events.map((event) => event.type)).toEqual([
      "validation_success",
      "validation_success",
      "validation_failure",
    ]);
  });

  it("passes the key store's events to onEvent", async () => {
    const events: ValidatorEvent[] = [];
    const { fetch } = stubFetch(() => jsonResponse(JSON.stringify(issuer.jwks)));
    const validator = createValidator({
      projectId: issuer.projectId,
      jwksUri: "https://keys.example/jwks.json",
      fetch,
      onEvent: (event) => events.push(event),
    });
    await validator.ready();
    expect(events.map((event) => event.type)).toEqual(["jwks_fetch_start", "jwks_fetch_success"]);
  });
});
