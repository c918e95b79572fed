import { createPublicKey, generateKeyPairSync } from "node:crypto";
import { beforeAll, describe, expect, it } from "vitest";
import {
  createValidator,
  decodeUnverified,
  type ErrorCode,
  isPicketValidationError,
  type PicketValidationError,
  type Validator,
} from "../../src/index.js";
import { createTestIssuer } from "../../src/testing/index.js";
import { expectCode } from "../helpers/expect-code.js";
import {
  decodePart,
  derEcdsaSigner,
  ecdsaSigner,
  encodePart,
  forgeToken,
  hmacSigner,
  privateKeyOf,
  rsaSigner,
  signatureOf,
  tokenParts,
  withSignature,
} from "../helpers/forge.js";
import { SPEC_STATUS } from "../helpers/spec-errors.js";

async function expectRejected(run: () => unknown, code: ErrorCode): Promise<PicketValidationError> {
  const error = await expectCode(run, code);
  expect(error.status).toBe(SPEC_STATUS[code]);
  return error;
}

// ---------------------------------------------------------------------------------------------
// The legitimate issuer and an attacker.

const issuer = createTestIssuer();
const issuerPrivateKey = privateKeyOf(issuer);
const issuerPublicKey = createPublicKey(issuerPrivateKey);
const issuerPublicJwk = issuer.jwks.keys[0] as Record<string, unknown>;
const issuerJwkCore = issuerPublicKey.export({ format: "jwk" });
const issuerSpkiPem = issuerPublicKey.export({ type: "spki", format: "pem" }) as string;
const issuerSpkiDer = issuerPublicKey.export({ type: "spki", format: "der" });
const issuerRawPoint = Buffer.concat([
  Buffer.from([0x04]),
  decodePart(issuerJwkCore.x as string),
  decodePart(issuerJwkCore.y as string),
]);

const attacker = generateKeyPairSync("ec", { namedCurve: "prime256v1" });
const attackerPublicJwk = attacker.publicKey.export({ format: "jwk" });
const rsa = generateKeyPairSync("rsa", { modulusLength: 2048 });
const p384 = generateKeyPairSync("ec", { namedCurve: "secp384r1" });

/** Claims that would pass every check: only the header or the signature can fail a forged token. */
const goodClaims = decodeUnverified(issuer.sign()).claims;
const es256 = { alg: "ES256", typ: "JWT" };

interface HostileCase {
  name: string;
  token: unknown;
  code: ErrorCode;
}

