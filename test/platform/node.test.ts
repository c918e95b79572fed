import { generateKeyPairSync } from "node:crypto";
import { describe, expect, it } from "vitest";
import { platform } from "../../src/platform/node.js";
import { type AlgorithmSpec, SUPPORTED_ALGORITHMS } from "../../src/verify/algorithms.js";
import { SignatureVerifier } from "../../src/verify/signature-verifier.js";
import { derEcdsaSigner, ecdsaSigner, eddsaSigner } from "../helpers/forge.js";

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
