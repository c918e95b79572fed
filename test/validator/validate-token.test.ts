import { describe, expect, it, vi } from "vitest";
import type { ErrorCode, PicketAccessToken, Requirements } from "../../src/index.js";
import { createTestIssuer, type TestIssuer } from "../../src/testing/index.js";
import {
  type Pipeline,
  validateToken,
  validateTokenSync,
} from "../../src/validator/validate-token.js";
import { createManualClock } from "../helpers/clock.js";
import { expectCode } from "../helpers/expect-code.js";
import { stubFetch } from "../helpers/fetch-stub.js";
import {
  encodePart,
  flipSignatureBit,
  forgeToken,
  hmacSigner,
  privateKeyOf,
} from "../helpers/forge.js";
import { createPipeline } from "../helpers/pipeline.js";

const PROJECT_ID = "0b5d3c4e-7f21-4a9b-8c6d-2e1f0a9b8c7d";
const CONTRACT = "0x8a90CAb2b38dba80c64b7734e58Ee1dB38B8992e";
const URI = "https://keys.example/.well-known/jwks.json";
const COOLDOWN = 30_000;

type Run = (
  pipeline: Pipeline,
  token: string,
  requirements?: Requirements,
) => Promise<PicketAccessToken>;

/** Both pipelines, the synchronous one behind a promise so that one table serves both. */
const PIPELINES: [string, Run][] = [
  [
    "validateToken",
    (pipeline, token, requirements) => validateToken(pipeline, token, requirements),
  ],
  [
    "validateTokenSync",
    async (pipeline, token, requirements) => validateTokenSync(pipeline, token, requirements),
  ],
];

const clock = createManualClock(Date.UTC(2026, 2, 1));
const now = () => Math.floor(clock.now() / 1000);
const issuer = createTestIssuer({ projectId: PROJECT_ID, kid: "k1", clock: clock.now });
const stranger = createTestIssuer({ projectId: PROJECT_ID, kid: "k1", clock: clock.now });

function offline(parts: { requirements?: Requirements; tokenCache?: number } = {}): Pipeline {
  return createPipeline({ projectId: PROJECT_ID, clock: clock.now, jwks: issuer.jwks, ...parts });
}

/** Claims that pass every check now, as the issuer signs them. */
function goodClaims(): Record<string, unknown> {
  return {
    iss: "picketapi.com",
    aud: PROJECT_ID,
    sub: `ethereum:${issuer.walletAddress}`,
    iat: now(),
    exp: now() + 600,
  };
}

interface OrderCase {
  name: string;
  token: () => string;
  requirements?: Requirements;
  code: ErrorCode;
  claim?: string;
  header?: string;
}

const UNMET: Requirements = { contractAddress: CONTRACT, minTokenBalance: "5" };

/** Tokens with two faults each: the check that comes first in the spec's order must decide. */
const ORDER: OrderCase[] = [
  {
    name: "size before structure",
    token: () => "x".repeat(8193),
    code: "ERR_TOKEN_TOO_LARGE",
  },
  {
    name: "structure before header (a signature that is not base64url)",
    token: () => `${encodePart({ alg: "HS256" })}.${encodePart(goodClaims())}.A`,
    code: "ERR_TOKEN_MALFORMED",
  },
  {
    name: "structure before header (a payload that is not an object)",
    token: () => forgeToken({ alg: "none" }, "[1]"),
    code: "ERR_TOKEN_MALFORMED",
  },
  {
    name: "header before key",
    token: () => forgeToken({ alg: "HS256", kid: "unknown" }, goodClaims(), hmacSigner("s")),
    code: "ERR_ALG_NOT_ALLOWED",
    header: "alg",
  },
  {
    name: "key before signature",
    token: () => forgeToken({ alg: "ES256", kid: "unknown" }, goodClaims()),
    code: "ERR_KEY_NOT_FOUND",
    header: "kid",
  },
  {
    name: "signature before iss",
    token: () => stranger.sign({ iss: "evil.example" }),
    code: "ERR_SIGNATURE_INVALID",
  },
  {
    name: "iss before aud",
    token: () => issuer.sign({ iss: "evil.example", aud: "other" }),
    code: "ERR_ISSUER_INVALID",
    claim: "iss",
  },
  {
    name: "aud before exp",
    token: () => issuer.sign({ aud: "other" }, { expiresIn: -60 }),
    code: "ERR_AUDIENCE_INVALID",
    claim: "aud",
  },
  {
    name: "exp before nbf",
    token: () => issuer.sign({ nbf: now() + 600 }, { expiresIn: -60 }),
    code: "ERR_TOKEN_EXPIRED",
    claim: "exp",
  },
  {
    name: "nbf before iat",
    token: () => issuer.sign({ nbf: now() + 600, iat: now() + 600 }),
    code: "ERR_TOKEN_NOT_YET_VALID",
    claim: "nbf",
  },
  {
    name: "iat before requirements",
    token: () => issuer.sign({ iat: now() + 600 }),
    requirements: UNMET,
    code: "ERR_TOKEN_NOT_YET_VALID",
    claim: "iat",
  },
  {
    name: "the holder's claims before requirements",
    token: () => issuer.sign({}, { omit: ["sub", "chain", "walletAddress"] }),
    requirements: UNMET,
    code: "ERR_CLAIM_INVALID",
    claim: "sub",
  },
  {
    name: "requirements last",
    token: () => issuer.sign(),
    requirements: UNMET,
    code: "ERR_REQUIREMENTS_NOT_MET",
  },
];

