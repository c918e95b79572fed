import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  createValidator,
  decodeUnverified,
  type ErrorCode,
  isPicketValidationError,
  type Validator,
} from "../../src/index.js";
import { createTestIssuer } from "../../src/testing/index.js";
import { BASE64URL_ALPHABET, decodePart, encodePart } from "../helpers/forge.js";

// Property-based fuzzing of the validator with fast-check: random bytes, random base64url parts
// and JSON, and mutations of valid tokens. Every outcome must be a valid result for an
// unmodified token or a PicketValidationError with a code of the contract: never another
// exception, a hang or an unhandled rejection; `validate` and `validateSync` must agree.
//
// FUZZ_RUNS sets the runs of each property (default 3,000; `npm run fuzz` sets 100,000), and
// FUZZ_SEED replays a run (fast-check prints the seed of a failure).

const RUNS = Number.parseInt(process.env.FUZZ_RUNS ?? "3000", 10);
const SEED = process.env.FUZZ_SEED === undefined ? undefined : Number(process.env.FUZZ_SEED);
/** Generous: a property may take ~1 ms per run, and must finish whatever the machine. */
const TIMEOUT = Math.max(60_000, RUNS * 20);
/** Longer than any single verification could take: past this, an input has hung the validator. */
const HANG_MS = 5_000;

if (!Number.isSafeInteger(RUNS) || RUNS <= 0) {
  throw new Error(`FUZZ_RUNS must be a positive integer, not ${process.env.FUZZ_RUNS}`);
}

/** The error codes of the contract (shared/spec/api.md), written out independently of the source. */
const CONTRACT_CODES = new Set<string>([
  "ERR_TOKEN_MISSING",
  "ERR_TOKEN_MALFORMED",
  "ERR_TOKEN_TOO_LARGE",
  "ERR_ALG_NOT_ALLOWED",
  "ERR_KEY_NOT_FOUND",
  "ERR_SIGNATURE_INVALID",
  "ERR_ISSUER_INVALID",
  "ERR_AUDIENCE_INVALID",
  "ERR_TOKEN_EXPIRED",
  "ERR_TOKEN_NOT_YET_VALID",
  "ERR_CLAIM_INVALID",
  "ERR_REQUIREMENTS_NOT_MET",
  "ERR_JWKS_UNAVAILABLE",
  "ERR_JWKS_INVALID",
]);

/**
 * The codes a token can get before its signature verifies. A modified token that gets any other
 * code would have passed the signature, so it is held to the accepted-mutant rule instead.
 */
const PRE_SIGNATURE_CODES = new Set<ErrorCode>([
  "ERR_TOKEN_MISSING",
  "ERR_TOKEN_MALFORMED",
  "ERR_TOKEN_TOO_LARGE",
  "ERR_ALG_NOT_ALLOWED",
  "ERR_KEY_NOT_FOUND",
  "ERR_SIGNATURE_INVALID",
]);

const NOW_MS = Date.UTC(2026, 0, 1);
const clock = () => NOW_MS;
const picketIssuer = createTestIssuer({ clock });
const keyedIssuer = createTestIssuer({ clock, kid: "k1", projectId: picketIssuer.projectId });
const jwks = { keys: [...picketIssuer.jwks.keys, ...keyedIssuer.jwks.keys] };

/** Valid tokens to mutate: Picket's usual form (no kid) and a kid-bearing one, varied claims. */
const ORIGINALS: readonly string[] = [
  picketIssuer.sign(),
  picketIssuer.sign({ tokenBalance: "3", contractAddress: "0xabc" }),
  picketIssuer.sign({ aud: [picketIssuer.projectId, "other"], email: "holder@example.com" }),
  picketIssuer.sign({
    chain: "solana",
    sub: "solana/mainnet:4Nd1mBQtrMJVYVfKf2PJy9NZUZdTAsp7D4xWLs4gDB4T",
  }),
  keyedIssuer.sign(),
  keyedIssuer.sign({ tokenBalances: { contractAddress: { "0xabc": "1.5" } } }),
];

