import { generateKeyPairSync, type KeyObject, sign } from "node:crypto";
import { describe, expect, it } from "vitest";
import {
  checkRequirements,
  createValidator,
  decodeUnverified,
  type ErrorCode,
  isPicketValidationError,
  type PicketValidationError,
} from "../../src/index.js";
import { platform } from "../../src/platform/node.js";
import { createTestIssuer } from "../../src/testing/index.js";
import {
  type AlgorithmSpec,
  keyFitsAlgorithm,
  SUPPORTED_ALGORITHMS,
} from "../../src/verify/algorithms.js";
import { checkHeader } from "../../src/verify/check-header.js";
import { decodeBase64UrlPart, decodeJsonObject, splitToken } from "../../src/verify/parse-token.js";
import { SignatureVerifier } from "../../src/verify/signature-verifier.js";

const { verifyAsync: verifySignatureAsync } = platform;
const verifySignature = platform.verifySync as NonNullable<typeof platform.verifySync>;

// Edge cases of src/verify that mutation testing (npm run mutation) showed no other test pinned:
// the exact parts of a split token, the messages and causes of each rejection, the non-P-256
// algorithms end to end, the key/algorithm fit, and verification that must fail safely when
// node:crypto throws.

function caught(run: () => unknown): PicketValidationError {
  try {
    run();
  } catch (error) {
    if (isPicketValidationError(error)) return error;
    throw error;
  }
  throw new Error("expected a PicketValidationError");
}

async function rejection(run: () => Promise<unknown>): Promise<PicketValidationError> {
  try {
    await run();
  } catch (error) {
    if (isPicketValidationError(error)) return error;
    throw error;
  }
  throw new Error("expected a PicketValidationError");
}

function spec(name: string): AlgorithmSpec {
  const found = SUPPORTED_ALGORITHMS.get(name);
  if (found === undefined) throw new Error(`no spec ${name}`);
  return found;
}

const ALLOWED = new Map([["ES256", spec("ES256")]]);

function b64u(text: string): string {
  return Buffer.from(text).toString("base64url");
}

describe("splitToken", () => {
  it("returns the exact parts and signing input of a three-part token", () => {
    expect(splitToken("a.b.c")).toEqual({
      header: "a",
      payload: "b",
      signature: "c",
      signingInput: "a.b",
    });
    expect(splitToken("..")).toEqual({ header: "", payload: "", signature: "", signingInput: "." });
  });

  it.each(["abc", "a.b", "ab.", ".ab", "a.b.c.d", "a..b.c", "...."])(
    "refuses %j: not exactly two dots",
    (token) => {
      const error = caught(() => splitToken(token));
      expect(error.code).toBe("ERR_TOKEN_MALFORMED");
      expect(error.message).toBe("Malformed token: a token has three parts separated by dots");
    },
  );
});

describe("decodeBase64UrlPart", () => {
  it("decodes a strict base64url part", () => {
    expect([...decodeBase64UrlPart("AAAA", "signature")]).toEqual([0, 0, 0]);
    expect([...decodeBase64UrlPart("_-8", "signature")]).toEqual([0xff, 0xef]);
  });

  it.each([
    ["empty", ""],
    ["a length of 4n + 1 (no byte ends there)", "AAAAA"],
    ["one character", "A"],
    ["standard base64 characters", "ab+/"],
    ["padding", "AA=="],
    ["whitespace", "AA AA"],
    ["stray low bits in the last character (2 chars)", "AB"],
    ["stray low bits in the last character (3 chars)", "AAB"],
    ["a non-ASCII character", "AAA\u00e9"],
  ])("refuses %s, naming the part", (_label, part) => {
    const error = caught(() => decodeBase64UrlPart(part, "signature"));
    expect(error.code).toBe("ERR_TOKEN_MALFORMED");
    expect(error.message).toBe("Malformed token: the signature is not canonical base64url");
    expect(error.cause).toBeUndefined();
  });
});

