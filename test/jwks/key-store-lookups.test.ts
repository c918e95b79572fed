import { generateKeyPairSync, type KeyObject } from "node:crypto";
import { describe, expect, it } from "vitest";
import { KeyStore, type KeyStoreOptions } from "../../src/jwks/key-store.js";
import { type AlgorithmSpec, SUPPORTED_ALGORITHMS } from "../../src/platform/algorithms.js";
import { createTestIssuer } from "../../src/testing/index.js";
import { rejectionOf } from "../helpers/expect-code.js";
import { KEY_STORE_SETTINGS } from "../helpers/pipeline.js";

const ES256 = SUPPORTED_ALGORITHMS.get("ES256") as AlgorithmSpec;
const RS256 = SUPPORTED_ALGORITHMS.get("RS256") as AlgorithmSpec;
const issuer = createTestIssuer({ kid: "k1" });

function storeOptions(overrides: Partial<KeyStoreOptions> = {}): KeyStoreOptions {
  return {
    jwksUri: undefined,
    jwks: undefined,
    algorithms: [ES256],
    clock: () => 0,
    fetch: (async () => {
      throw new Error("no network in this test");
    }) as typeof fetch,
    settings: KEY_STORE_SETTINGS,
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
      storeOptions({ jwks: { keys: [ecA, ecB, rsa] }, algorithms: [ES256, RS256] }),
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

  it("refuses a refetch for an offline key set: there is nothing to fetch", async () => {
    const store = new KeyStore(storeOptions({ jwks: issuer.jwks }));
    expect(await store.refetchForUnknownKey("other")).toBe(false);
  });

  it("refuses a refetch within the cooldown, and allows one after it", async () => {
    let now = 0;
    const store = new KeyStore(
      storeOptions({
        jwksUri: "https://keys.example/jwks.json",
        clock: () => now,
        fetch: (async () =>
          new Response(JSON.stringify(issuer.jwks), {
            headers: { "content-type": "application/json" },
          })) as typeof fetch,
      }),
    );
    await store.ensureLoaded();
    expect(await store.refetchForUnknownKey("other")).toBe(false);
    now = 30_000;
    expect(await store.refetchForUnknownKey("other")).toBe(true);
  });

  it("has no keys to offer before a key set is loaded", () => {
    const store = new KeyStore(storeOptions());
    expect(store.peek(undefined, "ES256")).toBeUndefined();
    expect(store.peek("shared", "ES256")).toBeUndefined();
  });

  it("fails ensureLoaded with ERR_JWKS_UNAVAILABLE when there is neither a key set nor a URI", async () => {
    const error = await rejectionOf(() => new KeyStore(storeOptions()).ensureLoaded());
    expect(error.code).toBe("ERR_JWKS_UNAVAILABLE");
    expect(error.message).toBe("No key set is loaded and none can be fetched now");
  });

  it("names the algorithms and the ignored count when no key is usable", async () => {
    const store = new KeyStore(
      storeOptions({
        jwks: { keys: [{ kty: "oct", k: "AA" }, 5] },
        algorithms: [ES256, RS256],
      }),
    );
    const error = await rejectionOf(() => store.ensureLoaded());
    expect(error.code).toBe("ERR_JWKS_INVALID");
    expect(error.message).toBe("The key set has no usable key for ES256, RS256 (2 ignored)");
  });
});