function hostileCases(): HostileCase[] {
  const legit = issuer.sign();
  const [h, p, s] = tokenParts(legit);
  const sig = signatureOf(legit);
  const flipped = Buffer.from(sig);
  flipped[40] = (flipped[40] as number) ^ 0x01;
  const tamperedPayload = encodePart({
    ...goodClaims,
    walletAddress: "0x000000000000000000000000000000000000dEaD",
  });
  const signedByIssuer = (header: unknown, payload: unknown) =>
    forgeToken(header, payload, ecdsaSigner(issuerPrivateKey));
  const noneSignature = encodePart(Buffer.alloc(64));
  const other = createTestIssuer({ projectId: issuer.projectId });

  return [
    // alg: none and its spellings (a non-empty signature part, so that only the header can fail)
    ...["none", "None", "nOnE", "NONE"].map((alg) => ({
      name: `alg ${alg}`,
      token: `${encodePart({ alg, typ: "JWT" })}.${encodePart(goodClaims)}.${noneSignature}`,
      code: "ERR_ALG_NOT_ALLOWED" as const,
    })),
    {
      name: "alg none, signed by the issuer's key",
      token: issuer.sign({}, { header: { alg: "none" } }),
      code: "ERR_ALG_NOT_ALLOWED",
    },
    // HS256 key confusion: HMAC keyed with the issuer's public key in every common form
    {
      name: "HS256 keyed with the public JWK as JSON text",
      token: forgeToken(
        { alg: "HS256", typ: "JWT" },
        goodClaims,
        hmacSigner(JSON.stringify(issuerPublicJwk)),
      ),
      code: "ERR_ALG_NOT_ALLOWED",
    },
    {
      name: "HS256 keyed with the bare public JWK (kty, crv, x, y) as JSON text",
      token: forgeToken(
        { alg: "HS256", typ: "JWT" },
        goodClaims,
        hmacSigner(JSON.stringify(issuerJwkCore)),
      ),
      code: "ERR_ALG_NOT_ALLOWED",
    },
    {
      name: "HS256 keyed with the SPKI PEM text",
      token: forgeToken({ alg: "HS256", typ: "JWT" }, goodClaims, hmacSigner(issuerSpkiPem)),
      code: "ERR_ALG_NOT_ALLOWED",
    },
    {
      name: "HS256 keyed with the raw uncompressed point",
      token: forgeToken({ alg: "HS256", typ: "JWT" }, goodClaims, hmacSigner(issuerRawPoint)),
      code: "ERR_ALG_NOT_ALLOWED",
    },
    {
      name: "HS256 keyed with the SPKI DER bytes",
      token: forgeToken({ alg: "HS256", typ: "JWT" }, goodClaims, hmacSigner(issuerSpkiDer)),
      code: "ERR_ALG_NOT_ALLOWED",
    },
    {
      name: "HS256 keyed with the public x coordinate",
      token: forgeToken(
        { alg: "HS256", typ: "JWT" },
        goodClaims,
        hmacSigner(decodePart(issuerJwkCore.x as string)),
      ),
      code: "ERR_ALG_NOT_ALLOWED",
    },
    // other asymmetric algorithms, not allowed by default
    {
      name: "RS256 signed with an RSA key",
      token: forgeToken({ alg: "RS256", typ: "JWT" }, goodClaims, rsaSigner(rsa.privateKey)),
      code: "ERR_ALG_NOT_ALLOWED",
    },
    {
      name: "ES384 signed with a P-384 key",
      token: forgeToken(
        { alg: "ES384", typ: "JWT" },
        goodClaims,
        ecdsaSigner(p384.privateKey, "sha384"),
      ),
      code: "ERR_ALG_NOT_ALLOWED",
    },
    {
      name: "alg es256 (wrong case)",
      token: issuer.sign({}, { header: { alg: "es256" } }),
      code: "ERR_ALG_NOT_ALLOWED",
    },
    {
      name: "alg missing",
      token: issuer.sign({}, { header: { alg: undefined } }),
      code: "ERR_ALG_NOT_ALLOWED",
    },
    {
      name: "alg not a string",
      token: issuer.sign({}, { header: { alg: ["ES256"] } }),
      code: "ERR_ALG_NOT_ALLOWED",
    },
    // forbidden header members, on tokens the issuer really signed
    {
      name: "crit header",
      token: issuer.sign({}, { header: { crit: ["exp"], exp: 1 } }),
      code: "ERR_ALG_NOT_ALLOWED",
    },
    {
      name: "b64: false",
      token: issuer.sign({}, { header: { b64: false } }),
      code: "ERR_ALG_NOT_ALLOWED",
    },
    // embedded keys and key URLs, on tokens signed by the attacker
    {
      name: "embedded jwk of the attacker's key",
      token: forgeToken(
        { ...es256, jwk: attackerPublicJwk },
        goodClaims,
        ecdsaSigner(attacker.privateKey),
      ),
      code: "ERR_ALG_NOT_ALLOWED",
    },
    {
      name: "jku pointing at the attacker's key set",
      token: forgeToken(
        { ...es256, jku: "https://attacker.example/jwks.json", kid: "attacker" },
        goodClaims,
        ecdsaSigner(attacker.privateKey),
      ),
      code: "ERR_ALG_NOT_ALLOWED",
    },
    {
      name: "x5u pointing at the attacker's certificate",
      token: forgeToken(
        { ...es256, x5u: "https://attacker.example/cert.pem" },
        goodClaims,
        ecdsaSigner(attacker.privateKey),
      ),
      code: "ERR_ALG_NOT_ALLOWED",
    },
    {
      name: "x5c carrying the attacker's certificate chain",
      token: forgeToken(
        {
          ...es256,
          x5c: [attacker.publicKey.export({ type: "spki", format: "der" }).toString("base64")],
        },
        goodClaims,
        ecdsaSigner(attacker.privateKey),
      ),
      code: "ERR_ALG_NOT_ALLOWED",
    },
    // kid of the wrong type
    {
      name: "kid as a number",
      token: issuer.sign({}, { header: { kid: 1 } }),
      code: "ERR_TOKEN_MALFORMED",
    },
    {
      name: "kid as an object",
      token: issuer.sign({}, { header: { kid: { id: "test-key-1" } } }),
      code: "ERR_TOKEN_MALFORMED",
    },
    // signatures that do not verify
    {
      name: "tampered payload, original signature",
      token: `${h}.${tamperedPayload}.${s}`,
      code: "ERR_SIGNATURE_INVALID",
    },
    {
      name: "signature with one bit flipped",
      token: withSignature(legit, flipped),
      code: "ERR_SIGNATURE_INVALID",
    },
    {
      name: "signature truncated to 63 bytes",
      token: withSignature(legit, sig.subarray(0, 63)),
      code: "ERR_SIGNATURE_INVALID",
    },
    {
      name: "signature extended to 65 bytes",
      token: withSignature(legit, Buffer.concat([sig, Buffer.from([0])])),
      code: "ERR_SIGNATURE_INVALID",
    },
    {
      name: "DER-encoded ECDSA signature of the right data",
      token: withSignature(legit, derEcdsaSigner(issuerPrivateKey)(Buffer.from(`${h}.${p}`))),
      code: "ERR_SIGNATURE_INVALID",
    },
    {
      name: "all-zero 64-byte signature",
      token: withSignature(legit, Buffer.alloc(64)),
      code: "ERR_SIGNATURE_INVALID",
    },
    {
      name: "signed by a different key",
      token: other.sign(),
      code: "ERR_SIGNATURE_INVALID",
    },
    {
      name: "signed by the attacker, no kid",
      token: forgeToken(es256, goodClaims, ecdsaSigner(attacker.privateKey)),
      code: "ERR_SIGNATURE_INVALID",
    },
    // malformed structures
    { name: "two parts", token: `${h}.${p}`, code: "ERR_TOKEN_MALFORMED" },
    { name: "four parts", token: `${legit}.${s}`, code: "ERR_TOKEN_MALFORMED" },
    { name: "one part", token: h, code: "ERR_TOKEN_MALFORMED" },
    {
      name: "'+' in the header",
      token: `${h.slice(0, -1)}+.${p}.${s}`,
      code: "ERR_TOKEN_MALFORMED",
    },
    {
      name: "'/' in the payload",
      token: `${h}.${p.slice(0, -1)}/.${s}`,
      code: "ERR_TOKEN_MALFORMED",
    },
    { name: "'=' padding on the signature", token: `${legit}==`, code: "ERR_TOKEN_MALFORMED" },
    {
      name: "whitespace in the signature",
      token: `${h}.${p}.${s.slice(0, 10)} ${s.slice(10)}`,
      code: "ERR_TOKEN_MALFORMED",
    },
    {
      name: "header not JSON",
      token: `${encodePart("{alg:ES256}")}.${p}.${s}`,
      code: "ERR_TOKEN_MALFORMED",
    },
    {
      name: "header a JSON array",
      token: signedByIssuer(["ES256"], goodClaims),
      code: "ERR_TOKEN_MALFORMED",
    },
    {
      name: "payload not JSON",
      token: signedByIssuer(es256, "not json"),
      code: "ERR_TOKEN_MALFORMED",
    },
    {
      name: "payload a JSON array",
      token: signedByIssuer(es256, "[1,2,3]"),
      code: "ERR_TOKEN_MALFORMED",
    },
    { name: "payload null", token: signedByIssuer(es256, "null"), code: "ERR_TOKEN_MALFORMED" },
    {
      name: "payload a JSON string",
      token: signedByIssuer(es256, '"claims"'),
      code: "ERR_TOKEN_MALFORMED",
    },
    { name: "empty signature", token: `${h}.${p}.`, code: "ERR_TOKEN_MALFORMED" },
    {
      name: "classic alg none with an empty signature",
      token: `${encodePart({ alg: "none", typ: "JWT" })}.${encodePart(goodClaims)}.`,
      code: "ERR_TOKEN_MALFORMED",
    },
    { name: "empty header", token: `.${p}.${s}`, code: "ERR_TOKEN_MALFORMED" },
    { name: "empty payload", token: `${h}..${s}`, code: "ERR_TOKEN_MALFORMED" },
    { name: "three dots only", token: "..", code: "ERR_TOKEN_MALFORMED" },
    // size, presence and type
    {
      name: "over the default maxTokenBytes",
      token: issuer.sign({ padding: "x".repeat(9000) }),
      code: "ERR_TOKEN_TOO_LARGE",
    },
    { name: "undefined", token: undefined, code: "ERR_TOKEN_MISSING" },
    { name: "empty string", token: "", code: "ERR_TOKEN_MISSING" },
    { name: "null", token: null, code: "ERR_TOKEN_MISSING" },
    { name: "a number", token: 42, code: "ERR_TOKEN_MALFORMED" },
    { name: "an object", token: { token: legit }, code: "ERR_TOKEN_MALFORMED" },
    { name: "a Buffer of a valid token", token: Buffer.from(legit), code: "ERR_TOKEN_MALFORMED" },
    { name: "an array holding a valid token", token: [legit], code: "ERR_TOKEN_MALFORMED" },
  ];
}

