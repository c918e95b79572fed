import { createHmac, createPrivateKey, type JsonWebKey, type KeyObject, sign } from "node:crypto";
import type { TestIssuer } from "../../src/testing/index.js";

// Hand-built compact JWS, for tests that need tokens no honest issuer would mint: any header,
// raw claims text, any signature, a part changed after signing. Everything here is node:crypto
// and Buffer, independent of the code under test.

/** Signs the signing input (`header.payload`, as bytes) and returns the raw signature bytes. */
export type Signer = (input: Buffer) => Buffer;

/** What signs a forged token: a {@link Signer}, a private key (its usual JWS algorithm), or fixed bytes. */
export type Signature = Signer | KeyObject | Uint8Array;

/** The base64url alphabet, in the order of the 6-bit values. */
export const BASE64URL_ALPHABET =
  "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

/**
 * A value as one base64url part: bytes as they are, a string as its UTF-8 text (raw JSON, when
 * the test needs text that `JSON.stringify` cannot write), anything else as its JSON.
 */
export function encodePart(value: unknown): string {
  if (value instanceof Uint8Array) return Buffer.from(value).toString("base64url");
  const text = typeof value === "string" ? value : JSON.stringify(value);
  return Buffer.from(text, "utf8").toString("base64url");
}

/** The bytes of a base64url part, decoded leniently (as Buffer does). */
export function decodePart(part: string): Buffer {
  return Buffer.from(part, "base64url");
}

/** A base64url part holding JSON, parsed. */
export function decodeJsonPart(part: string): Record<string, unknown> {
  return JSON.parse(decodePart(part).toString("utf8")) as Record<string, unknown>;
}

/** The three parts of a compact JWS (missing parts are `""`). */
export function tokenParts(token: string): [header: string, payload: string, signature: string] {
  const [header = "", payload = "", signature = ""] = token.split(".");
  return [header, payload, signature];
}

/** ECDSA in the JWS form (IEEE P1363, `r || s`). */
export function ecdsaSigner(key: KeyObject, hash = "sha256"): Signer {
  return (input) => sign(hash, input, { key, dsaEncoding: "ieee-p1363" });
}

/** RSASSA-PKCS1-v1_5 (RS256 and its kin). */
export function rsaSigner(key: KeyObject, hash = "sha256"): Signer {
  return (input) => sign(hash, input, key);
}

/** ECDSA in DER form, which X.509 uses and JWS does not: a JWS verifier must refuse it. */
export function derEcdsaSigner(key: KeyObject, hash = "sha256"): Signer {
  return (input) => sign(hash, input, key);
}

/** EdDSA (Ed25519), which hashes internally. */
export function eddsaSigner(key: KeyObject): Signer {
  return (input) => sign(null, input, key);
}

/** HMAC (HS256 and its kin) keyed with any bytes or text: the key-confusion attack. */
export function hmacSigner(secret: string | Uint8Array, hash = "sha256"): Signer {
  return (input) => createHmac(hash, secret).update(input).digest();
}

/** A 64-byte signature (the length of ES256) that nobody signed. */
export const zeroSignature: Signer = () => Buffer.alloc(64);

const ECDSA_HASH: Record<string, string> = {
  prime256v1: "sha256",
  secp384r1: "sha384",
  secp521r1: "sha512",
};

/** The signer a private key stands for: ES256/384/512 by curve, RS256 for RSA, EdDSA for Ed25519. */
export function signerFor(key: KeyObject): Signer {
  const type = key.asymmetricKeyType;
  if (type === "ec") {
    const curve = key.asymmetricKeyDetails?.namedCurve ?? "prime256v1";
    return ecdsaSigner(key, ECDSA_HASH[curve] ?? "sha256");
  }
  if (type === "rsa") return rsaSigner(key);
  if (type === "ed25519") return eddsaSigner(key);
  throw new Error(`no JWS signer for a ${String(type)} key`);
}

/** The private key of a test issuer, as node:crypto takes it. */
export function privateKeyOf(issuer: TestIssuer): KeyObject {
  return createPrivateKey({ key: issuer.privateJwk as JsonWebKey, format: "jwk" });
}

function signatureFor(input: string, signature: Signature): Uint8Array {
  if (signature instanceof Uint8Array) return signature;
  const signer = typeof signature === "function" ? signature : signerFor(signature);
  return signer(Buffer.from(input));
}

/**
 * A compact JWS of `header` and `claims` (each as {@link encodePart} writes it), signed over
 * the exact encoded bytes; without `signature`, a zero signature of ES256's length.
 */
export function forgeToken(
  header: unknown,
  claims: unknown,
  signature: Signature = zeroSignature,
): string {
  const input = `${encodePart(header)}.${encodePart(claims)}`;
  return `${input}.${encodePart(signatureFor(input, signature))}`;
}

/** The token with another signature: bytes, or a part already encoded. */
export function withSignature(token: string, signature: Uint8Array | string): string {
  const [header, payload] = tokenParts(token);
  const part = typeof signature === "string" ? signature : encodePart(signature);
  return `${header}.${payload}.${part}`;
}

/** The token's signature bytes. */
export function signatureOf(token: string): Buffer {
  return decodePart(tokenParts(token)[2]);
}

/** The token with an empty signature part (`header.payload.`). */
export function stripSignature(token: string): string {
  return withSignature(token, "");
}

/** The token with one bit of its signature flipped: byte `index`, bits `mask`. */
export function flipSignatureBit(token: string, index = 0, mask = 0x01): string {
  const bytes = signatureOf(token);
  bytes[index] = (bytes[index] as number) ^ mask;
  return withSignature(token, bytes);
}

/** The token with `changes` written over its claims, header and signature kept as they were. */
export function tamperClaims(token: string, changes: Record<string, unknown>): string {
  const [header, payload, signature] = tokenParts(token);
  return `${header}.${encodePart({ ...decodeJsonPart(payload), ...changes })}.${signature}`;
}

/**
 * Every spelling of a base64url part that decodes to the same bytes: the last character of a
 * part whose length is 4n + 2 (or 4n + 3) carries 4 (or 2) bits no byte uses.
 */
export function spellingsOf(part: string): string[] {
  if (part === "") return [part];
  const unused = part.length % 4 === 2 ? 0b001111 : part.length % 4 === 3 ? 0b000011 : 0;
  const kept = BASE64URL_ALPHABET.indexOf(part.at(-1) ?? "") & ~unused & 0b111111;
  return Array.from(
    { length: unused + 1 },
    (_, low) => `${part.slice(0, -1)}${BASE64URL_ALPHABET[kept | low]}`,
  );
}
