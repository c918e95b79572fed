import { describe, expect, it } from "vitest";
import { createValidator, type ValidatorOptions } from "../../src/index.js";
import { resolveOptions } from "../../src/validator/resolve-options.js";

const projectId = "7a9c8a54-3c4e-4e1b-9a8f-2f1f6c9b0d11";

function refusal(options: unknown): string {
  try {
    resolveOptions(options as ValidatorOptions);
  } catch (error) {
    expect(error).toBeInstanceOf(TypeError);
    return (error as TypeError).message;
  }
  throw new Error(`accepted ${JSON.stringify(options)}`);
}

describe("resolveOptions: unknown keys", () => {
  it.each([
    [{ projectId, jwksURI: "https://x.example/jwks" }, "options.jwksURI", "did you mean jwksUri?"],
    [{ projectID: projectId }, "options.projectID", "did you mean projectId?"],
    [{ projectId, clocktolerance: 5 }, "options.clocktolerance", "did you mean clockTolerance?"],
    [{ projectId, algorithm: ["ES256"] }, "options.algorithm", "did you mean algorithms?"],
    [{ projectId, maxTokenSize: 1 }, "options.maxTokenSize", "did you mean maxTokenAge?"],
    [{ projectId, onevent: () => {} }, "options.onevent", "did you mean onEvent?"],
    [
      { projectId, jwksCache: { maxage: 60_000 } },
      "options.jwksCache.maxage",
      "did you mean jwksCache.maxAge?",
    ],
    [
      { projectId, jwksCache: { coolDown: 5_000 } },
      "options.jwksCache.coolDown",
      "did you mean jwksCache.cooldown?",
    ],
    [
      { projectId, jwksCache: { staleWhileError: 1 } },
      "options.jwksCache.staleWhileError",
      "did you mean jwksCache.staleIfError?",
    ],
    [
      { projectId, tokenCache: { maxSize: 10 } },
      "options.tokenCache.maxSize",
      "did you mean tokenCache.max?",
    ],
  ])("refuses %j, suggesting the nearest known key", (options, named, suggestion) => {
    const message = refusal(options);
    expect(message).toContain(`${named} is not an option of createValidator`);
    expect(message).toContain(suggestion);
  });

  it("lists the known keys when none is near", () => {
    expect(refusal({ projectId, somethingElseEntirely: 1 })).toBe(
      "options.somethingElseEntirely is not an option of createValidator; known options: projectId, jwksUri, jwks, issuer, algorithms, clockTolerance, futureSkew, maxTokenAge, requirements, clock, fetch, maxTokenBytes, jwksCache, tokenCache, onEvent",
    );
    expect(refusal({ projectId, jwksCache: { refreshEvery: 1 } })).toContain(
      "known options: maxAge, staleIfError, cooldown, timeout, maxKeys, maxBytes",
    );
  });

  it("refuses an unknown key even when its value is undefined", () => {
    expect(refusal({ projectId, jwksURI: undefined })).toContain("did you mean jwksUri?");
  });

  it("refuses unknown keys through createValidator too, before the missing projectId", () => {
    expect(() => createValidator({ projectID: projectId } as never)).toThrow(
      new TypeError(
        "options.projectID is not an option of createValidator; did you mean projectId?",
      ),
    );
  });
});