describe.each(PIPELINES)("%s", (_name, run) => {
  describe("order of checks", () => {
    it.each(ORDER)("$name: $code", async ({ token, requirements, code, claim, header }) => {
      const error = await expectCode(() => run(offline(), token(), requirements), code);
      expect(error.claim).toBe(claim);
      expect(error.header).toBe(header);
    });

    it("normalizes the requirements before it reads the token: a TypeError, whatever the token", async () => {
      const malformed = { minTokenBalance: "1" } as Requirements;
      await expect(run(offline(), "", malformed)).rejects.toThrow(TypeError);
      await expect(run(offline(), issuer.sign(), malformed)).rejects.toThrow(TypeError);
    });

    it("reports a missing or non-string token before its size", async () => {
      await expectCode(() => run(offline(), ""), "ERR_TOKEN_MISSING");
      await expectCode(() => run(offline(), 7 as unknown as string), "ERR_TOKEN_MALFORMED");
    });

    it("returns the normalized claims of a token that passes every check", async () => {
      const claims = await run(
        offline(),
        issuer.sign({ tokenBalance: "9", contractAddress: CONTRACT }),
        UNMET,
      );
      expect(claims.walletAddress).toBe(issuer.walletAddress);
      expect(claims.chain).toBe("ethereum");
      expect(Object.isFrozen(claims)).toBe(true);
    });
  });

  describe("the token cache", () => {
    it("answers a token seen before with the same claims, without reading it again", async () => {
      const pipeline = offline({ tokenCache: 10 });
      const token = issuer.sign();
      // Cached on its second sight.
      await run(pipeline, token);
      const first = await run(pipeline, token);
      const read = vi.spyOn(pipeline.reader, "read");
      expect(await run(pipeline, token)).toBe(first);
      expect(read).not.toHaveBeenCalled();
    });

    it("checks the requirements of each call against a cached token", async () => {
      const pipeline = offline({ tokenCache: 10 });
      const token = issuer.sign({ tokenBalance: "2", contractAddress: CONTRACT });
      await run(pipeline, token);
      await expectCode(() => run(pipeline, token, UNMET), "ERR_REQUIREMENTS_NOT_MET");
      expect((await run(pipeline, token, { ...UNMET, minTokenBalance: "2" })).tokenBalance).toBe(
        "2",
      );
    });

    it("holds a cached token to its expiry", async () => {
      const pipeline = offline({ tokenCache: 10 });
      const token = issuer.sign({}, { expiresIn: 60 });
      await run(pipeline, token);
      clock.advance(61_000);
      await expectCode(() => run(pipeline, token), "ERR_TOKEN_EXPIRED");
    });

    it("remembers only tokens that passed the signature and the claims", async () => {
      const pipeline = offline({ tokenCache: 10 });
      const set = vi.spyOn(pipeline.cache as NonNullable<Pipeline["cache"]>, "set");
      await expectCode(() => run(pipeline, issuer.sign({ aud: "x" })), "ERR_AUDIENCE_INVALID");
      await expectCode(() => run(pipeline, stranger.sign()), "ERR_SIGNATURE_INVALID");
      expect(set).not.toHaveBeenCalled();
      await expectCode(() => run(pipeline, issuer.sign(), UNMET), "ERR_REQUIREMENTS_NOT_MET");
      expect(set).toHaveBeenCalledTimes(1);
    });
  });

  describe("keys", () => {
    it("names the kid, cut to 64 characters, when the key set has no such key", async () => {
      const kid = "k".repeat(80);
      const error = await expectCode(
        () => run(offline(), forgeToken({ alg: "ES256", kid }, goodClaims())),
        "ERR_KEY_NOT_FOUND",
      );
      expect(error.message).toBe(`No key with kid "${"k".repeat(64)}" in the key set`);
      expect(error.header).toBe("kid");
    });

    it("names the algorithm when a token without kid finds no key for it", async () => {
      const pipeline = offline();
      vi.spyOn(pipeline.store, "peek").mockReturnValue([]);
      const error = await expectCode(
        () => run(pipeline, forgeToken({ alg: "ES256" }, goodClaims())),
        "ERR_KEY_NOT_FOUND",
      );
      expect(error.message).toBe("No key for ES256 in the key set");
      expect(error.header).toBe("alg");
    });

    it("moves the key that verified a token without kid to the front, and tries it first next time", async () => {
      const three = [createTestIssuer(), createTestIssuer(), issuer];
      const pipeline = createPipeline({
        projectId: PROJECT_ID,
        clock: clock.now,
        jwks: { keys: three.flatMap((each) => each.jwks.keys) },
      });
      const [first, second, winner] = pipeline.store.peek(undefined, "ES256") ?? [];
      expect(winner?.kid).toBe("k1");
      const kidless = () => forgeToken({ alg: "ES256" }, goodClaims(), privateKeyOf(issuer));
      await run(pipeline, kidless());
      expect(pipeline.store.peek(undefined, "ES256")).toEqual([winner, first, second]);
      const verifyHere = vi.spyOn(pipeline.verifier, "verifyHere");
      await run(pipeline, kidless());
      expect(verifyHere.mock.calls[0]?.[1]?.[0]).toBe(winner);
      expect(verifyHere.mock.results[0]?.value).toBe(winner);
    });

    it("leaves the key order alone for tokens with a kid", async () => {
      const pipeline = offline();
      const prefer = vi.spyOn(pipeline.store, "preferForAlgorithm");
      await run(pipeline, issuer.sign());
      expect(prefer).not.toHaveBeenCalled();
    });
  });
});