const cases = hostileCases();

describe("hostile tokens", () => {
  let validator: Validator;

  beforeAll(async () => {
    validator = issuer.validator();
    await validator.ready();
  });

  it("accepts the legitimate issuer's token (the baseline the attacks deviate from)", async () => {
    const claims = await validator.validate(issuer.sign());
    expect(claims.aud).toBe(issuer.projectId);
    expect(validator.validateSync(issuer.sign()).aud).toBe(issuer.projectId);
  });

  it.each(cases)("validate rejects $name with $code", async ({ token, code }) => {
    await expectRejected(() => validator.validate(token as string), code);
  });

  it.each(cases)("validateSync rejects $name with the same $code", async ({ token, code }) => {
    const fromSync = await expectRejected(() => validator.validateSync(token as string), code);
    const fromAsync = await expectRejected(() => validator.validate(token as string), code);
    expect(fromSync.code).toBe(fromAsync.code);
    expect(fromSync.status).toBe(fromAsync.status);
  });

  it("rejects hostile tokens also when many are verified concurrently (thread-pool path)", async () => {
    const signatureCases = cases.filter((entry) => entry.code === "ERR_SIGNATURE_INVALID");
    const results = await Promise.allSettled([
      ...signatureCases.map((entry) => validator.validate(entry.token as string)),
      validator.validate(issuer.sign()),
    ]);
    const good = results.pop();
    expect(good?.status).toBe("fulfilled");
    for (const result of results) {
      expect(result.status).toBe("rejected");
      const reason = (result as PromiseRejectedResult).reason;
      expect(isPicketValidationError(reason) && reason.code).toBe("ERR_SIGNATURE_INVALID");
    }
  });
});

