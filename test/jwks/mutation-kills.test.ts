import { generateKeyPairSync, type KeyObject } from "node:crypto";
import { describe, expect, it } from "vitest";
import {
  createValidator,
  isPicketValidationError,
  type PicketValidationError,
  type ValidatorEvent,
  type ValidatorOptions,
} from "../../src/index.js";
import { fetchJwks } from "../../src/jwks/fetch-jwks.js";
import { importKeySet } from "../../src/jwks/import-key-set.js";
import { KeyStore, type KeyStoreOptions } from "../../src/jwks/key-store.js";
import { parseJsonSafely } from "../../src/shared/parse-json-safely.js";
import { createTestIssuer } from "../../src/testing/index.js";
import { SUPPORTED_ALGORITHMS } from "../../src/verify/algorithms.js";

// Edge cases of src/jwks that mutation testing (npm run mutation) showed no other test pinned:
// the exact limits and messages of the key-set fetch, the entries the import skips, how the key
// store answers lookups, when it fetches and what it reports. Everything here is offline: the
// "endpoint" is a fetch stub returning hand-made Responses.

const URI = "https://keys.example/.well-known/jwks.json";
const ES256 = SUPPORTED_ALGORITHMS.get("ES256");
const RS256 = SUPPORTED_ALGORITHMS.get("RS256");
if (ES256 === undefined || RS256 === undefined) throw new Error("missing algorithm specs");

const issuer = createTestIssuer({ kid: "k1" });
const jwksText = JSON.stringify(issuer.jwks);

async function rejection(run: () => Promise<unknown>): Promise<PicketValidationError> {
  try {
    await run();
  } catch (error) {
    if (isPicketValidationError(error)) return error;
    throw error;
  }
  throw new Error("expected a PicketValidationError");
}

/** A fetch stub answering every request with `answer()`, recording the requests. */
function stub(answer: () => Response | Promise<Response>) {
  const requests: { url: string; init: RequestInit | undefined }[] = [];
  const fetchStub = (async (input: RequestInfo | URL, init?: RequestInit) => {
    requests.push({ url: String(input), init });
    return answer();
  }) as typeof fetch;
  return { fetch: fetchStub, requests };
}

const limits = { fetch: stub(() => new Response("{}")).fetch, timeout: 5_000, maxBytes: 1_000 };

function json(body: string, headers: Record<string, string> = {}): Response {
  return new Response(body, { headers: { "content-type": "application/json", ...headers } });
}

function streamOf(chunks: Uint8Array[], fail = false): ReadableStream<Uint8Array> {
  return new ReadableStream({
    start(controller) {
      for (const chunk of chunks) controller.enqueue(chunk);
      if (fail) controller.error(new Error("connection reset"));
      else controller.close();
    },
  });
}