describe("validateTokenSync alone", () => {
  it("needs a key set loaded already, and says how to get one", async () => {
    const { fetch, requests } = stubFetch(() => new Response(JSON.stringify(issuer.jwks)));
    const pipeline = createPipeline({
      projectId: PROJECT_ID,
      clock: clock.now,
      jwksUri: URI,
      fetch,
    });
    const error = await expectCode(
      () => validateTokenSync(pipeline, issuer.sign(), undefined),
      "ERR_KEY_NOT_FOUND",
    );
    expect(error.message).toBe(
      "No key set is loaded yet: call await validator.ready() once at start-up, or use validate()",
    );
    expect(requests).toEqual([]);
  });

  it("refuses to run where the verifier cannot verify synchronously, pointing to validate()", () => {
    const pipeline = offline();
    vi.spyOn(pipeline.verifier, "synchronous", "get").mockReturnValue(false);
    expect(() => validateTokenSync(pipeline, issuer.sign(), undefined)).toThrow(
      new TypeError(
        "validateSync needs a synchronous signature verifier, which this runtime (Web Crypto) does not have: use validate() (await validator.validate(token))",
      ),
    );
  });

  it("never fetches: a token without kid by a new key fails at once", async () => {
    const remote = await loadedRemote();
    remote.serve(stranger);
    clock.advance(COOLDOWN);
    await expectCode(
      () => validateTokenSync(remote.pipeline, kidlessBy(stranger), undefined),
      "ERR_SIGNATURE_INVALID",
    );
    expect(remote.requests).toHaveLength(1);
  });
});

