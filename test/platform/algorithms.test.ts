import { generateKeyPairSync, type KeyObject } from "node:crypto";
import { describe, expect, it } from "vitest";
import { createValidator } from "../../src/index.js";
import {
  type AlgorithmSpec,
  keyFitsAlgorithm,
  SUPPORTED_ALGORITHMS,
} from "../../src/platform/algorithms.js";
import { createTestIssuer } from "../../src/testing/index.js";
import { rejectionOf } from "../helpers/expect-code.js";
import {
  ecdsaSigner,
  eddsaSigner,
  flipSignatureBit,
  forgeToken,
  rsaSigner,
  type Signer,
} from "../helpers/forge.js";

function spec(name: string): AlgorithmSpec {
  const found = SUPPORTED_ALGORITHMS.get(name);
  if (found === undefined) throw new Error(`no spec ${name}`);
  return found;
}

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

  const cases: [string, KeyObject, KeyObject, (key: KeyObject) => Signer][] = [
    ...(
      [
        ["ES384", "secp384r1", "sha384"],
        ["ES512", "secp521r1", "sha512"],
      ] as const
    ).map(([alg, curve, hash]): [string, KeyObject, KeyObject, (key: KeyObject) => Signer] => {
      const pair = generateKeyPairSync("ec", { namedCurve: curve });
      return [alg, pair.privateKey, pair.publicKey, (key) => ecdsaSigner(key, hash)];
    }),
    ...["EdDSA", "Ed25519"].map(
      (alg): [string, KeyObject, KeyObject, (key: KeyObject) => Signer] => {
        const pair = generateKeyPairSync("ed25519");
        return [alg, pair.privateKey, pair.publicKey, eddsaSigner];
      },
    ),
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
      const good = forgeToken({ alg, kid: alg }, claims(projectId), signer(privateKey));
      expect((await validator.validate(good)).aud).toBe(projectId);
      expect(validator.validateSync(good).aud).toBe(projectId);
      const flipped = flipSignatureBit(good, 3, 1);
      expect((await rejectionOf(() => validator.validate(flipped))).code).toBe(
        "ERR_SIGNATURE_INVALID",
      );
      // The same key is not a P-256 key: ES256 alone cannot use it.
      const es256Only = createValidator({ projectId, jwks: { keys: [jwk] } });
      expect((await rejectionOf(() => es256Only.ready())).code).toBe("ERR_JWKS_INVALID");
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
    const forged = forgeToken(
      { alg: "RS256", kid: "ec" },
      claims(issuer.projectId),
      rsaSigner(rsa.privateKey),
    );
    expect((await rejectionOf(() => validator.validate(forged))).code).toBe("ERR_KEY_NOT_FOUND");
  });
});