describe("resolveOptions: option groups", () => {
  it.each([
    [true, "options.tokenCache takes { max } or false, not true"],
    ["on", "options.tokenCache takes { max } or false, not a string"],
    [null, "options.tokenCache takes { max } or false, not null"],
    [[], "options.tokenCache takes { max } or false, not an array"],
    [10_000, "options.tokenCache takes { max } or false, not 10000"],
  ])("refuses tokenCache: %j", (tokenCache, message) => {
    expect(refusal({ projectId, tokenCache })).toBe(message);
  });

  it("takes tokenCache false, {} and { max }", () => {
    expect(resolveOptions({ projectId, tokenCache: false }).tokenCacheMax).toBeUndefined();
    expect(resolveOptions({ projectId, tokenCache: {} }).tokenCacheMax).toBe(10_000);
    expect(resolveOptions({ projectId, tokenCache: { max: 5 } }).tokenCacheMax).toBe(5);
  });

  it.each([
    [true, "not true"],
    ["fast", "not a string"],
    [null, "not null"],
    [[], "not an array"],
  ])("refuses jwksCache: %j", (jwksCache, tail) => {
    expect(refusal({ projectId, jwksCache })).toBe(`options.jwksCache takes an object, ${tail}`);
  });

  it("keeps the type errors of wrongly typed values", () => {
    expect(refusal({ projectId, maxTokenBytes: "8192" })).toBe(
      "options.maxTokenBytes must be a positive integer (bytes)",
    );
    expect(refusal({ projectId, jwksCache: { maxKeys: 1.5 } })).toBe(
      "options.jwksCache.maxKeys must be a positive integer (keys)",
    );
    expect(refusal({ projectId, tokenCache: { max: 0 } })).toBe(
      "options.tokenCache.max must be a positive integer (tokens)",
    );
    expect(refusal({ projectId, clock: 5 })).toBe("options.clock must be a function");
    expect(refusal({ projectId, issuer: "" })).toBe("options.issuer must be a non-empty string");
  });
});

describe("resolveOptions: durations", () => {
  it.each([
    ["clockTolerance", "30s", 30],
    ["clockTolerance", "500ms", 0.5],
    ["maxTokenAge", "12h", 43_200],
    ["maxTokenAge", "1 day", 86_400],
  ] as const)("%s: %j equals the number %d (seconds)", (option, text, seconds) => {
    expect(resolveOptions({ projectId, [option]: text })[option]).toBe(seconds);
    expect(resolveOptions({ projectId, [option]: seconds })[option]).toBe(seconds);
  });

  it.each([
    ["maxAge", "10m", 600_000],
    ["maxAge", "1s", 1_000],
    ["staleIfError", "24h", 86_400_000],
    ["staleIfError", "2 hours", 7_200_000],
    ["cooldown", "30s", 30_000],
    ["cooldown", "1.5s", 1_500],
    ["timeout", "500ms", 500],
    ["timeout", "5 seconds", 5_000],
  ] as const)("jwksCache.%s: %j equals the number %d (milliseconds)", (field, text, ms) => {
    const fromText = resolveOptions({ projectId, jwksCache: { [field]: text } });
    const fromNumber = resolveOptions({ projectId, jwksCache: { [field]: ms } });
    expect(fromText.jwksCache[field]).toBe(ms);
    expect(fromText.jwksCache).toEqual(fromNumber.jwksCache);
  });

  it("refuses a malformed duration string, naming the option and the expected forms", () => {
    expect(refusal({ projectId, jwksCache: { maxAge: "10 minutes please" } })).toBe(
      'options.jwksCache.maxAge: "10 minutes please" is not a duration; give a number of milliseconds or a string with a unit ("500ms", "30s", "10m", "24h", "1 day", "2 hours")',
    );
    expect(refusal({ projectId, maxTokenAge: "3600" })).toContain("a number of seconds");
    expect(refusal({ projectId, clockTolerance: -1 })).toContain("options.clockTolerance");
    expect(refusal({ projectId, jwksCache: { timeout: true } })).toContain(
      "options.jwksCache.timeout must be a number of milliseconds",
    );
  });

  it("still takes zero where no floor applies", () => {
    const resolved = resolveOptions({
      projectId,
      clockTolerance: 0,
      maxTokenAge: "0s",
      jwksCache: { staleIfError: 0 },
    });
    expect([resolved.clockTolerance, resolved.maxTokenAge]).toEqual([0, 0]);
    expect(resolved.jwksCache.staleIfError).toBe(0);
  });
});