describe("validateToken alone", () => {
  it("settles a lone call with cached keys before the event loop turns", async () => {
    const pipeline = offline();
    let turned = false;
    setImmediate(() => {
      turned = true;
    });
    await validateToken(pipeline, issuer.sign(), undefined);
    await expectCode(
      () => validateToken(pipeline, flipSignatureBit(issuer.sign()), undefined),
      "ERR_SIGNATURE_INVALID",
    );
    await expectCode(() => validateToken(pipeline, "a.b", undefined), "ERR_TOKEN_MALFORMED");
    expect(turned).toBe(false);
  });

  it("waits for the first key set where none is loaded", async () => {
    const remote = remotePipeline();
    expect((await validateToken(remote.pipeline, issuer.sign(), undefined)).aud).toBe(PROJECT_ID);
    expect(remote.requests).toHaveLength(1);
  });

  it("takes a kid token's signature failure as final: no refetch, even past the cooldown", async () => {
    const remote = await loadedRemote();
    // The endpoint now holds another key under the same kid: a refetch would let it through.
    remote.serve(stranger);
    clock.advance(COOLDOWN * 2);
    await expectCode(
      () => validateToken(remote.pipeline, stranger.sign(), undefined),
      "ERR_SIGNATURE_INVALID",
    );
    expect(remote.requests).toHaveLength(1);
  });

  it("refetches once per cooldown for a token without kid that no key verifies", async () => {
    const remote = await loadedRemote();
    remote.serve(stranger);
    clock.advance(COOLDOWN);
    // The keys were rotated: one refetch finds the new key.
    expect((await validateToken(remote.pipeline, kidlessBy(stranger), undefined)).aud).toBe(
      PROJECT_ID,
    );
    expect(remote.requests).toHaveLength(2);
    // Within the cooldown, a token no key verifies is refused without a fetch.
    const unknown = createTestIssuer({ projectId: PROJECT_ID, clock: clock.now });
    await expectCode(
      () => validateToken(remote.pipeline, kidlessBy(unknown), undefined),
      "ERR_SIGNATURE_INVALID",
    );
    expect(remote.requests).toHaveLength(2);
    clock.advance(COOLDOWN);
    await expectCode(
      () => validateToken(remote.pipeline, kidlessBy(unknown), undefined),
      "ERR_SIGNATURE_INVALID",
    );
    expect(remote.requests).toHaveLength(3);
  });

  it("does not verify again after a refetch that brought no new key set", async () => {
    const remote = await loadedRemote();
    remote.fail();
    clock.advance(COOLDOWN);
    const verify = vi.spyOn(remote.pipeline.verifier, "verify");
    await expectCode(
      () => validateToken(remote.pipeline, kidlessBy(stranger), undefined),
      "ERR_SIGNATURE_INVALID",
    );
    expect(remote.requests).toHaveLength(2);
    expect(verify).toHaveBeenCalledTimes(1);
  });

  it("fetches nothing more for tokens that verify, with or without kid, past the cooldown", async () => {
    const remote = await loadedRemote();
    clock.advance(COOLDOWN * 2);
    expect((await validateToken(remote.pipeline, kidlessBy(issuer), undefined)).aud).toBe(
      PROJECT_ID,
    );
    expect((await validateToken(remote.pipeline, issuer.sign(), undefined)).aud).toBe(PROJECT_ID);
    expect(remote.requests).toHaveLength(1);
  });

  it("says that the signature is invalid", async () => {
    const error = await expectCode(
      () => validateToken(offline(), flipSignatureBit(issuer.sign()), undefined),
      "ERR_SIGNATURE_INVALID",
    );
    expect(error.message).toBe("The token's signature is invalid");
  });

  it("refetches for an unknown kid and verifies with the key it brings", async () => {
    const remote = await loadedRemote();
    const rotated = createTestIssuer({ projectId: PROJECT_ID, kid: "k2", clock: clock.now });
    remote.serve(rotated);
    clock.advance(COOLDOWN);
    expect((await validateToken(remote.pipeline, rotated.sign(), undefined)).aud).toBe(PROJECT_ID);
    expect(remote.requests).toHaveLength(2);
  });
});

/** A token without kid, signed by `by`'s key. */
function kidlessBy(by: TestIssuer): string {
  return forgeToken({ alg: "ES256", typ: "JWT" }, goodClaims(), privateKeyOf(by));
}

/** A pipeline on a stubbed endpoint that serves `served`'s keys (or fails). */
function remotePipeline() {
  let served: TestIssuer | undefined = issuer;
  const { fetch, requests } = stubFetch(() =>
    served === undefined
      ? new Response("down", { status: 503 })
      : new Response(JSON.stringify(served.jwks), {
          headers: { "content-type": "application/json" },
        }),
  );
  const pipeline = createPipeline({
    projectId: PROJECT_ID,
    clock: clock.now,
    jwksUri: URI,
    fetch,
    settings: { cooldown: COOLDOWN },
  });
  return {
    pipeline,
    requests,
    serve(next: TestIssuer) {
      served = next;
    },
    fail() {
      served = undefined;
    },
  };
}

async function loadedRemote() {
  const remote = remotePipeline();
  await remote.pipeline.store.ensureLoaded();
  return remote;
}