describe("alg allow-list", () => {
  it("refuses ES256 when only another algorithm is allowed", async () => {
    const validator = issuer.validator({ algorithms: ["ES384"] });
    await expectRejected(() => validator.validate(issuer.sign()), "ERR_ALG_NOT_ALLOWED");
  });

  it("refuses RS256 by default even when the key set holds the RSA key", async () => {
    const rsaJwk = {
      ...rsa.publicKey.export({ format: "jwk" }),
      kid: "rsa",
      alg: "RS256",
      use: "sig",
    };
    const validator = createValidator({
      projectId: issuer.projectId,
      jwks: { keys: [...issuer.jwks.keys, rsaJwk] },
    });
    const token = forgeToken(
      { alg: "RS256", typ: "JWT", kid: "rsa" },
      goodClaims,
      rsaSigner(rsa.privateKey),
    );
    await expectRejected(() => validator.validate(token), "ERR_ALG_NOT_ALLOWED");
    // ...and accepts it once RS256 is allowed: the refusal above is the allow-list, not the key.
    const permissive = createValidator({
      projectId: issuer.projectId,
      jwks: { keys: [rsaJwk] },
      algorithms: ["RS256"],
    });
    expect((await permissive.validate(token)).aud).toBe(issuer.projectId);
  });

  it("does not fetch anything for jku or x5u headers", async () => {
    const calls: string[] = [];
    const fetchSpy = (async (input: RequestInfo | URL) => {
      calls.push(String(input));
      throw new Error("no network in this test");
    }) as typeof fetch;
    const validator = issuer.validator({ fetch: fetchSpy });
    for (const header of [
      { jku: "https://attacker.example/jwks.json" },
      { x5u: "https://attacker.example/cert.pem" },
    ]) {
      const token = forgeToken(
        { ...es256, ...header },
        goodClaims,
        ecdsaSigner(attacker.privateKey),
      );
      await expectRejected(() => validator.validate(token), "ERR_ALG_NOT_ALLOWED");
    }
    expect(calls).toEqual([]);
  });

  it("refuses an embedded jwk even when it is the issuer's own key and the signature is good", async () => {
    const validator = issuer.validator();
    const token = issuer.sign({}, { header: { jwk: issuerPublicJwk } });
    await expectRejected(() => validator.validate(token), "ERR_ALG_NOT_ALLOWED");
  });

  it("accepts b64: true (the default) and a string kid", async () => {
    const keyed = createTestIssuer({ kid: "key-1" });
    const validator = keyed.validator();
    const claims = await validator.validate(keyed.sign({}, { header: { b64: true } }));
    expect(claims.aud).toBe(keyed.projectId);
  });
});