/** What one call made of an input. */
type Outcome = { kind: "valid"; claims: unknown } | { kind: "error"; code: ErrorCode };

function describeOutcome(outcome: Outcome): string {
  return outcome.kind === "valid" ? "VALID" : outcome.code;
}

const stray: unknown[] = [];
const onUnhandled = (reason: unknown) => {
  stray.push(reason);
};

/** Runs `call`, turning the outcome into data; anything but a contract error fails the test. */
async function outcomeOf(label: string, input: unknown, call: () => unknown): Promise<Outcome> {
  let timer: NodeJS.Timeout | undefined;
  const hang = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${label} hung for ${HANG_MS} ms`)), HANG_MS);
  });
  try {
    const claims = await Promise.race([Promise.resolve().then(call), hang]);
    return { kind: "valid", claims };
  } catch (error) {
    if (isPicketValidationError(error) && CONTRACT_CODES.has(error.code)) {
      return { kind: "error", code: error.code };
    }
    throw new Error(
      `${label} threw something other than a contract error for ${JSON.stringify(input)}: ${String(error)}`,
      { cause: error },
    );
  } finally {
    clearTimeout(timer);
  }
}

/** Both entry points on one input: they must agree. */
async function bothWays(validator: Validator, input: string): Promise<Outcome> {
  const viaAsync = await outcomeOf("validate", input, () => validator.validate(input));
  const viaSync = await outcomeOf("validateSync", input, () => validator.validateSync(input));
  expect(describeOutcome(viaSync), `validate and validateSync disagree on ${input}`).toBe(
    describeOutcome(viaAsync),
  );
  return viaAsync;
}

/** decodeUnverified checks nothing, but it too must fail only with contract errors. */
async function decodes(input: string): Promise<void> {
  const outcome = await outcomeOf("decodeUnverified", input, () => decodeUnverified(input));
  if (outcome.kind === "error") {
    expect(["ERR_TOKEN_MISSING", "ERR_TOKEN_MALFORMED"]).toContain(outcome.code);
  }
}

// ---------------------------------------------------------------------------------------------
// Arbitraries.

const randomText = fc.oneof(
  fc.uint8Array({ maxLength: 600 }).map((bytes) => Buffer.from(bytes).toString("latin1")),
  fc.uint8Array({ maxLength: 600 }).map((bytes) => Buffer.from(bytes).toString("utf8")),
  fc.string({ unit: "binary", maxLength: 300 }),
  fc.string({ unit: "grapheme", maxLength: 300 }),
  fc.stringMatching(/^[A-Za-z0-9_\-.=+/ ]{0,400}$/),
);

const base64urlText = fc.stringMatching(/^[A-Za-z0-9_-]{0,200}$/);

const headerObject = fc.record(
  {
    alg: fc.oneof(
      fc.constantFrom("ES256", "ES384", "RS256", "PS256", "EdDSA", "HS256", "none", "None", ""),
      fc.string({ maxLength: 8 }),
      fc.jsonValue({ maxDepth: 2 }),
    ),
    typ: fc.constantFrom("JWT", "jwt", "at+jwt"),
    kid: fc.oneof(fc.constantFrom("k1", "test-key-1", "../k1"), fc.jsonValue({ maxDepth: 1 })),
    crit: fc.array(fc.string({ maxLength: 5 }), { maxLength: 2 }),
    b64: fc.boolean(),
    jwk: fc.constant({ kty: "EC" }),
    jku: fc.constant("https://attacker.example/jwks.json"),
  },
  { requiredKeys: [] },
);

const claimsObject = fc.record(
  {
    iss: fc.oneof(fc.constant("picketapi.com"), fc.jsonValue({ maxDepth: 1 })),
    aud: fc.oneof(fc.constant(picketIssuer.projectId), fc.jsonValue({ maxDepth: 1 })),
    sub: fc.oneof(fc.constant("ethereum:0xabc"), fc.jsonValue({ maxDepth: 1 })),
    exp: fc.oneof(fc.constant(NOW_MS / 1000 + 60), fc.jsonValue({ maxDepth: 1 })),
    nbf: fc.jsonValue({ maxDepth: 1 }),
    iat: fc.jsonValue({ maxDepth: 1 }),
  },
  { requiredKeys: [] },
);

const jsonPart = (object: fc.Arbitrary<unknown>) =>
  fc.oneof(
    { weight: 4, arbitrary: object.map((value) => encodePart(JSON.stringify(value))) },
    fc.jsonValue({ maxDepth: 3 }).map((value) => encodePart(JSON.stringify(value) ?? "null")),
    fc.string({ maxLength: 40 }).map((text) => encodePart(text)),
    base64urlText,
  );

/** Headers that pass the header check half of the time, so that inputs reach keys and signatures. */
const plausibleHeader = fc.oneof(
  headerObject,
  fc.record(
    { alg: fc.constant("ES256"), typ: fc.constant("JWT"), kid: fc.constantFrom("k1", "k2") },
    { requiredKeys: ["alg"] },
  ),
);

const signaturePart = fc.oneof(
  {
    weight: 3,
    arbitrary: fc.uint8Array({ minLength: 64, maxLength: 64 }).map((bytes) => encodePart(bytes)),
  },
  fc.uint8Array({ maxLength: 140 }).map((bytes) => encodePart(bytes)),
  base64urlText,
  fc.constant(""),
);

const structured = fc
  .tuple(jsonPart(plausibleHeader), jsonPart(claimsObject), signaturePart)
  .map((parts) => parts.join("."));

type Mutation =
  | { kind: "flip"; at: number; bit: number }
  | { kind: "replace"; at: number; char: string }
  | { kind: "insert"; at: number; text: string }
  | { kind: "delete"; at: number; count: number }
  | { kind: "truncate"; at: number }
  | { kind: "swap"; order: [number, number, number] }
  | { kind: "splice"; part: number; from: number }
  | { kind: "case"; at: number }
  | { kind: "last"; char: number };

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ kind: fc.constant("flip"), at: fc.nat(), bit: fc.integer({ min: 0, max: 7 }) }),
  fc.record({
    kind: fc.constant("replace"),
    at: fc.nat(),
    char: fc.oneof(
      fc.stringMatching(/^[A-Za-z0-9_-]$/),
      fc.constantFrom(".", "=", "+", "/", " ", "\n", "\u0000", "é"),
    ),
  }),
  fc.record({
    kind: fc.constant("insert"),
    at: fc.nat(),
    text: fc.oneof(fc.stringMatching(/^[A-Za-z0-9_\-.=]{1,4}$/), fc.string({ maxLength: 3 })),
  }),
  fc.record({ kind: fc.constant("delete"), at: fc.nat(), count: fc.integer({ min: 1, max: 8 }) }),
  fc.record({ kind: fc.constant("truncate"), at: fc.nat() }),
  fc.record({
    kind: fc.constant("swap"),
    order: fc.constantFrom<[number, number, number]>(
      [1, 0, 2],
      [0, 2, 1],
      [2, 1, 0],
      [1, 2, 0],
      [2, 0, 1],
      [0, 0, 2],
      [0, 1, 1],
    ),
  }),
  fc.record({
    kind: fc.constant("splice"),
    part: fc.integer({ min: 0, max: 2 }),
    from: fc.nat({ max: ORIGINALS.length - 1 }),
  }),
  fc.record({ kind: fc.constant("case"), at: fc.nat() }),
  // The last character of the signature: where base64url holds bits that decoding drops.
  fc.record({ kind: fc.constant("last"), char: fc.nat({ max: 63 }) }),
);

function mutate(token: string, change: Mutation): string {
  const at = (n: number) => (token.length === 0 ? 0 : n % token.length);
  switch (change.kind) {
    case "flip": {
      const index = at(change.at);
      const code = token.charCodeAt(index) ^ (1 << change.bit);
      return token.slice(0, index) + String.fromCharCode(code) + token.slice(index + 1);
    }
    case "replace": {
      const index = at(change.at);
      return token.slice(0, index) + change.char + token.slice(index + 1);
    }
    case "insert": {
      const index = at(change.at);
      return token.slice(0, index) + change.text + token.slice(index);
    }
    case "delete": {
      const index = at(change.at);
      return token.slice(0, index) + token.slice(index + change.count);
    }
    case "truncate":
      return token.slice(0, at(change.at));
    case "swap": {
      const parts = token.split(".");
      return change.order.map((index) => parts[index] ?? "").join(".");
    }
    case "splice": {
      const parts = token.split(".");
      const donor = (ORIGINALS[change.from] ?? token).split(".");
      parts[change.part] = donor[change.part] ?? "";
      return parts.join(".");
    }
    case "case": {
      const index = at(change.at);
      const char = token.charAt(index);
      const flipped = char === char.toUpperCase() ? char.toLowerCase() : char.toUpperCase();
      return token.slice(0, index) + flipped + token.slice(index + 1);
    }
    case "last":
      return token.slice(0, -1) + BASE64URL_ALPHABET.charAt(change.char);
  }
}

const mutant = fc
  .tuple(fc.nat({ max: ORIGINALS.length - 1 }), fc.array(mutation, { minLength: 1, maxLength: 3 }))
  .map(([index, changes]) => {
    const original = ORIGINALS[index] as string;
    return { original, changes, token: changes.reduce(mutate, original) };
  });

/**
 * Whether a mutant is the original token re-spelled: the same encoded header and payload and a
 * signature part decoding to the same bytes. Base64url's last character can carry bits a lenient
 * decoder drops; the validator refuses such spellings as non-canonical.
 */
function sameToken(mutated: string, original: string): boolean {
  const [h1, p1, s1] = mutated.split(".");
  const [h2, p2, s2] = original.split(".");
  const bytes = (part: string | undefined) => decodePart(part ?? "");
  return (
    mutated.split(".").length === 3 &&
    h1 === h2 &&
    p1 === p2 &&
    bytes(h1).equals(bytes(h2)) &&
    bytes(p1).equals(bytes(p2)) &&
    bytes(s1).equals(bytes(s2))
  );
}

// ---------------------------------------------------------------------------------------------

describe(`fuzzing (FUZZ_RUNS=${RUNS} per property)`, () => {
  let strict: Validator;
  let cached: Validator;
  const tally = new Map<string, number>();
  let inputs = 0;
  let respelled = 0;
  const count = (key: string) => tally.set(key, (tally.get(key) ?? 0) + 1);

  beforeAll(async () => {
    process.on("unhandledRejection", onUnhandled);
    // tokenCache false: every input is verified, none answered from the cache.
    strict = createValidator({ projectId: picketIssuer.projectId, jwks, clock, tokenCache: false });
    // The default cache, warmed with the originals: a mutant must never be served their verdict.
    cached = createValidator({ projectId: picketIssuer.projectId, jwks, clock });
    await Promise.all([strict.ready(), cached.ready()]);
    for (const token of ORIGINALS) {
      expect(describeOutcome(await bothWays(strict, token))).toBe("VALID");
      expect(describeOutcome(await bothWays(cached, token))).toBe("VALID");
    }
  });

  afterAll(() => {
    process.off("unhandledRejection", onUnhandled);
    console.info(
      `[fuzz] ${inputs} inputs (FUZZ_RUNS=${RUNS}${SEED === undefined ? "" : `, seed ${SEED}`}), ${respelled} re-spellings of a valid token (unused bits) refused; outcomes ${JSON.stringify(Object.fromEntries([...tally].sort()))}`,
    );
  });

  const settings = (): fc.Parameters<unknown> => ({
    numRuns: RUNS,
    ...(SEED === undefined ? {} : { seed: SEED }),
  });

  it(
    "random bytes and text: a contract error, never a pass",
    async () => {
      await fc.assert(
        fc.asyncProperty(randomText, async (input) => {
          inputs += 1;
          const outcome = await bothWays(strict, input);
          count(`random:${describeOutcome(outcome)}`);
          expect(outcome.kind).toBe("error");
          await decodes(input);
        }),
        settings(),
      );
      expect(stray).toEqual([]);
    },
    TIMEOUT,
  );

  it(
    "random base64url parts and JSON headers and claims: a contract error, never a pass",
    async () => {
      await fc.assert(
        fc.asyncProperty(structured, async (input) => {
          inputs += 1;
          const outcome = await bothWays(strict, input);
          count(`structured:${describeOutcome(outcome)}`);
          // Nothing here is signed by the issuer: no input may get past the signature.
          expect(outcome.kind === "error" && PRE_SIGNATURE_CODES.has(outcome.code)).toBe(true);
          await decodes(input);
        }),
        settings(),
      );
      expect(stray).toEqual([]);
    },
    TIMEOUT,
  );

  it(
    "mutated valid tokens (bit flips, truncation, part swaps...): rejected before the claims, or the very same token",
    async () => {
      await fc.assert(
        fc.asyncProperty(mutant, async ({ original, token }) => {
          inputs += 1;
          const outcome = await bothWays(strict, token);
          count(`mutant:${describeOutcome(outcome)}`);
          if (outcome.kind === "valid" || !PRE_SIGNATURE_CODES.has(outcome.code)) {
            // Past the signature: only a token identical in every signed byte to one the issuer
            // signed may get there (splicing all of another original's parts rebuilds that one).
            // Canonical base64url leaves one spelling: the accepted token is an original, exactly.
            expect(ORIGINALS, `accepted mutant ${token} of ${original}`).toContain(token);
            expect(outcome.kind).toBe("valid");
          } else {
            expect(ORIGINALS).not.toContain(token);
            if (ORIGINALS.some((signed) => sameToken(token, signed))) respelled += 1;
          }
          // A warm token cache changes nothing: a mutant is never served its original's verdict.
          const fromCache = await bothWays(cached, token);
          expect(describeOutcome(fromCache)).toBe(describeOutcome(outcome));
          await decodes(token);
        }),
        settings(),
      );
      expect(stray).toEqual([]);
      // The rule above was exercised: some mutants differed from their original in unused bits
      // only, and were refused.
      if (RUNS >= 1000) expect(respelled).toBeGreaterThan(0);
    },
    TIMEOUT,
  );

  it("one token, one spelling: a flipped unused bit is malformed, a flipped used bit a bad signature", async () => {
    const token = ORIGINALS[0] as string;
    const [h, p, s] = token.split(".") as [string, string, string];
    // 64 bytes are 86 base64url characters; the last carries 2 bits of data and 4 unused bits.
    const last = BASE64URL_ALPHABET.indexOf(s.charAt(85));
    const unused = `${s.slice(0, 85)}${BASE64URL_ALPHABET.charAt(last ^ 0b000001)}`;
    const used = `${s.slice(0, 85)}${BASE64URL_ALPHABET.charAt(last ^ 0b100000)}`;
    expect(sameToken(`${h}.${p}.${unused}`, token)).toBe(true);
    expect(describeOutcome(await bothWays(strict, `${h}.${p}.${unused}`))).toBe(
      "ERR_TOKEN_MALFORMED",
    );
    expect(sameToken(`${h}.${p}.${used}`, token)).toBe(false);
    expect(describeOutcome(await bothWays(strict, `${h}.${p}.${used}`))).toBe(
      "ERR_SIGNATURE_INVALID",
    );
  });
});