describe("decodeJsonObject", () => {
  it("returns the JSON object", () => {
    expect(decodeJsonObject(b64u('{"a":1}'), "header")).toEqual({ a: 1 });
  });

  it("refuses text that is not JSON, with the parser's error as cause", () => {
    const error = caught(() => decodeJsonObject(b64u("{nope"), "payload"));
    expect(error.code).toBe("ERR_TOKEN_MALFORMED");
    expect(error.message).toBe("Malformed token: the payload is not JSON");
    expect(error.cause).toBeInstanceOf(SyntaxError);
  });

  it.each([
    ["an array", "[1]"],
    ["null", "null"],
    ["a string", '"x"'],
    ["a number", "1"],
    ["true", "true"],
  ])("refuses %s, without a cause", (_label, json) => {
    const error = caught(() => decodeJsonObject(b64u(json), "header"));
    expect(error.message).toBe("Malformed token: the header is not a JSON object");
    expect(error.cause).toBeUndefined();
  });
});

describe("decodeUnverified", () => {
  it.each([
    ["undefined", undefined],
    ["null", null],
    ["an empty string", ""],
  ])("reports %s as a missing token", (_label, token) => {
    const error = caught(() => decodeUnverified(token as unknown as string));
    expect(error.code).toBe("ERR_TOKEN_MISSING");
    expect(error.message).toBe("No token was given");
  });

  it.each([
    ["a number", 7],
    ["an object", { token: "a.b.c" }],
    ["false", false],
  ])("reports %s as malformed", (_label, token) => {
    const error = caught(() => decodeUnverified(token as unknown as string));
    expect(error.code).toBe("ERR_TOKEN_MALFORMED");
    expect(error.message).toBe("Malformed token: not a string");
  });

  it("names the part that fails", () => {
    const header = b64u('{"alg":"ES256"}');
    expect(caught(() => decodeUnverified(`${b64u("x")}.${header}.AAAA`)).message).toBe(
      "Malformed token: the header is not JSON",
    );
    expect(caught(() => decodeUnverified(`${header}.${b64u("[]")}.AAAA`)).message).toBe(
      "Malformed token: the payload is not a JSON object",
    );
    expect(caught(() => decodeUnverified(`${header}.${b64u("{}")}.A`)).message).toBe(
      "Malformed token: the signature is not canonical base64url",
    );
  });
});

describe("checkHeader messages", () => {
  it.each<[string, Record<string, unknown>, ErrorCode, string]>([
    [
      "an unknown alg",
      { alg: "HS256" },
      "ERR_ALG_NOT_ALLOWED",
      'The token\'s alg "HS256" is not allowed',
    ],
    [
      "a long alg, shown cut to 32 characters",
      { alg: "X".repeat(40) },
      "ERR_ALG_NOT_ALLOWED",
      `The token's alg "${"X".repeat(32)}" is not allowed`,
    ],
    ["no alg", {}, "ERR_ALG_NOT_ALLOWED", "The token's alg missing is not allowed"],
    [
      "a non-string alg",
      { alg: 256 },
      "ERR_ALG_NOT_ALLOWED",
      "The token's alg missing is not allowed",
    ],
    [
      "crit",
      { alg: "ES256", crit: [] },
      "ERR_ALG_NOT_ALLOWED",
      'The "crit" header is not supported',
    ],
    [
      "b64: false",
      { alg: "ES256", b64: false },
      "ERR_ALG_NOT_ALLOWED",
      'Unencoded payloads ("b64") are not supported',
    ],
    ...["jwk", "jku", "x5u", "x5c"].map(
      (member): [string, Record<string, unknown>, ErrorCode, string] => [
        member,
        { alg: "ES256", [member]: "x" },
        "ERR_ALG_NOT_ALLOWED",
        `The "${member}" header is refused: keys come only from the configured key set`,
      ],
    ),
    [
      "a numeric kid",
      { alg: "ES256", kid: 1 },
      "ERR_TOKEN_MALFORMED",
      'Malformed token: "kid" is not a string',
    ],
  ])("%s", (_label, header, code, message) => {
    const error = caught(() => checkHeader(header, ALLOWED));
    expect(error.code).toBe(code);
    expect(error.message).toBe(message);
  });

  it("returns the spec of an allowed alg", () => {
    expect(checkHeader({ alg: "ES256", kid: "k", b64: true }, ALLOWED)).toBe(spec("ES256"));
  });
});

