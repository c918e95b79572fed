import { describe, expect, it, vi } from "vitest";
import { KeyStore } from "../../src/jwks/key-store.js";
import { createTestIssuer, type TestIssuer } from "../../src/testing/index.js";
import { createManualClock } from "../helpers/clock.js";
import { jsonResponse, stubFetch } from "../helpers/fetch-stub.js";
import { ES256, KEY_STORE_SETTINGS } from "../helpers/pipeline.js";

const URI = "https://keys.example/.well-known/jwks.json";
const COOLDOWN = KEY_STORE_SETTINGS.cooldown;

const first = createTestIssuer({ kid: "k1" });
const second = createTestIssuer({ kid: "k2" });

/** A key store on a stubbed endpoint serving `served` (a failure when it is `undefined`). */
function remoteStore(initial: TestIssuer[] = [first]) {
  const clock = createManualClock();
  let served: TestIssuer[] | undefined = initial;
  let held: Promise<void> | undefined;
  let onFetch = (): void => undefined;
  const { fetch, requests } = stubFetch(async () => {
    onFetch();
    await held;
    return served === undefined
      ? new Response("down", { status: 503 })
      : jsonResponse(JSON.stringify({ keys: served.flatMap((each) => each.jwks.keys) }));
  });
  const store = new KeyStore({
    jwksUri: URI,
    jwks: undefined,
    algorithms: [ES256],
    clock: clock.now,
    fetch,
    settings: KEY_STORE_SETTINGS,
    emit: () => undefined,
  });
  return {
    store,
    clock,
    requests,
    serve(next: TestIssuer[] | undefined) {
      served = next;
    },
    /** Holds the next answers until `until` settles. */
    hold(until: Promise<void>) {
      held = until;
    },
    /** Runs `action` as each request arrives. */
    onFetch(action: () => void) {
      onFetch = action;
    },
  };
}

const kids = (keys: readonly { kid: string | undefined }[] | undefined) =>
  keys?.map((key) => key.kid);

describe("KeyStore.keysOrFetch", () => {
  it("loads the first key set, then answers from it without fetching", async () => {
    const { store, requests } = remoteStore();
    expect(kids(await store.keysOrFetch("k1", "ES256"))).toEqual(["k1"]);
    expect(kids(await store.keysOrFetch(undefined, "ES256"))).toEqual(["k1"]);
    expect(requests).toHaveLength(1);
  });

  it("refetches once for a kid not in the set and returns its key", async () => {
    const remote = remoteStore();
    await remote.store.ensureLoaded();
    remote.serve([first, second]);
    remote.clock.advance(COOLDOWN);
    expect(kids(await remote.store.keysOrFetch("k2", "ES256"))).toEqual(["k2"]);
    expect(remote.requests).toHaveLength(2);
  });

  it("returns no key for an unknown kid when the cooldown refuses the refetch", async () => {
    const remote = remoteStore();
    await remote.store.ensureLoaded();
    remote.serve([first, second]);
    expect(await remote.store.keysOrFetch("k2", "ES256")).toEqual([]);
    expect(remote.requests).toHaveLength(1);
  });

  it("returns no key when the refetch still has none for the kid", async () => {
    const remote = remoteStore();
    await remote.store.ensureLoaded();
    remote.clock.advance(COOLDOWN);
    expect(await remote.store.keysOrFetch("k9", "ES256")).toEqual([]);
    expect(remote.requests).toHaveLength(2);
  });

  it("returns no key, without fetching again, when the first key set has none for the alg", async () => {
    const remote = remoteStore();
    expect(await remote.store.keysOrFetch(undefined, "RS256")).toEqual([]);
    // The first load only: the cooldown it started refuses a refetch.
    expect(remote.requests).toHaveLength(1);
  });

  it("answers from the keys it has, without waiting for a refresh under way", async () => {
    const remote = remoteStore();
    await remote.store.ensureLoaded();
    const before = remote.store.peek("k1", "ES256");
    let release: () => void = () => undefined;
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    remote.hold(held);
    remote.serve([createTestIssuer({ kid: "k1" })]);
    const refreshing = remote.store.refresh();
    const answer = await Promise.race([
      remote.store.keysOrFetch("k1", "ES256"),
      new Promise((resolve) => setImmediate(() => setImmediate(() => resolve("waited")))),
    ]);
    expect(answer).toBe(before);
    release();
    await refreshing;
    expect(remote.store.peek("k1", "ES256")).not.toBe(before);
  });

  it("returns no key when the key set outlived staleIfError during a failed refetch", async () => {
    const remote = remoteStore();
    await remote.store.ensureLoaded();
    remote.clock.advance(COOLDOWN);
    remote.serve(undefined);
    remote.onFetch(() => remote.clock.advance(KEY_STORE_SETTINGS.staleIfError));
    expect(await remote.store.keysOrFetch("k9", "ES256")).toEqual([]);
    expect(remote.store.peek("k1", "ES256")).toBeUndefined();
  });

  it("throws the load's error when no key set can be had", async () => {
    const remote = remoteStore();
    remote.serve(undefined);
    await expect(remote.store.keysOrFetch("k1", "ES256")).rejects.toMatchObject({
      code: "ERR_JWKS_UNAVAILABLE",
    });
  });
});