describe("size limit", () => {
  function tokenOfLength(target: number): string {
    const base = issuer.sign({ padding: "" }).length;
    for (let pad = Math.max(0, Math.floor(((target - base) * 3) / 4) - 4); ; pad += 1) {
      const token = issuer.sign({ padding: "x".repeat(pad) });
      if (token.length >= target - 2 && token.length <= target) return token;
      if (token.length > target) throw new Error(`cannot build a token of length ${target}`);
    }
  }

  it("accepts a token at the default limit of 8192 and refuses one just over it", async () => {
    const validator = issuer.validator();
    const atLimit = tokenOfLength(8192);
    expect(atLimit.length).toBeLessThanOrEqual(8192);
    expect((await validator.validate(atLimit)).aud).toBe(issuer.projectId);
    const over = tokenOfLength(8196);
    expect(over.length).toBeGreaterThan(8192);
    await expectRejected(() => validator.validate(over), "ERR_TOKEN_TOO_LARGE");
  });

  it("honours a custom maxTokenBytes at its exact boundary", async () => {
    const token = issuer.sign();
    const exact = issuer.validator({ maxTokenBytes: token.length });
    expect((await exact.validate(token)).aud).toBe(issuer.projectId);
    const tight = issuer.validator({ maxTokenBytes: token.length - 1 });
    await expectRejected(() => tight.validate(token), "ERR_TOKEN_TOO_LARGE");
    await tight.ready();
    await expectRejected(() => tight.validateSync(token), "ERR_TOKEN_TOO_LARGE");
  });

  it("checks the size before the structure", async () => {
    const validator = issuer.validator({ maxTokenBytes: 100 });
    await expectRejected(() => validator.validate("x".repeat(101)), "ERR_TOKEN_TOO_LARGE");
    await expectRejected(() => validator.validate("x".repeat(100)), "ERR_TOKEN_MALFORMED");
  });

  it("counts bytes, not characters: multi-byte text over the limit is too large", async () => {
    const validator = issuer.validator({ maxTokenBytes: 300 });
    // 120 characters, 360 bytes in UTF-8.
    const token = "€".repeat(120);
    expect(Buffer.byteLength(token)).toBeGreaterThan(300);
    await expectRejected(() => validator.validate(token), "ERR_TOKEN_TOO_LARGE");
  });
});