describe("resolveOptions: futureSkew", () => {
  it("takes seconds or a string with a unit, up to 300 s", () => {
    expect(resolveOptions({ projectId }).futureSkew).toBe(60);
    expect(resolveOptions({ projectId, futureSkew: "5m" }).futureSkew).toBe(300);
    expect(resolveOptions({ projectId, futureSkew: 0 }).futureSkew).toBe(0);
  });

  it("refuses more than 300 s, and a negative or malformed value", () => {
    expect(refusal({ projectId, futureSkew: 301 })).toContain(
      "options.futureSkew is in seconds: 301 is 5 min; it must be at most 300 s (5 min)",
    );
    expect(refusal({ projectId, futureSkew: "1h" })).toContain(
      'options.futureSkew is in seconds: "1h" is 1 h; it must be at most 300 s (5 min)',
    );
    expect(refusal({ projectId, futureSkew: -1 })).toContain("options.futureSkew");
    expect(refusal({ projectId, futureSkew: "60" })).toContain("a number of seconds");
  });
});

describe("resolveOptions: key-cache floors", () => {
  it("refuses maxAge: 600 (seconds written as milliseconds), naming the unit and the fix", () => {
    expect(refusal({ projectId, jwksCache: { maxAge: 600 } })).toBe(
      "options.jwksCache.maxAge is in milliseconds: 600 is 600 ms; it must be at least 1000 ms (1 s); did you mean 600_000 (10 min)?",
    );
  });

  it("refuses cooldown: 0 and cooldown: 30, with the unit", () => {
    expect(refusal({ projectId, jwksCache: { cooldown: 0 } })).toBe(
      "options.jwksCache.cooldown is in milliseconds: 0 is 0 ms; it must be at least 1000 ms (1 s)",
    );
    expect(refusal({ projectId, jwksCache: { cooldown: 30 } })).toBe(
      "options.jwksCache.cooldown is in milliseconds: 30 is 30 ms; it must be at least 1000 ms (1 s); did you mean 30_000 (30 s)?",
    );
  });

  it("refuses a string under the floor without guessing", () => {
    expect(refusal({ projectId, jwksCache: { maxAge: "500ms" } })).toBe(
      'options.jwksCache.maxAge is in milliseconds: "500ms" is 500 ms; it must be at least 1000 ms (1 s)',
    );
  });

  it("takes exactly 1 s, as a number or a string", () => {
    for (const value of [1_000, "1s", "1000ms"]) {
      const { jwksCache } = resolveOptions({
        projectId,
        jwksCache: { maxAge: value, cooldown: value },
      });
      expect([jwksCache.maxAge, jwksCache.cooldown]).toEqual([1_000, 1_000]);
    }
  });
});

describe("createValidator: durations out of their unit's range", () => {
  function createRefusal(options: Omit<ValidatorOptions, "projectId">): string {
    try {
      createValidator({ projectId, ...options });
    } catch (error) {
      expect(error).toBeInstanceOf(TypeError);
      return (error as TypeError).message;
    }
    throw new Error(`accepted ${JSON.stringify(options)}`);
  }

  it.each<[Omit<ValidatorOptions, "projectId">, string]>([
    [
      { clockTolerance: 30_000 },
      "options.clockTolerance is in seconds: 30000 is 8.3 h; it must be at most 300 s (5 min); did you mean 30 (30 s)?",
    ],
    [
      { clockTolerance: "10m" },
      'options.clockTolerance is in seconds: "10m" is 10 min; it must be at most 300 s (5 min)',
    ],
    [
      { maxTokenAge: 86_400_000 },
      "options.maxTokenAge is in seconds: 86400000 is 1000 d; it must be at most 31_536_000 s (365 d); did you mean 86_400 (1 d)?",
    ],
    [
      { jwksCache: { timeout: 5 } },
      "options.jwksCache.timeout is in milliseconds: 5 is 5 ms; it must be at least 100 ms; did you mean 5_000 (5 s)?",
    ],
    [
      { jwksCache: { timeout: 0 } },
      "options.jwksCache.timeout is in milliseconds: 0 is 0 ms; it must be at least 100 ms",
    ],
    [
      { jwksCache: { staleIfError: 60 } },
      "options.jwksCache.staleIfError is in milliseconds: 60 is 60 ms; it must be 0 (off) or at least 1000 ms (1 s); did you mean 60_000 (1 min)?",
    ],
  ])("refuses %j, naming the unit and the likely value", (options, message) => {
    expect(createRefusal(options)).toBe(message);
  });

  it("takes the edges of each range", () => {
    expect(() =>
      createValidator({
        projectId,
        clockTolerance: 300,
        maxTokenAge: "365 days",
        jwksCache: { timeout: 100, staleIfError: 1_000 },
      }),
    ).not.toThrow();
    expect(() => createValidator({ projectId, jwksCache: { staleIfError: 0 } })).not.toThrow();
  });
});