describe("claim messages", () => {
  const clockMs = Date.UTC(2026, 0, 1);
  const now = clockMs / 1000;
  const issuer = createTestIssuer({ clock: () => clockMs });
  const validator = issuer.validator({ clock: () => clockMs, tokenCache: false });
  const aged = issuer.validator({ clock: () => clockMs, tokenCache: false, maxTokenAge: 60 });

  it.each<[string, () => string, ErrorCode, string, typeof validator?]>([
    [
      "iss",
      () => issuer.sign({ iss: "x" }),
      "ERR_ISSUER_INVALID",
      'The token\'s issuer is not "picketapi.com"',
    ],
    [
      "aud",
      () => issuer.sign({ aud: "x" }),
      "ERR_AUDIENCE_INVALID",
      "The token's audience does not include the project ID",
    ],
    [
      "no exp",
      () => issuer.sign({}, { omit: ["exp"] }),
      "ERR_CLAIM_INVALID",
      'The token has no "exp" claim',
    ],
    ["exp", () => issuer.sign({ exp: now - 1 }), "ERR_TOKEN_EXPIRED", "The token has expired"],
    [
      "nbf",
      () => issuer.sign({ nbf: now + 10 }),
      "ERR_TOKEN_NOT_YET_VALID",
      "The token is not valid yet (nbf)",
    ],
    [
      "iat",
      () => issuer.sign({ iat: now + 10 }),
      "ERR_TOKEN_NOT_YET_VALID",
      "The token was issued in the future (iat)",
    ],
    [
      "a string nbf",
      () => issuer.sign({ nbf: "1" as unknown as number }),
      "ERR_CLAIM_INVALID",
      'The "nbf" claim is not a number',
    ],
    [
      "no iat with maxTokenAge",
      () => issuer.sign({}, { omit: ["iat"] }),
      "ERR_CLAIM_INVALID",
      'maxTokenAge needs an "iat" claim',
      aged,
    ],
    [
      "an old iat with maxTokenAge",
      () => issuer.sign({ iat: now - 61 }),
      "ERR_CLAIM_INVALID",
      "The token is older than maxTokenAge",
      aged,
    ],
    [
      "no chain or wallet",
      () => issuer.sign({}, { omit: ["sub", "chain", "walletAddress"] }),
      "ERR_CLAIM_INVALID",
      'The token names no chain and wallet ("sub", "chain", "walletAddress")',
    ],
    [
      "a numeric sub",
      () => issuer.sign({ sub: 5 as unknown as string }),
      "ERR_CLAIM_INVALID",
      'The "sub" claim is not a string',
    ],
    [
      "a numeric walletAddress",
      () => issuer.sign({ walletAddress: 5 as unknown as string }),
      "ERR_CLAIM_INVALID",
      'The "walletAddress" claim is not a string',
    ],
  ])("%s", async (_label, token, code, message, which = validator) => {
    const error = await rejection(() => which.validate(token()));
    expect(error.code).toBe(code);
    expect(error.message).toBe(message);
  });

  it("takes chain and wallet from their claims when sub is absent", async () => {
    const claims = await validator.validate(issuer.sign({}, { omit: ["sub"] }));
    expect(claims.chain).toBe("ethereum");
    expect(claims.walletAddress).toBe(issuer.walletAddress);
    expect(claims.sub).toBeUndefined();
  });

  it("refuses a chain claim without any wallet, and a sub without a chain before the colon", async () => {
    const noWallet = await rejection(() =>
      validator.validate(issuer.sign({}, { omit: ["sub", "walletAddress"] })),
    );
    expect(noWallet.code).toBe("ERR_CLAIM_INVALID");
    const noChain = await rejection(() =>
      validator.validate(issuer.sign({ sub: ":0xabc" }, { omit: ["chain"] })),
    );
    expect(noChain.code).toBe("ERR_CLAIM_INVALID");
  });
});