describe("key lookup in an offline key set", () => {
  const keyed = createTestIssuer({ kid: "k1" });
  const calls: string[] = [];
  const fetchSpy = (async (input: RequestInfo | URL) => {
    calls.push(String(input));
    throw new Error("offline");
  }) as typeof fetch;

  it("rejects a kid that is not in the key set with ERR_KEY_NOT_FOUND, without any fetch", async () => {
    const validator = keyed.validator({ fetch: fetchSpy });
    const token = keyed.sign({}, { header: { kid: "k-unknown" } });
    await expectRejected(() => validator.validate(token), "ERR_KEY_NOT_FOUND");
    await validator.ready();
    await expectRejected(() => validator.validateSync(token), "ERR_KEY_NOT_FOUND");
    // the same token with its real kid is fine: the failure above is the lookup
    expect((await validator.validate(keyed.sign())).aud).toBe(keyed.projectId);
    expect(calls).toEqual([]);
  });

  it("rejects a kid-less token when no key fits the algorithm", async () => {
    const rsaJwk = { ...rsa.publicKey.export({ format: "jwk" }), kid: "rsa", use: "sig" };
    const validator = createValidator({
      projectId: keyed.projectId,
      jwks: { keys: [rsaJwk] },
      algorithms: ["ES256", "RS256"],
    });
    await expectRejected(
      () => validator.validate(keyed.sign({}, { header: { kid: undefined } })),
      "ERR_KEY_NOT_FOUND",
    );
  });

  it("verifies a kid-less token against every key that fits", async () => {
    const validator = createValidator({
      projectId: issuer.projectId,
      jwks: { keys: [{ ...attackerPublicJwk, kid: "other", use: "sig" }, ...issuer.jwks.keys] },
    });
    expect((await validator.validate(issuer.sign())).aud).toBe(issuer.projectId);
  });
});

describe("decodeUnverified", () => {
  it("returns header and claims, standalone and as a validator method", () => {
    const token = issuer.sign({ email: "holder@example.com" });
    for (const decoded of [decodeUnverified(token), issuer.validator().decodeUnverified(token)]) {
      expect(decoded.header).toEqual({ alg: "ES256", typ: "JWT" });
      expect(decoded.claims.aud).toBe(issuer.projectId);
      expect(decoded.claims.email).toBe("holder@example.com");
      expect(decoded.claims.iss).toBe("picketapi.com");
    }
  });

  it("checks nothing: it decodes tokens that validate would refuse", () => {
    const forged = forgeToken(
      { alg: "HS256", kid: "x" },
      { sub: "solana:Abc" },
      hmacSigner("secret"),
    );
    expect(decodeUnverified(forged)).toEqual({
      header: { alg: "HS256", kid: "x" },
      claims: { sub: "solana:Abc" },
    });
  });

  it("throws the structural errors", async () => {
    await expectRejected(() => decodeUnverified("a.b"), "ERR_TOKEN_MALFORMED");
    await expectRejected(() => decodeUnverified(""), "ERR_TOKEN_MISSING");
    await expectRejected(() => decodeUnverified(7 as unknown as string), "ERR_TOKEN_MALFORMED");
  });
});