describe("fetchJwks", () => {
  it("asks for JSON, refuses redirects, and passes a signal it never aborts after success", async () => {
    const { fetch, requests } = stub(() => json(jwksText));
    await expect(fetchJwks(URI, { ...limits, fetch, timeout: 30 })).resolves.toEqual(issuer.jwks);
    expect(requests).toHaveLength(1);
    const init = requests[0]?.init;
    expect(new Headers(init?.headers).get("accept")).toBe(
      "application/json, application/jwk-set+json",
    );
    expect(init?.redirect).toBe("manual");
    // The timer is cleared once the key set is read: the signal stays quiet past the timeout.
    await new Promise((resolve) => setTimeout(resolve, 60));
    expect(init?.signal?.aborted).toBe(false);
  });

  it.each([
    [302, `The JWKS endpoint ${URI} answered 302 (redirects are not followed)`],
    [300, `The JWKS endpoint ${URI} answered 300 (redirects are not followed)`],
    [399, `The JWKS endpoint ${URI} answered 399 (redirects are not followed)`],
    [400, `The JWKS endpoint ${URI} answered 400`],
    [404, `The JWKS endpoint ${URI} answered 404`],
    [204, `The JWKS endpoint ${URI} answered 204`],
    [503, `The JWKS endpoint ${URI} answered 503`],
  ])("answers %i with ERR_JWKS_UNAVAILABLE: %s", async (status, message) => {
    const { fetch } = stub(() => new Response(null, { status }));
    const error = await rejection(() => fetchJwks(URI, { ...limits, fetch }));
    expect(error.code).toBe("ERR_JWKS_UNAVAILABLE");
    expect(error.message).toBe(message);
  });

  it("refuses a body that is not JSON by its content type, even without a body", async () => {
    const { fetch } = stub(
      () => new Response(null, { status: 200, headers: { "content-type": "text/html" } }),
    );
    const error = await rejection(() => fetchJwks(URI, { ...limits, fetch }));
    expect(error.code).toBe("ERR_JWKS_INVALID");
    expect(error.message).toBe(`The JWKS response of ${URI} is text/html, not JSON`);
  });

  it("accepts a response without a content type, and JSON subtypes", async () => {
    for (const response of [
      () => new Response(Buffer.from(jwksText)),
      () => json(jwksText, { "content-type": "application/jwk-set+json; charset=utf-8" }),
    ]) {
      const { fetch } = stub(response);
      await expect(fetchJwks(URI, { ...limits, fetch })).resolves.toEqual(issuer.jwks);
    }
  });

  it("takes a body of exactly maxBytes, declared or streamed, and refuses one byte more", async () => {
    const body = `{"keys":[],"pad":"${"x".repeat(100 - 20)}"}`;
    expect(Buffer.byteLength(body)).toBe(100);
    const declared = stub(() => json(body, { "content-length": "100" }));
    await expect(
      fetchJwks(URI, { ...limits, maxBytes: 100, fetch: declared.fetch }),
    ).resolves.toEqual(JSON.parse(body));
    const streamed = stub(() => new Response(streamOf([Buffer.from(body)])));
    await expect(
      fetchJwks(URI, { ...limits, maxBytes: 100, fetch: streamed.fetch }),
    ).resolves.toEqual(JSON.parse(body));
    const over = stub(() => new Response(streamOf([Buffer.from(body), Buffer.from(" ")])));
    const error = await rejection(() =>
      fetchJwks(URI, { ...limits, maxBytes: 100, fetch: over.fetch }),
    );
    expect(error.message).toBe(`The JWKS response of ${URI} is larger than maxBytes (100 bytes)`);
  });

  it("refuses a declared length over maxBytes even when the body is absent", async () => {
    const { fetch } = stub(
      () => new Response(null, { status: 200, headers: { "content-length": "5000" } }),
    );
    const error = await rejection(() => fetchJwks(URI, { ...limits, fetch }));
    expect(error.code).toBe("ERR_JWKS_INVALID");
    expect(error.message).toBe(`The JWKS response of ${URI} is larger than maxBytes (1000 bytes)`);
  });

  it("reads an absent body as empty text, which is not JSON", async () => {
    const { fetch } = stub(() => new Response(null, { status: 200 }));
    const error = await rejection(() => fetchJwks(URI, { ...limits, fetch }));
    expect(error.code).toBe("ERR_JWKS_INVALID");
    expect(error.message).toBe(`The JWKS response of ${URI} is not JSON`);
    expect(error.cause).toBeInstanceOf(SyntaxError);
  });

  it("reports a body that breaks off as unavailable", async () => {
    const { fetch } = stub(() => new Response(streamOf([Buffer.from('{"ke')], true)));
    const error = await rejection(() => fetchJwks(URI, { ...limits, fetch }));
    expect(error.code).toBe("ERR_JWKS_UNAVAILABLE");
    expect(error.message).toBe(`The JWKS response of ${URI} could not be read`);
    expect(error.cause).toBeInstanceOf(Error);
  });

  it("reports a failed request as unavailable, with its cause", async () => {
    const fetch = (async () => {
      throw new TypeError("fetch failed");
    }) as typeof globalThis.fetch;
    const error = await rejection(() => fetchJwks(URI, { ...limits, fetch }));
    expect(error.code).toBe("ERR_JWKS_UNAVAILABLE");
    expect(error.message).toBe(`The JWKS at ${URI} could not be fetched`);
    expect(error.cause).toBeInstanceOf(TypeError);
  });
});

