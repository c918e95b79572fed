import { constants, createPublicKey, type JsonWebKey, type KeyObject, verify } from "node:crypto";
import type { JWK } from "jose";
import type { AlgorithmSpec } from "./algorithms.js";
import type { Platform, PlatformKey } from "./platform.js";

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

/** Node's own JWK import is synchronous, checks EC points, and skips Web Crypto's start-up. */
function importKeySync(jwk: JWK, _spec: AlgorithmSpec): PlatformKey | undefined {
  try {
    const key = createPublicKey({ key: jwk as JsonWebKey, format: "jwk" });
    return key.type === "public" ? key : undefined;
  } catch {
    return undefined;
  }
}

function verifySync(
  spec: AlgorithmSpec,
  key: PlatformKey,
  data: Uint8Array,
  signature: Uint8Array,
): boolean {
  try {
    return verify(spec.hash, data, verifyKey(spec, key as KeyObject), signature);
  } catch {
    // OpenSSL refuses some malformed signatures by throwing: they are simply not valid.
    return false;
  }
}

function verifyAsync(
  spec: AlgorithmSpec,
  key: PlatformKey,
  data: Uint8Array,
  signature: Uint8Array,
): Promise<boolean> {
  return new Promise((resolve) => {
    try {
      verify(spec.hash, data, verifyKey(spec, key as KeyObject), signature, (error, ok) => {
        resolve(error === null && ok);
      });
    } catch {
      resolve(false);
    }
  });
}

/** The Node build: `node:crypto`, synchronous or on libuv's thread pool. */
export const platform: Platform = {
  synchronous: true,
  // Node's native decoder skips characters outside the alphabet: parts are checked before.
  decodeBase64Url: (part) => Buffer.from(part, "base64url"),
  asciiBytes: (text) => Buffer.from(text, "latin1"),
  importKey: async (jwk, spec) => importKeySync(jwk, spec),
  importKeySync,
  verifySync,
  verifyAsync,
};
