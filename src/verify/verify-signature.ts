import { constants, type KeyObject, verify } from "node:crypto";
import type { AlgorithmSpec } from "./algorithms.js";

type VerifyKey = Parameters<typeof verify>[2];

function verifyKey(spec: AlgorithmSpec, key: KeyObject): VerifyKey {
  if (spec.kty === "EC") return { key, dsaEncoding: "ieee-p1363" };
  if (spec.pss) {
    return {
      key,
      padding: constants.RSA_PKCS1_PSS_PADDING,
      saltLength: constants.RSA_PSS_SALTLEN_DIGEST,
    };
  }
  return key;
}

/** Whether the signature's length is possible for the algorithm (DER-encoded ECDSA is not). */
function signatureLengthFits(spec: AlgorithmSpec, signature: Uint8Array): boolean {
  return spec.signatureLength === undefined || signature.length === spec.signatureLength;
}

/** Verifies a JWS signature synchronously on the calling thread. */
export function verifySignature(
  spec: AlgorithmSpec,
  key: KeyObject,
  signingInput: Buffer,
  signature: Uint8Array,
): boolean {
  if (!signatureLengthFits(spec, signature)) return false;
  try {
    return verify(spec.hash, signingInput, verifyKey(spec, key), signature);
  } catch {
    // OpenSSL refuses some malformed signatures by throwing: they are simply not valid.
    return false;
  }
}

/** Verifies a JWS signature on libuv's thread pool, so that overlapping calls use every core. */
export function verifySignatureAsync(
  spec: AlgorithmSpec,
  key: KeyObject,
  signingInput: Buffer,
  signature: Uint8Array,
): Promise<boolean> {
  if (!signatureLengthFits(spec, signature)) return Promise.resolve(false);
  return new Promise((resolve) => {
    try {
      verify(spec.hash, signingInput, verifyKey(spec, key), signature, (error, ok) => {
        resolve(error === null && ok);
      });
    } catch {
      resolve(false);
    }
  });
}