describe("resolveOptions: suggestions stay relevant", () => {
  it("does not guess from one or two letters", () => {
    expect(refusal({ projectId, x: 1 })).toContain("known options:");
    expect(refusal({ projectId, tokenCache: { ma: 1 } })).toContain("did you mean tokenCache.max?");
  });
});

describe("resolveOptions: what each refusal says", () => {
  it.each([
    [null, "createValidator needs an options object with a projectId"],
    [undefined, "createValidator needs an options object with a projectId"],
    ["abc", "createValidator needs an options object with a projectId"],
    [{ projectId, issuer: "" }, "options.issuer must be a non-empty string"],
    [{ projectId, issuer: 5 }, "options.issuer must be a non-empty string"],
    [{ projectId, jwksUri: "not a url" }, "options.jwksUri must be an absolute URL"],
    [
      { projectId, jwksUri: "http://keys.example/jwks.json" },
      "options.jwksUri must use https: (http: only for loopback hosts)",
    ],
    [{ projectId, jwks: {} }, 'options.jwks must be a JWKS object: { "keys": [...] }'],
    [{ projectId, jwks: null }, 'options.jwks must be a JWKS object: { "keys": [...] }'],
    [{ projectId, jwks: { keys: {} } }, 'options.jwks must be a JWKS object: { "keys": [...] }'],
    [{ projectId, algorithms: [] }, "options.algorithms must be a non-empty array"],
    [
      { projectId, algorithms: ["ES256", "HS256"] },
      'options.algorithms: "HS256" is not allowed; only asymmetric algorithms (ES256, ES384, ES512, RS256, RS384, RS512, PS256, PS384, PS512, EdDSA, Ed25519) are',
    ],
    [{ projectId, fetch: 5 }, "options.fetch must be a function"],
    [{ projectId, onEvent: "log" }, "options.onEvent must be a function"],
    [{ projectId, clock: 0 }, "options.clock must be a function"],
    [
      { projectId, jwksCache: { maxAge: 1 } },
      "options.jwksCache.maxAge is in milliseconds: 1 is 1 ms; it must be at least 1000 ms (1 s); did you mean 1_000 (1 s)?",
    ],
    [
      { projectId, jwksCache: { max: 5 } },
      "options.jwksCache.max is not an option of createValidator; did you mean jwksCache.maxAge?",
    ],
  ])("refuses %j: %s", (options, message) => {
    expect(refusal(options)).toBe(message);
  });

  it("says when there is no fetch to load keys with", () => {
    const saved = globalThis.fetch;
    Reflect.deleteProperty(globalThis, "fetch");
    try {
      expect(refusal({ projectId })).toBe("No fetch implementation: pass options.fetch");
    } finally {
      globalThis.fetch = saved;
    }
  });

  it("suggests a key at the distance limit, and nothing one edit beyond it", () => {
    expect(refusal({ projectId, cloxx: 1 })).toContain("did you mean clock?");
    expect(refusal({ projectId, cloxxx: 1 })).toContain("known options: projectId,");
  });

  it("suggests the first of two keys equally near", () => {
    expect(refusal({ projectId, jwksCache: { maxKeyAge: 1 } })).toContain(
      "did you mean jwksCache.maxAge?",
    );
  });
});
