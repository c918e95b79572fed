import { afterEach, describe, expect, it } from "vitest";
import { PICKET_OPENID_CONFIGURATION_URI } from "../../src/constants.js";
import { createValidator, PICKET_JWKS_URI, type ValidatorEvent } from "../../src/index.js";
import { KeyStore } from "../../src/jwks/key-store.js";
import { createTestIssuer } from "../../src/testing/index.js";
import { createManualClock } from "../helpers/clock.js";
import { rejectionOf } from "../helpers/expect-code.js";
import {
  JWKS_PATH,
  type JwksHandler,
  type JwksTestServer,
  respond,
  startJwksServer,
} from "../helpers/jwks-server.js";
import { ES256, KEY_STORE_SETTINGS } from "../helpers/pipeline.js";

// A default key-set address that answers 404 or no key set: the store reads jwks_uri from the
// OpenID configuration and fetches from there. Real servers on 127.0.0.1: the old address, the
// configuration, and the key set it names.

const CONFIGURATION_PATH = "/.well-known/openid-configuration";
const issuer = createTestIssuer({ kid: "k1" });
const servers: JwksTestServer[] = [];

afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.close()));
});

async function serve(handler?: JwksHandler): Promise<JwksTestServer> {
  const server = await startJwksServer(handler);
  servers.push(server);
  return server;
}

/** The old address (404 unless told), a working key set, and a configuration naming it. */
async function moved(oldHandler?: JwksHandler) {
  const old = await serve(oldHandler);
  const keys = await serve(respond.jwks(issuer.jwks));
  const configuration = await serve(
    respond.route({ [CONFIGURATION_PATH]: respond.json({ jwks_uri: keys.url }) }),
  );
  return {
    old,
    keys,
    configuration,
    configurationUri: `${configuration.origin}${CONFIGURATION_PATH}`,
  };
}

function storeFor(jwksUri: string, discoveryUri: string | undefined) {
  const clock = createManualClock();
  const events: ValidatorEvent[] = [];
  const store = new KeyStore({
    jwksUri,
    jwks: undefined,
    algorithms: [ES256],
    clock: clock.now,
    fetch: globalThis.fetch,
    settings: KEY_STORE_SETTINGS,
    emit: (event) => events.push(event),
    discoveryUri,
  });
  return { store, clock, events };
}

const brief = (event: ValidatorEvent) => ("uri" in event ? [event.type, event.uri] : [event.type]);