describe("parseJsonSafely", () => {
  it("drops __proto__, constructor and prototype members at every depth", () => {
    const parsed = parseJsonSafely(
      '{"__proto__":{"a":1},"constructor":{"b":2},"prototype":3,"keys":[{"kid":"k","constructor":1,"__proto__":{}}]}',
    ) as Record<string, unknown>;
    expect(Object.keys(parsed)).toEqual(["keys"]);
    expect(Object.hasOwn(parsed, "__proto__")).toBe(false);
    expect(Object.hasOwn(parsed, "constructor")).toBe(false);
    expect(parsed.keys).toEqual([{ kid: "k" }]);
    expect(Object.getPrototypeOf(parsed)).toBe(Object.prototype);
  });
});

describe("importKeySet", () => {
  const good = issuer.jwks.keys[0] as Record<string, unknown>;

  it.each([
    ["null", null],
    ["a string", "keys"],
    ["a function with keys", Object.assign(() => undefined, { keys: [good] })],
    ["an object without keys", {}],
    ["keys that are not an array", { keys: { 0: good } }],
  ])("refuses %s as a key set", async (_label, jwks) => {
    const error = await rejection(() => importKeySet(jwks, [ES256], 10));
    expect(error.code).toBe("ERR_JWKS_INVALID");
    expect(error.message).toBe('The key set is not a JWKS: no "keys" array');
  });

  it("skips entries that are not objects, and counts them as ignored", async () => {
    const result = await importKeySet({ keys: [null, 1, "k", good, []] }, [ES256], 10);
    expect(result.keys.map((key) => key.kid)).toEqual(["k1"]);
    expect(result.ignored).toBe(4);
  });

  it("keeps at most maxKeys keys", async () => {
    const keys = [1, 2, 3].map((n) => ({ ...good, kid: `k${n}` }));
    const two = await importKeySet({ keys }, [ES256], 2);
    expect(two.keys.map((key) => key.kid)).toEqual(["k1", "k2"]);
    expect(two.ignored).toBe(1);
    const three = await importKeySet({ keys }, [ES256], 3);
    expect(three.keys).toHaveLength(3);
  });

  it("refuses RSA keys under 2048 bits and keeps a 2048-bit one", async () => {
    const small = generateKeyPairSync("rsa", { modulusLength: 1024 }).publicKey.export({
      format: "jwk",
    });
    const big = generateKeyPairSync("rsa", { modulusLength: 2048 }).publicKey.export({
      format: "jwk",
    });
    expect((await importKeySet({ keys: [small] }, [RS256], 10)).keys).toEqual([]);
    const kept = await importKeySet({ keys: [big] }, [RS256], 10);
    expect(kept.keys).toHaveLength(1);
    expect([...(kept.keys[0]?.algorithms ?? [])]).toEqual(["RS256"]);
  });

  it("imports an Ed25519 key for EdDSA with only its public members", async () => {
    const ed = generateKeyPairSync("ed25519").publicKey.export({ format: "jwk" });
    const spec = SUPPORTED_ALGORITHMS.get("EdDSA");
    if (spec === undefined) throw new Error("no EdDSA");
    const result = await importKeySet({ keys: [{ ...ed, kid: "ed", ext: false }] }, [spec], 10);
    expect(result.keys).toHaveLength(1);
    expect((result.keys[0]?.key as KeyObject | undefined)?.asymmetricKeyType).toBe("ed25519");
  });
});

function storeOptions(overrides: Partial<KeyStoreOptions> = {}): KeyStoreOptions {
  return {
    jwksUri: undefined,
    jwks: undefined,
    algorithms: [ES256 as NonNullable<typeof ES256>],
    clock: () => 0,
    fetch: (async () => {
      throw new Error("no network in this test");
    }) as typeof fetch,
    settings: {
      maxAge: 600_000,
      staleIfError: 86_400_000,
      cooldown: 30_000,
      timeout: 5_000,
      maxKeys: 100,
      maxBytes: 1_048_576,
    },
    emit: () => undefined,
    ...overrides,
  };
}

