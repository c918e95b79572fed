import { fastify } from "fastify";
import { describe, expect, it } from "vitest";
import { authorize, createPicketClient, Picket } from "../../src/client/index.js";
import { picketAuth as expressAuth } from "../../src/http/express.js";
import { picketPlugin, picketPreHandler } from "../../src/http/fastify.js";
import { authenticate, withPicket } from "../../src/http/fetch.js";
import { picketAuth as honoAuth } from "../../src/http/hono.js";
import { createValidator } from "../../src/index.js";
import { nearestKey, refuseUnknownKeys } from "../../src/shared/strict-keys.js";
import { createTestIssuer } from "../../src/testing/index.js";

const issuer = createTestIssuer();
const validator = issuer.validator();
const core = { projectId: issuer.projectId, jwks: issuer.jwks };
const vip = { contractAddress: "0x8a90cab2b38dba80c64b7734e58ee1db38b8992e", minTokenBalance: 1 };
const request = new Request("http://127.0.0.1/");
const handler = () => new Response("ok");

/** Calls `create` with options it must refuse; `as never` because the types refuse them too. */
type Attempt = () => unknown;

async function fastifyPlugin(options: unknown): Promise<void> {
  const app = fastify();
  app.register(picketPlugin, options as never);
  try {
    await app.ready();
  } finally {
    await app.close();
  }
}

async function fastifyRoute(requirements: unknown): Promise<void> {
  const app = fastify();
  await app.register(picketPlugin, { validator });
  try {
    app.picketAuth(requirements as never);
  } finally {
    await app.close();
  }
}

// Every public options object, each with a misspelt (or misplaced) key, and the exact refusal.
const cases: [string, Attempt, string][] = [
  [
    "createValidator",
    () => createValidator({ ...core, requirment: vip } as never),
    "options.requirment is not an option of createValidator; did you mean requirements?",
  ],
  [
    "createValidator jwksCache",
    () => createValidator({ ...core, jwksCache: { maxAg: 60_000 } } as never),
    "options.jwksCache.maxAg is not an option of createValidator; did you mean jwksCache.maxAge?",
  ],
  [
    "createValidator tokenCache",
    () => createValidator({ ...core, tokenCache: { maxSize: 5 } } as never),
    "options.tokenCache.maxSize is not an option of createValidator; did you mean tokenCache.max?",
  ],
  [
    "Express picketAuth",
    () => expressAuth({ validator, requirment: vip } as never),
    "options.requirment is not an option of picketAuth; did you mean requirements?",
  ],
  [
    "the Fastify plugin",
    () => fastifyPlugin({ validator, optinal: true }),
    "options.optinal is not an option of picketPlugin; did you mean optional?",
  ],
  [
    "picketPreHandler",
    () => picketPreHandler({ validator, requirment: vip } as never),
    "options.requirment is not an option of picketPreHandler; did you mean requirements?",
  ],
  [
    "fastify.picketAuth",
    () => fastifyRoute({ requirements: vip }),
    "fastify.picketAuth takes requirements, not options: pass the requirements themselves: fastify.picketAuth({ contractAddress, minTokenBalance })",
  ],
  [
    "Hono picketAuth",
    () => honoAuth({ validator, getTokn: () => undefined } as never),
    "options.getTokn is not an option of picketAuth; did you mean getToken?",
  ],
  [
    "withPicket",
    () => withPicket(handler, { validator, onErorr: () => undefined } as never),
    "options.onErorr is not an option of withPicket; did you mean onError?",
  ],
  [
    "authenticate",
    () => authenticate(request, validator, vip, { revalidat: undefined } as never),
    "options.revalidat is not an option of authenticate; did you mean revalidate?",
  ],
  [
    "createPicketClient",
    () => createPicketClient({ secretKey: "sk_a", baseURL: "http://127.0.0.1:8787" } as never),
    "options.baseURL is not an option of createPicketClient; did you mean baseUrl?",
  ],
  [
    "new Picket",
    () => new Picket("sk_a", { ...core, clockTolerence: 5 } as never),
    "options.clockTolerence is not an option of Picket; did you mean clockTolerance?",
  ],
  [
    "new Picket, a client option at the top level",
    () => new Picket("sk_a", { ...core, baseUrl: "http://127.0.0.1:8787" } as never),
    "options.baseUrl is not an option of Picket; baseUrl is an option of createPicketClient: give it under client, as new Picket(secretKey, { projectId, client: { baseUrl } })",
  ],
  [
    "new Picket, under client",
    () => new Picket("sk_a", { ...core, client: { timout: 5_000 } } as never),
    "options.client.timout is not an option of Picket; did you mean client.timeout?",
  ],
  [
    "new Picket jwksCache",
    () => new Picket("sk_a", { ...core, jwksCache: { maxage: 60_000 } } as never),
    "options.jwksCache.maxage is not an option of Picket; did you mean jwksCache.maxAge?",
  ],
  [
    "authorize",
    () =>
      authorize(
        { validator, client: {}, accessToken: "t", requirements: vip } as never,
        {} as never,
        "t",
        vip,
      ),
    "authorize(validator, client, accessToken, requirements) takes four arguments, not one options object",
  ],
  [
    "createTestIssuer",
    () => createTestIssuer({ projectID: "p" } as never),
    "options.projectID is not an option of createTestIssuer; did you mean projectId?",
  ],
  [
    "issuer.sign",
    () => issuer.sign({}, { expiresin: 60 } as never),
    "options.expiresin is not an option of issuer.sign; did you mean expiresIn?",
  ],
  [
    "issuer.sign, a claim among its options",
    () => issuer.sign({}, { exp: 1 } as never),
    "options.exp is not an option of issuer.sign; claims are sign's first argument: issuer.sign({ exp }, options)",
  ],
  [
    "issuer.serve",
    () => (issuer.serve as (options: unknown) => unknown)({ port: 0 }),
    "options.port is not an option of issuer.serve; it takes no options",
  ],
];

