import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { ValidatorEvent } from "../../src/index.js";
import { KeyStore, type KeyStoreSettings } from "../../src/jwks/key-store.js";
import { type AlgorithmSpec, SUPPORTED_ALGORITHMS } from "../../src/platform/algorithms.js";
import { createTestIssuer } from "../../src/testing/index.js";
import { createManualClock, type ManualClock } from "../helpers/clock.js";
import { type JwksTestServer, respond, startJwksServer } from "../helpers/jwks-server.js";

const ES256 = SUPPORTED_ALGORITHMS.get("ES256") as AlgorithmSpec;
const MAX_AGE = 60_000;
const STALE_IF_ERROR = 600_000;
const SETTINGS: KeyStoreSettings = {
  maxAge: MAX_AGE,
  staleIfError: STALE_IF_ERROR,
  cooldown: 30_000,
  timeout: 5_000,
  maxKeys: 16,
  maxBytes: 1_048_576,
};
const issuer = createTestIssuer({ kid: "k1" });

let server: JwksTestServer;
let clock: ManualClock;
let events: ValidatorEvent[];

beforeEach(async () => {
  clock = createManualClock();
  events = [];
  server = await startJwksServer();
});

afterEach(async () => {
  await server.close();
});

function store(overrides: { jwksUri?: string; jwks?: unknown; discoveryUri?: string } = {}) {
  return new KeyStore({
    jwksUri: undefined,
    jwks: undefined,
    algorithms: [ES256],
    clock: clock.now,
    fetch: globalThis.fetch,
    settings: SETTINGS,
    emit: (event) => events.push(event),
    ...overrides,
  });
}

describe("KeyStore background refresh bounds", () => {
  it("never refreshes keys given up front, however old", async () => {
    const keys = store({ jwks: issuer.jwks });
    await keys.ensureLoaded();
    clock.advance(MAX_AGE);
    keys.refreshIfStale();
    expect(await keys.keysOrFetch("k1", "ES256")).toHaveLength(1);
    expect(events).toEqual([]);
    expect(server.requests).toBe(0);
  });

  it("starts no background refresh once the keys are past staleIfError", async () => {
    server.setHandler(respond.jwks(issuer.jwks));
    const keys = store({ jwksUri: server.url });
    await keys.ensureLoaded();
    events.length = 0;
    clock.advance(STALE_IF_ERROR);
    keys.refreshIfStale();
    expect(events).toEqual([]);
    expect(keys.peek("k1", "ES256")).toBeUndefined();
  });
});

describe("KeyStore unknown kid while stale", () => {
  it("shares the background refresh with the unknown kid instead of asking again", async () => {
    server.setHandler(respond.jwks(issuer.jwks));
    const keys = store({ jwksUri: server.url });
    await keys.ensureLoaded();
    events.length = 0;
    clock.advance(MAX_AGE);
    expect(await keys.keysOrFetch("other", "ES256")).toEqual([]);
    expect(events.map((event) => event.type)).toEqual([
      "jwks_stale",
      "jwks_fetch_start",
      "jwks_fetch_success",
    ]);
    expect(server.requests).toBe(2);
  });
});

describe("KeyStore discovery failure", () => {
  it("reports the time the failed discovery took", async () => {
    const configurationUri = `${server.origin}/.well-known/openid-configuration`;
    const keys = store({ jwksUri: server.url, discoveryUri: configurationUri });
    await expect(keys.ensureLoaded()).rejects.toMatchObject({ code: "ERR_JWKS_UNAVAILABLE" });
    const failure = events.find(
      (event) => event.type === "jwks_fetch_failure" && event.uri === configurationUri,
    );
    expect(failure).toMatchObject({ type: "jwks_fetch_failure", durationMs: 0 });
  });
});

describe("KeyStore on a runtime without synchronous key import", () => {
  it("loads keys given up front asynchronously, with the web platform", async () => {
    vi.resetModules();
    vi.doMock("../../src/platform/node.js", () => import("../../src/platform/web.js"));
    try {
      const { KeyStore: WebKeyStore } = await import("../../src/jwks/key-store.js");
      const keys = new WebKeyStore({
        jwksUri: undefined,
        jwks: issuer.jwks,
        algorithms: [ES256],
        clock: clock.now,
        fetch: globalThis.fetch,
        settings: SETTINGS,
        emit: (event) => events.push(event),
      });
      expect(keys.peek("k1", "ES256")).toBeUndefined();
      await keys.ensureLoaded();
      expect(keys.peek("k1", "ES256")).toHaveLength(1);
    } finally {
      vi.doUnmock("../../src/platform/node.js");
      vi.resetModules();
    }
  });
});
