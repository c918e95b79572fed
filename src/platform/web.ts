import type { JWK } from "jose";
import { decode as decodeBase64UrlWithJose } from "jose/base64url";
import { importJWK } from "jose/key/import";
import type { AlgorithmSpec } from "./algorithms.js";
import type { Platform, PlatformKey } from "./platform.js";

const encoder = new TextEncoder();

/** Web Crypto's parameters for a JWS algorithm; ECDSA takes the JWS `r || s` form as it is. */
function verifyParams(spec: AlgorithmSpec): AlgorithmIdentifier | EcdsaParams | RsaPssParams {
  const hash = `SHA-${spec.hash?.slice(3)}`;
  if (spec.kty === "EC") return { name: "ECDSA", hash };
  if (spec.kty === "OKP") return { name: "Ed25519" };
  if (spec.pss) return { name: "RSA-PSS", saltLength: Number(spec.hash?.slice(3)) / 8 };
  return { name: "RSASSA-PKCS1-v1_5" };
}

async function importKey(jwk: JWK, spec: AlgorithmSpec): Promise<PlatformKey | undefined> {
  try {
    const key = await importJWK(jwk, spec.name);
    return key instanceof Uint8Array || key.type !== "public" ? undefined : key;
  } catch {
    return undefined;
  }
}

async function verifyAsync(
  spec: AlgorithmSpec,
  key: PlatformKey,
  data: Uint8Array,
  signature: Uint8Array,
): Promise<boolean> {
  try {
    return await crypto.subtle.verify(
      verifyParams(spec),
      key as CryptoKey,
      signature as Uint8Array<ArrayBuffer>,
      data as Uint8Array<ArrayBuffer>,
    );
  } catch {
    return false;
  }
}

/**
 * The build for runtimes without Node built-ins (the Edge runtime, Workers, browsers): Web
 * Crypto, asynchronous only, keys imported by jose.
 */
export const platform: Platform = {
  synchronous: false,
  decodeBase64Url: (part) => decodeBase64UrlWithJose(part),
  asciiBytes: (text) => encoder.encode(text),
  importKey,
  importKeySync: undefined,
  verifySync: undefined,
  verifyAsync,
};