describe("KeyStore lookups", () => {
  const ecA = { ...(issuer.jwks.keys[0] as Record<string, unknown>), kid: "shared" };
  const ecB = {
    ...generateKeyPairSync("ec", { namedCurve: "prime256v1" }).publicKey.export({ format: "jwk" }),
    kid: "shared",
  };
  const rsa = {
    ...generateKeyPairSync("rsa", { modulusLength: 2048 }).publicKey.export({ format: "jwk" }),
    kid: "shared",
  };

  it("returns the keys of a kid that fit the alg, the stored list itself when all fit", async () => {
    const store = new KeyStore(
      storeOptions({ jwks: { keys: [ecA, ecB, rsa] }, algorithms: [ES256, RS256] as never }),
    );
    await store.ensureLoaded();
    expect([
      ...(store.peek("shared", "ES256") ?? []),
      ...(store.peek("shared", "RS256") ?? []),
    ]).toHaveLength(3);
    const forEs256 = store.peek("shared", "ES256") ?? [];
    expect(forEs256.map((key) => (key.key as KeyObject).asymmetricKeyType)).toEqual(["ec", "ec"]);
    const forRs256 = store.peek("shared", "RS256") ?? [];
    expect(forRs256.map((key) => (key.key as KeyObject).asymmetricKeyType)).toEqual(["rsa"]);
    expect(store.peek("shared", "PS256")).toEqual([]);
    expect(store.peek("other", "ES256")).toEqual([]);

    const ecOnly = new KeyStore(storeOptions({ jwks: { keys: [ecA, ecB] } }));
    await ecOnly.ensureLoaded();
    // No copy on the hot path when every key of the kid fits.
    expect(ecOnly.peek("shared", "ES256")).toBe(ecOnly.peek("shared", "ES256"));
    expect(ecOnly.peek("shared", "ES256")).toHaveLength(2);
  });

  it("lists the keys without kid per algorithm", async () => {
    const { kid: _kid, ...noKid } = ecA;
    const store = new KeyStore(storeOptions({ jwks: { keys: [noKid, ecB] } }));
    await store.ensureLoaded();
    const all = store.peek(undefined, "ES256") ?? [];
    expect(all).toHaveLength(2);
    expect(
      all.every((key) => typeof key === "object" && (key.key as KeyObject).type === "public"),
    ).toBe(true);
    expect(store.peek(undefined, "RS256")).toEqual([]);
  });

  it("puts the key that verified the last token without kid first, once", async () => {
    const { kid: _kid, ...noKid } = ecA;
    const store = new KeyStore(storeOptions({ jwks: { keys: [noKid, ecB] } }));
    await store.ensureLoaded();
    const [first, second] = store.peek(undefined, "ES256") ?? [];
    store.preferForAlgorithm("ES256", second as NonNullable<typeof second>);
    const preferred = store.peek(undefined, "ES256");
    expect(preferred).toEqual([second, first]);
    store.preferForAlgorithm("ES256", second as NonNullable<typeof second>);
    expect(store.peek(undefined, "ES256")).toBe(preferred);
    store.preferForAlgorithm("RS256", first as NonNullable<typeof first>);
    expect(store.peek(undefined, "RS256")).toEqual([]);
  });

  it("has no keys to offer before a key set is loaded", () => {
    const store = new KeyStore(storeOptions());
    expect(store.peek(undefined, "ES256")).toBeUndefined();
    expect(store.peek("shared", "ES256")).toBeUndefined();
  });

  it("fails ensureLoaded with ERR_JWKS_UNAVAILABLE when there is neither a key set nor a URI", async () => {
    const error = await rejection(() => new KeyStore(storeOptions()).ensureLoaded());
    expect(error.code).toBe("ERR_JWKS_UNAVAILABLE");
    expect(error.message).toBe("No key set is loaded and none can be fetched now");
  });

  it("names the algorithms and the ignored count when no key is usable", async () => {
    const store = new KeyStore(
      storeOptions({
        jwks: { keys: [{ kty: "oct", k: "AA" }, 5] },
        algorithms: [ES256, RS256] as never,
      }),
    );
    const error = await rejection(() => store.ensureLoaded());
    expect(error.code).toBe("ERR_JWKS_INVALID");
    expect(error.message).toBe("The key set has no usable key for ES256, RS256 (2 ignored)");
  });
});