describe("every public options object refuses an unknown key at creation", () => {
  it.each(cases)("%s", async (_name, attempt, message) => {
    // Sync throws and async rejections alike, so each case reads the same.
    await expect(Promise.resolve().then(attempt)).rejects.toThrow(new TypeError(message));
  });
});

describe("adapters refuse a value of the wrong type at creation", () => {
  it("optional that is not a boolean, revalidate that is not a client", () => {
    expect(() => expressAuth({ validator, optional: "true" } as never)).toThrow(
      new TypeError("picketAuth: optional must be true or false, not string"),
    );
    expect(() => withPicket(handler, { validator, revalidate: true } as never)).toThrow(
      new TypeError(
        "withPicket: revalidate must be a Picket API client, from createPicketClient({ secretKey }) or a Picket's .client",
      ),
    );
  });
});

describe("refuseUnknownKeys", () => {
  it("lists the known options when none is near, or says there are none", () => {
    expect(() => refuseUnknownKeys({ zzz: 1 }, ["alpha", "beta"], "f")).toThrow(
      new TypeError("options.zzz is not an option of f; known options: alpha, beta"),
    );
    expect(() => refuseUnknownKeys({ zzz: 1 }, [], "f")).toThrow(
      new TypeError("options.zzz is not an option of f; it takes no options"),
    );
  });

  it("points a key that belongs elsewhere there, exactly or nearly spelt", () => {
    const elsewhere = { baseUrl: "give it to the client" };
    expect(() => refuseUnknownKeys({ baseUrl: 1 }, ["projectId"], "f", "", elsewhere)).toThrow(
      new TypeError("options.baseUrl is not an option of f; give it to the client"),
    );
    expect(() => refuseUnknownKeys({ baseURL: 1 }, ["projectId"], "f", "", elsewhere)).toThrow(
      new TypeError(
        "options.baseURL is not an option of f; did you mean baseUrl? give it to the client",
      ),
    );
  });

  it("takes known keys, and a key of its own known list over advice for it", () => {
    expect(() => refuseUnknownKeys({ a: 1 }, ["a"], "f", "", { a: "elsewhere" })).not.toThrow();
    expect(nearestKey("requre", ["require", "jwks"])).toBe("require");
    expect(nearestKey("zzzzzz", ["require", "jwks"])).toBeUndefined();
  });
});