describe("the holder read by checkRequirements", () => {
  it("prefers the walletAddress claim over sub", () => {
    const claims = { sub: "ethereum:0xAAA", walletAddress: "0xBBB", chain: "ethereum" };
    expect(checkRequirements(claims, { allowedWallets: ["0xBBB"] })).toEqual({ ok: true });
    expect(checkRequirements(claims, { allowedWallets: ["0xAAA"] }).ok).toBe(false);
  });

  it("ignores a sub that is not a string instead of throwing", () => {
    const claims = { sub: 42, chain: "ethereum", walletAddress: "0xabc" };
    expect(checkRequirements(claims, { chain: "ethereum", allowedWallets: ["0xabc"] })).toEqual({
      ok: true,
    });
  });

  it("has no wallet when neither walletAddress nor sub names one", () => {
    const result = checkRequirements({ chain: "ethereum" }, { allowedWallets: ["0xabc"] });
    expect(result).toEqual({
      ok: false,
      failures: [
        {
          requirement: "allowedWallets",
          reason: "not_listed",
          message: "The wallet is not one of the allowed wallets",
        },
      ],
    });
  });

  it("reads no chain or wallet from a sub that starts with a colon", () => {
    const result = checkRequirements({ sub: ":0xabc" }, { chain: "ethereum" });
    expect(result.ok).toBe(false);
    const [failure] = result.ok ? [] : result.failures;
    expect(failure).toEqual({
      requirement: "chain",
      reason: "mismatch",
      message: "The token is for chain undefined, not ethereum",
      required: "ethereum",
    });
    expect(checkRequirements({ sub: ":0xabc" }, { allowedWallets: ["0xabc"] }).ok).toBe(false);
  });

  it("reads chain and wallet from chain/network:address", () => {
    expect(
      checkRequirements(
        { sub: "solana/mainnet:Abc" },
        { chain: "solana", allowedWallets: ["Abc"] },
      ),
    ).toEqual({ ok: true });
  });
});

describe("keyFitsAlgorithm", () => {
  it.each<[Record<string, unknown>, string, boolean]>([
    [{ kty: "EC", crv: "P-256" }, "ES256", true],
    [{ kty: "EC", crv: "P-384" }, "ES256", false],
    [{ kty: "EC" }, "ES256", false],
    [{ kty: "RSA", crv: "P-256" }, "ES256", false],
    [{ kty: "RSA" }, "RS256", true],
    [{ kty: "RSA", crv: "P-256" }, "RS256", true],
    [{ kty: "RSA" }, "PS512", true],
    [{ kty: "EC", crv: "P-256" }, "RS256", false],
    [{ kty: "OKP", crv: "Ed25519" }, "EdDSA", true],
    [{ kty: "OKP", crv: "X25519" }, "EdDSA", false],
    [{ kty: "EC", crv: "P-521" }, "ES512", true],
  ])("%j fits %s: %s", (jwk, alg, fits) => {
    expect(keyFitsAlgorithm(jwk, spec(alg))).toBe(fits);
  });
});