describe("KeyStore discovery of a moved key set", () => {
  it("after a 404, fetches from the configuration's jwks_uri, reports it, and keeps using it", async () => {
    const { old, keys, configuration, configurationUri } = await moved();
    const { store, events } = storeFor(old.url, configurationUri);
    await store.ensureLoaded();
    expect(store.peek("k1", "ES256")).toHaveLength(1);
    expect(events.map(brief)).toEqual([
      ["jwks_fetch_start", old.url],
      ["jwks_fetch_failure", old.url],
      ["jwks_uri_discovered", keys.url],
      ["jwks_fetch_start", keys.url],
      ["jwks_fetch_success", keys.url],
    ]);
    expect(events[2]).toEqual({
      type: "jwks_uri_discovered",
      from: old.url,
      uri: keys.url,
      configuration: configurationUri,
    });
    await store.refresh();
    expect([old.requests, configuration.requests, keys.requests]).toEqual([1, 1, 2]);
  });

  it.each<[string, JwksHandler]>([
    ["an HTML page", respond.html()],
    ["JSON that is no key set", respond.json({ moved: true })],
  ])("also after %s", async (_label, handler) => {
    const { old, keys, configurationUri } = await moved(handler);
    const { store } = storeFor(old.url, configurationUri);
    await store.ensureLoaded();
    expect(store.peek("k1", "ES256")).toHaveLength(1);
    expect(keys.paths).toEqual([JWKS_PATH]);
  });

  it("does not look on an outage (503): the backoff handles it", async () => {
    const { old, configuration, configurationUri } = await moved(respond.status(503));
    const { store } = storeFor(old.url, configurationUri);
    expect((await rejectionOf(() => store.ensureLoaded())).code).toBe("ERR_JWKS_UNAVAILABLE");
    expect(configuration.requests).toBe(0);
  });

  it("uses a jwksUri given by the user as given: no discovery", async () => {
    const { old, configuration } = await moved();
    const { store, events } = storeFor(old.url, undefined);
    const error = await rejectionOf(() => store.ensureLoaded());
    expect(error.message).toBe(`The JWKS endpoint ${old.url} answered 404`);
    expect(configuration.requests).toBe(0);
    expect(events.map((event) => event.type)).not.toContain("jwks_uri_discovered");
  });

  it("reads the configuration at most once per cooldown", async () => {
    const old = await serve();
    const configuration = await serve(
      respond.route({
        [CONFIGURATION_PATH]: respond.json({ jwks_uri: `${old.origin}/v2/jwks.json` }),
      }),
    );
    const { store, clock } = storeFor(old.url, `${configuration.origin}${CONFIGURATION_PATH}`);
    for (let attempt = 0; attempt < 3; attempt += 1) {
      expect((await rejectionOf(() => store.refresh())).code).toBe("ERR_JWKS_UNAVAILABLE");
    }
    expect(configuration.requests).toBe(1);
    clock.advance(KEY_STORE_SETTINGS.cooldown);
    await rejectionOf(() => store.refresh());
    expect(configuration.requests).toBe(2);
  });

  it("keeps the first error where the configuration fails, and reports that failure", async () => {
    const old = await serve();
    const configuration = await serve();
    const configurationUri = `${configuration.origin}${CONFIGURATION_PATH}`;
    const { store, events } = storeFor(old.url, configurationUri);
    const error = await rejectionOf(() => store.ensureLoaded());
    expect(error.message).toBe(`The JWKS endpoint ${old.url} answered 404`);
    expect(events.map(brief)).toEqual([
      ["jwks_fetch_start", old.url],
      ["jwks_fetch_failure", old.url],
      ["jwks_fetch_failure", configurationUri],
    ]);
  });

  it("does not refetch the failing address where the configuration names it again", async () => {
    const old = await serve();
    const configuration = await serve(
      respond.route({ [CONFIGURATION_PATH]: respond.json({ jwks_uri: old.url }) }),
    );
    const { store, events } = storeFor(old.url, `${configuration.origin}${CONFIGURATION_PATH}`);
    expect((await rejectionOf(() => store.ensureLoaded())).code).toBe("ERR_JWKS_UNAVAILABLE");
    expect(old.requests).toBe(1);
    expect(events.map((event) => event.type)).not.toContain("jwks_uri_discovered");
  });
});

describe("discovery through createValidator", () => {
  /** A fetch that sends Picket's API base to a loopback stand-in, everything else as it is. */
  function routing(picket: JwksTestServer): typeof globalThis.fetch {
    const base = "https://picketapi.com/api/v1";
    return (input, init) => {
      const url = String(input instanceof Request ? input.url : input);
      return fetch(url.startsWith(base) ? picket.origin + url.slice(base.length) : url, init);
    };
  }

  it("finds the key set through Picket's OpenID configuration when the default address has none", async () => {
    const keys = await serve(respond.jwks(issuer.jwks));
    const picket = await serve(
      respond.route({ [CONFIGURATION_PATH]: respond.json({ jwks_uri: keys.url }) }),
    );
    const events: ValidatorEvent[] = [];
    const validator = createValidator({
      projectId: issuer.projectId,
      fetch: routing(picket),
      onEvent: (event) => events.push(event),
    });
    expect((await validator.validate(issuer.sign())).aud).toBe(issuer.projectId);
    expect(picket.paths).toEqual([JWKS_PATH, CONFIGURATION_PATH]);
    expect(events.find((event) => event.type === "jwks_uri_discovered")).toEqual({
      type: "jwks_uri_discovered",
      from: PICKET_JWKS_URI,
      uri: keys.url,
      configuration: PICKET_OPENID_CONFIGURATION_URI,
    });
  });

  it("never looks when jwksUri is given, even as the default's value", async () => {
    const keys = await serve(respond.jwks(issuer.jwks));
    const picket = await serve(
      respond.route({ [CONFIGURATION_PATH]: respond.json({ jwks_uri: keys.url }) }),
    );
    const validator = createValidator({
      projectId: issuer.projectId,
      jwksUri: PICKET_JWKS_URI,
      fetch: routing(picket),
    });
    const error = await rejectionOf(() => validator.validate(issuer.sign()));
    expect(error.code).toBe("ERR_JWKS_UNAVAILABLE");
    expect(picket.paths).toEqual([JWKS_PATH]);
    expect(keys.requests).toBe(0);
  });
});
