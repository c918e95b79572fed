import { describe, expect, it } from "vitest";
import { createValidator, type ValidatorEvent, type ValidatorOptions } from "../../src/index.js";
import { createTestIssuer } from "../../src/testing/index.js";
import { rejectionOf } from "../helpers/expect-code.js";
import { jsonResponse, stubFetch } from "../helpers/fetch-stub.js";

// The key store as the validator drives it, against a fetch stub returning hand-made Responses.

const URI = "https://keys.example/.well-known/jwks.json";
const issuer = createTestIssuer({ kid: "k1" });
const jwksText = JSON.stringify(issuer.jwks);

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
    const { fetch, requests } = stubFetch(() => jsonResponse(jwksText));
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
    expect((await rejectionOf(() => refused.ready())).code).toBe("ERR_JWKS_INVALID");
    expect((await rejectionOf(() => refused.ready())).code).toBe("ERR_JWKS_INVALID");
    expect(requests).toEqual([]);
    expect(good.events).toEqual([]);
    expect(bad.events).toEqual([]);
  });

  it("ready() waits for the fetch: validateSync works right after it", async () => {
    const { fetch, requests } = stubFetch(
      () =>
        new Promise<Response>((resolve) => setTimeout(() => resolve(jsonResponse(jwksText)), 20)),
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
    const { fetch } = stubFetch(
      () =>
        new Promise<Response>((resolve) =>
          setTimeout(() => resolve(jsonResponse(JSON.stringify(keys))), 20),
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
    let now = Date.UTC(2026, 0, 1);
    const { fetch, requests } = stubFetch(() => jsonResponse(jwksText));
    const events = recorder();
    const validator = remote({
      fetch,
      clock: () => now,
      jwksCache: { maxAge: 1_000, staleIfError: 1_000 },
      onEvent: events.onEvent,
    });
    await validator.ready();
    now += 5_000;
    await validator.ready();
    expect(requests).toHaveLength(2);
    expect(
      events.events.flatMap((event) => (event.type === "jwks_fetch_start" ? [event.reason] : [])),
    ).toEqual(["initial", "refresh"]);
  });

  it("concurrent tokens naming a new kid share one fetch, and all find the key", async () => {
    const rotated = createTestIssuer({ kid: "k2", projectId: issuer.projectId });
    let keys = issuer.jwks;
    const { fetch, requests } = stubFetch(
      () =>
        new Promise<Response>((resolve) =>
          setTimeout(() => resolve(jsonResponse(JSON.stringify(keys))), 20),
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

  it("names the endpoint when its key set has no usable key", async () => {
    const { fetch } = stubFetch(() => jsonResponse('{"keys":[{"kty":"oct","k":"AA"}]}'));
    const error = await rejectionOf(() => remote({ fetch }).ready());
    expect(error.code).toBe("ERR_JWKS_INVALID");
    expect(error.message).toBe(`The key set at ${URI} has no usable key for ES256 (1 ignored)`);
  });

  it("wraps a fetch that answers nonsense as ERR_JWKS_INVALID with its cause", async () => {
    const fetch = (async () => ({ status: 200 }) as unknown as Response) as typeof globalThis.fetch;
    const error = await rejectionOf(() => remote({ fetch }).ready());
    expect(error.code).toBe("ERR_JWKS_INVALID");
    expect(error.message).toBe("The key set could not be imported");
    expect(error.cause).toBeInstanceOf(TypeError);
  });
});