describe("KeyStore fetching, through the validator", () => {
  function recorder() {
    const events: ValidatorEvent[] = [];
    const onEvent = (event: ValidatorEvent): void => {
      if (event.type.startsWith("jwks_")) events.push(event);
    };
    return { events, onEvent };
  }

  function remote(options: Partial<ValidatorOptions>) {
    return createValidator({ projectId: issuer.projectId, jwksUri: URI, ...options });
  }

  it("an offline key set never fetches and reports no fetch events, loaded or refused", async () => {
    const good = recorder();
    const { fetch, requests } = stub(() => json(jwksText));
    const validator = createValidator({
      projectId: issuer.projectId,
      jwks: issuer.jwks,
      fetch,
      onEvent: good.onEvent,
    });
    await validator.ready();
    expect((await validator.validate(issuer.sign())).aud).toBe(issuer.projectId);
    const bad = recorder();
    const refused = createValidator({
      projectId: issuer.projectId,
      jwks: { keys: [{ kty: "oct", k: "AA" }] },
      fetch,
      onEvent: bad.onEvent,
    });
    expect((await rejection(() => refused.ready())).code).toBe("ERR_JWKS_INVALID");
    expect((await rejection(() => refused.ready())).code).toBe("ERR_JWKS_INVALID");
    expect(requests).toEqual([]);
    expect(good.events).toEqual([]);
    expect(bad.events).toEqual([]);
  });

  it("ready() waits for the fetch: validateSync works right after it", async () => {
    const { fetch, requests } = stub(
      () => new Promise<Response>((resolve) => setTimeout(() => resolve(json(jwksText)), 20)),
    );
    const events = recorder();
    const validator = remote({ fetch, onEvent: events.onEvent });
    await validator.ready();
    expect(validator.validateSync(issuer.sign()).aud).toBe(issuer.projectId);
    expect(requests.map((request) => request.url)).toEqual([URI]);
    expect(events.events.filter((event) => event.type === "jwks_fetch_start")).toEqual([
      { type: "jwks_fetch_start", uri: URI, reason: "initial" },
    ]);
  });

  it("ready() during a refresh waits for it, though the old keys are still usable", async () => {
    const rotated = createTestIssuer({ kid: "k2", projectId: issuer.projectId });
    let keys = issuer.jwks;
    const { fetch } = stub(
      () =>
        new Promise<Response>((resolve) =>
          setTimeout(() => resolve(json(JSON.stringify(keys))), 20),
        ),
    );
    const validator = remote({ fetch });
    await validator.ready();
    keys = rotated.jwks;
    const refreshing = validator.refresh();
    await validator.ready();
    expect(validator.validateSync(rotated.sign()).aud).toBe(issuer.projectId);
    await refreshing;
  });

  it("reloads keys that outlived staleIfError with reason refresh", async () => {
    let now = 0;
    const { fetch, requests } = stub(() => json(jwksText));
    const events = recorder();
    const validator = remote({
      fetch,
      clock: () => now,
      jwksCache: { maxAge: 1_000, staleIfError: 1_000 },
      onEvent: events.onEvent,
    });
    await validator.ready();
    now = 5_000;
    await validator.ready();
    expect(requests).toHaveLength(2);
    expect(
      events.events.flatMap((event) => (event.type === "jwks_fetch_start" ? [event.reason] : [])),
    ).toEqual(["initial", "refresh"]);
  });

  it("concurrent tokens naming a new kid share one fetch, and all find the key", async () => {
    const rotated = createTestIssuer({ kid: "k2", projectId: issuer.projectId });
    let keys = issuer.jwks;
    const { fetch, requests } = stub(
      () =>
        new Promise<Response>((resolve) =>
          setTimeout(() => resolve(json(JSON.stringify(keys))), 20),
        ),
    );
    let now = Date.now();
    const validator = remote({ fetch, clock: () => now, jwksCache: { cooldown: 60_000 } });
    await validator.ready();
    now += 120_000; // past the cooldown of the first fetch, well within maxAge
    keys = { keys: [...issuer.jwks.keys, ...rotated.jwks.keys] };
    const results = await Promise.all(
      [1, 2, 3].map(() => validator.validate(rotated.sign()).then((claims) => claims.aud)),
    );
    expect(results).toEqual([issuer.projectId, issuer.projectId, issuer.projectId]);
    expect(requests).toHaveLength(2);
  });

  it("wraps a fetch that answers nonsense as ERR_JWKS_INVALID with its cause", async () => {
    const fetch = (async () => ({ status: 200 }) as unknown as Response) as typeof globalThis.fetch;
    const error = await rejection(() => remote({ fetch }).ready());
    expect(error.code).toBe("ERR_JWKS_INVALID");
    expect(error.message).toBe("The key set could not be imported");
    expect(error.cause).toBeInstanceOf(TypeError);
  });
});
