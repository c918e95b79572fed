import { constants, generateKeyPairSync, type KeyObject, sign } from "node:crypto";
import { describe, expect, it } from "vitest";
import { type AlgorithmSpec, SUPPORTED_ALGORITHMS } from "../../src/platform/algorithms.js";
import { platform } from "../../src/platform/node.js";
import { SignatureVerifier } from "../../src/verify/signature-verifier.js";
import { derEcdsaSigner, ecdsaSigner, eddsaSigner, rsaSigner } from "../helpers/forge.js";

const { verifyAsync: verifySignatureAsync } = platform;
const verifySignature = platform.verifySync as NonNullable<typeof platform.verifySync>;

function spec(name: string): AlgorithmSpec {
  const found = SUPPORTED_ALGORITHMS.get(name);
  if (found === undefined) throw new Error(`no spec ${name}`);
  return found;
}

describe("verifySignature fails safely", () => {
  const ec = generateKeyPairSync("ec", { namedCurve: "prime256v1" });
  const ed = generateKeyPairSync("ed25519");
  const data = Buffer.from("header.payload");

  it("returns false, never throws, when node:crypto refuses the digest", async () => {
    const bogus: AlgorithmSpec = { ...spec("ES256"), hash: "sha999" };
    const signature = ecdsaSigner(ec.privateKey)(data);
    expect(verifySignature(spec("ES256"), ec.publicKey, data, signature)).toBe(true);
    expect(verifySignature(bogus, ec.publicKey, data, signature)).toBe(false);
    await expect(verifySignatureAsync(bogus, ec.publicKey, data, signature)).resolves.toBe(false);
  });

  it("resolves exactly false when the thread-pool verification reports an error", async () => {
    // An Ed25519 key with a digest: node:crypto calls back with an error and no verdict.
    const withDigest: AlgorithmSpec = { ...spec("EdDSA"), hash: "sha256" };
    const signature = eddsaSigner(ed.privateKey)(data);
    expect(verifySignature(withDigest, ed.publicKey, data, signature)).toBe(false);
    await expect(verifySignatureAsync(withDigest, ed.publicKey, data, signature)).resolves.toBe(
      false,
    );
    await expect(verifySignatureAsync(spec("EdDSA"), ed.publicKey, data, signature)).resolves.toBe(
      true,
    );
  });

  it("refuses a DER-encoded ECDSA signature of the right data", async () => {
    const der = derEcdsaSigner(ec.privateKey)(data);
    expect(verifySignature(spec("ES256"), ec.publicKey, data, der)).toBe(false);
    await expect(verifySignatureAsync(spec("ES256"), ec.publicKey, data, der)).resolves.toBe(false);
    const verifier = new SignatureVerifier();
    const signed = { spec: spec("ES256"), signingInput: data, signature: der };
    expect(verifier.verifyHere(signed, [{ key: ec.publicKey }])).toBeUndefined();
    await expect(verifier.verifyOnPool(signed, [{ key: ec.publicKey }])).resolves.toBeUndefined();
  });
});

describe("RSA signatures", () => {
  const rsa = generateKeyPairSync("rsa", { modulusLength: 2048 });
  const data = Buffer.from("header.payload");
  const pss = (key: KeyObject, saltLength: number): Buffer =>
    sign("sha256", data, { key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength });
  const both = async (name: string, signature: Uint8Array): Promise<[boolean, boolean]> => [
    verifySignature(spec(name), rsa.publicKey, data, signature),
    await verifySignatureAsync(spec(name), rsa.publicKey, data, signature),
  ];

  it("verifies PS256 with PSS padding and a salt as long as the digest", async () => {
    expect(await both("PS256", pss(rsa.privateKey, 32))).toEqual([true, true]);
  });

  it("refuses a PSS signature whose salt is not the digest's length, as JWA requires", async () => {
    expect(await both("PS256", pss(rsa.privateKey, 64))).toEqual([false, false]);
  });

  it("keeps the two RSA paddings apart", async () => {
    const pkcs1 = rsaSigner(rsa.privateKey)(data);
    expect(await both("RS256", pkcs1)).toEqual([true, true]);
    expect(await both("PS256", pkcs1)).toEqual([false, false]);
    expect(await both("RS256", pss(rsa.privateKey, 32))).toEqual([false, false]);
  });
});

describe("importKeySync", () => {
  const importKey = platform.importKeySync as NonNullable<typeof platform.importKeySync>;
  const ec = generateKeyPairSync("ec", { namedCurve: "prime256v1" });

  it("imports a public JWK as a public key that verifies", async () => {
    const key = importKey(ec.publicKey.export({ format: "jwk" }), spec("ES256"));
    expect((key as KeyObject).type).toBe("public");
    const data = Buffer.from("header.payload");
    const signature = ecdsaSigner(ec.privateKey)(data);
    expect(verifySignature(spec("ES256"), key as KeyObject, data, signature)).toBe(true);
    await expect(
      platform.importKey(ec.publicKey.export({ format: "jwk" }), spec("ES256")),
    ).resolves.toSatisfy((imported) => (imported as KeyObject).equals(ec.publicKey));
  });

  it.each([
    ["a symmetric key", { kty: "oct", k: "c2VjcmV0" }],
    ["an EC point off the curve", { kty: "EC", crv: "P-256", x: "AQ", y: "AQ" }],
    ["an unknown key type", { kty: "nope" }],
  ])("returns undefined, never throws, for %s", async (_name, jwk) => {
    expect(importKey(jwk, spec("ES256"))).toBeUndefined();
    await expect(platform.importKey(jwk, spec("ES256"))).resolves.toBeUndefined();
  });
});

describe("the Node platform's shape", () => {
  it("says it is synchronous, and has the synchronous functions to back it", () => {
    expect(platform.synchronous).toBe(true);
    expect(typeof platform.verifySync).toBe("function");
    expect(typeof platform.importKeySync).toBe("function");
  });

  it("gives the signing input's bytes, one per character", () => {
    expect([...platform.asciiBytes("eyJ.e30")]).toEqual([...Buffer.from("eyJ.e30")]);
  });
});