describe("KeyStore: where a fetch may start", () => {
  it("answers loaded keys at once, not as a promise", async () => {
    const { store } = remoteStore();
    await store.ensureLoaded();
    const found = store.keysOrFetch("k1", "ES256");
    expect(found).not.toBeInstanceOf(Promise);
    expect(kids(found as readonly { kid: string | undefined }[])).toEqual(["k1"]);
  });

  it("never fetches from peek or has, even with stale keys; refreshIfStale and keysOrFetch do, once", async () => {
    const { store, clock, requests } = remoteStore();
    await store.ensureLoaded();
    const [key] = store.peek("k1", "ES256") ?? [];
    clock.advance(KEY_STORE_SETTINGS.maxAge);
    expect(store.peek("k1", "ES256")).toHaveLength(1);
    expect(store.has(key as NonNullable<typeof key>)).toBe(true);
    expect(requests).toHaveLength(1);
    store.refreshIfStale();
    expect(requests).toHaveLength(2);
    store.keysOrFetch("k1", "ES256");
    expect(requests).toHaveLength(2);
  });
});

describe("KeyStore.keysAfterRefetch", () => {
  it("returns the keys of the new key set after a refetch", async () => {
    const remote = remoteStore();
    await remote.store.ensureLoaded();
    remote.serve([second]);
    remote.clock.advance(COOLDOWN);
    expect(kids(await remote.store.keysAfterRefetch("ES256"))).toEqual(["k2"]);
    expect(remote.requests).toHaveLength(2);
  });

  it("counts a refetch that installs the same keys as a new key set: generations, not contents", async () => {
    const remote = remoteStore();
    await remote.store.ensureLoaded();
    const before = remote.store.generation;
    remote.clock.advance(COOLDOWN);
    expect(kids(await remote.store.keysAfterRefetch("ES256"))).toEqual(["k1"]);
    expect(remote.store.generation).toBe(before + 1);
  });

  it("returns undefined when the refetch failed, though the old keys still serve", async () => {
    const remote = remoteStore();
    await remote.store.ensureLoaded();
    remote.serve(undefined);
    remote.clock.advance(COOLDOWN);
    expect(await remote.store.keysAfterRefetch("ES256")).toBeUndefined();
    expect(remote.requests).toHaveLength(2);
    expect(kids(remote.store.peek(undefined, "ES256"))).toEqual(["k1"]);
  });

  it("returns undefined when the cooldown refuses the refetch", async () => {
    const remote = remoteStore();
    await remote.store.ensureLoaded();
    remote.serve([second]);
    expect(await remote.store.keysAfterRefetch("ES256")).toBeUndefined();
    expect(remote.requests).toHaveLength(1);
  });

  it("returns undefined for an offline key set, which never changes", async () => {
    const store = new KeyStore({
      jwksUri: undefined,
      jwks: first.jwks,
      algorithms: [ES256],
      clock: () => 0,
      fetch: vi.fn(),
      settings: KEY_STORE_SETTINGS,
      emit: () => undefined,
    });
    expect(await store.keysAfterRefetch("ES256")).toBeUndefined();
  });

  it("returns an empty list when the new key set has no key for the alg", async () => {
    const remote = remoteStore();
    await remote.store.ensureLoaded();
    remote.clock.advance(COOLDOWN);
    expect(await remote.store.keysAfterRefetch("RS256")).toEqual([]);
  });

  it("waits for a fetch already under way and takes its keys", async () => {
    const remote = remoteStore();
    await remote.store.ensureLoaded();
    remote.serve([second]);
    const refreshing = remote.store.refresh();
    expect(kids(await remote.store.keysAfterRefetch("ES256"))).toEqual(["k2"]);
    await refreshing;
    expect(remote.requests).toHaveLength(2);
  });
});