describe("the other asymmetric algorithms, end to end", () => {
  const claims = (projectId: string) => ({
    iss: "picketapi.com",
    aud: projectId,
    sub: "ethereum:0xabc",
    exp: Math.floor(Date.now() / 1000) + 600,
  });

  function token(
    header: Record<string, unknown>,
    projectId: string,
    signer: (input: Buffer) => Buffer,
  ) {
    const input = `${b64u(JSON.stringify(header))}.${b64u(JSON.stringify(claims(projectId)))}`;
    return `${input}.${signer(Buffer.from(input)).toString("base64url")}`;
  }

  const cases: [string, KeyObject, KeyObject, (key: KeyObject) => (input: Buffer) => Buffer][] = [
    ...(
      [
        ["ES384", "secp384r1", "sha384"],
        ["ES512", "secp521r1", "sha512"],
      ] as const
    ).map(([alg, curve, hash]) => {
      const pair = generateKeyPairSync("ec", { namedCurve: curve });
      return [
        alg,
        pair.privateKey,
        pair.publicKey,
        (key: KeyObject) => (input: Buffer) =>
          sign(hash, input, { key, dsaEncoding: "ieee-p1363" }),
      ] as [string, KeyObject, KeyObject, (key: KeyObject) => (input: Buffer) => Buffer];
    }),
    ...["EdDSA", "Ed25519"].map((alg) => {
      const pair = generateKeyPairSync("ed25519");
      return [
        alg,
        pair.privateKey,
        pair.publicKey,
        (key: KeyObject) => (input: Buffer) => sign(null, input, key),
      ] as [string, KeyObject, KeyObject, (key: KeyObject) => (input: Buffer) => Buffer];
    }),
  ];

  it.each(cases)(
    "%s verifies, and fails with a flipped bit or another alg",
    async (alg, privateKey, publicKey, signer) => {
      const projectId = `project-${alg}`;
      const jwk = { ...publicKey.export({ format: "jwk" }), kid: alg, use: "sig" };
      const validator = createValidator({
        projectId,
        jwks: { keys: [jwk] },
        algorithms: [alg],
        tokenCache: false,
      });
      const good = token({ alg, kid: alg }, projectId, signer(privateKey));
      expect((await validator.validate(good)).aud).toBe(projectId);
      expect(validator.validateSync(good).aud).toBe(projectId);
      const [h, p, s] = good.split(".") as [string, string, string];
      const bytes = Buffer.from(s, "base64url");
      bytes[3] = (bytes[3] as number) ^ 1;
      expect(
        (await rejection(() => validator.validate(`${h}.${p}.${bytes.toString("base64url")}`)))
          .code,
      ).toBe("ERR_SIGNATURE_INVALID");
      // The same key is not a P-256 key: ES256 alone cannot use it.
      const es256Only = createValidator({ projectId, jwks: { keys: [jwk] } });
      expect((await rejection(() => es256Only.ready())).code).toBe("ERR_JWKS_INVALID");
    },
  );

  it("accepts every algorithm by its exact name only", () => {
    expect([...SUPPORTED_ALGORITHMS.keys()].sort()).toEqual(
      [
        "ES256",
        "ES384",
        "ES512",
        "EdDSA",
        "Ed25519",
        "PS256",
        "PS384",
        "PS512",
        "RS256",
        "RS384",
        "RS512",
      ].sort(),
    );
    for (const [name, each] of SUPPORTED_ALGORITHMS) expect(each.name).toBe(name);
  });

  it("an RS256 token naming an EC key's kid finds no key (the kty must fit)", async () => {
    const issuer = createTestIssuer({ kid: "ec" });
    const rsa = generateKeyPairSync("rsa", { modulusLength: 2048 });
    const validator = createValidator({
      projectId: issuer.projectId,
      jwks: issuer.jwks,
      algorithms: ["ES256", "RS256"],
    });
    const forged = token({ alg: "RS256", kid: "ec" }, issuer.projectId, (input) =>
      sign("sha256", input, rsa.privateKey),
    );
    expect((await rejection(() => validator.validate(forged))).code).toBe("ERR_KEY_NOT_FOUND");
  });
});

describe("verifySignature fails safely", () => {
  const ec = generateKeyPairSync("ec", { namedCurve: "prime256v1" });
  const ed = generateKeyPairSync("ed25519");
  const data = Buffer.from("header.payload");

  it("returns false, never throws, when node:crypto refuses the digest", async () => {
    const bogus: AlgorithmSpec = { ...spec("ES256"), hash: "sha999" };
    const signature = sign("sha256", data, { key: ec.privateKey, dsaEncoding: "ieee-p1363" });
    expect(verifySignature(spec("ES256"), ec.publicKey, data, signature)).toBe(true);
    expect(verifySignature(bogus, ec.publicKey, data, signature)).toBe(false);
    await expect(verifySignatureAsync(bogus, ec.publicKey, data, signature)).resolves.toBe(false);
  });

  it("resolves exactly false when the thread-pool verification reports an error", async () => {
    // An Ed25519 key with a digest: node:crypto calls back with an error and no verdict.
    const withDigest: AlgorithmSpec = { ...spec("EdDSA"), hash: "sha256" };
    const signature = sign(null, data, ed.privateKey);
    expect(verifySignature(withDigest, ed.publicKey, data, signature)).toBe(false);
    await expect(verifySignatureAsync(withDigest, ed.publicKey, data, signature)).resolves.toBe(
      false,
    );
    await expect(verifySignatureAsync(spec("EdDSA"), ed.publicKey, data, signature)).resolves.toBe(
      true,
    );
  });

  it("refuses a DER-encoded ECDSA signature of the right data", async () => {
    const der = sign("sha256", data, ec.privateKey);
    expect(verifySignature(spec("ES256"), ec.publicKey, data, der)).toBe(false);
    await expect(verifySignatureAsync(spec("ES256"), ec.publicKey, data, der)).resolves.toBe(false);
    const verifier = new SignatureVerifier();
    const signed = { spec: spec("ES256"), signingInput: data, signature: der };
    expect(verifier.verifyHere(signed, [{ key: ec.publicKey }])).toBeUndefined();
    await expect(verifier.verifyOnPool(signed, [{ key: ec.publicKey }])).resolves.toBeUndefined();
  });
});
