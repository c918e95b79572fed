import type { KeyObject } from "node:crypto";

// The y-coordinates (32 bytes, little-endian) of Ed25519's eight small-order points, and the two
// non-canonical spellings (y >= p) that reduce to one of them. An encoding's top bit is the sign
// of x; it is ignored below, so each line covers both signs (as libsodium's blocklist does).
const SMALL_ORDER_Y: ReadonlySet<string> = new Set([
  "0000000000000000000000000000000000000000000000000000000000000000", // y = 0: order 4
  "0100000000000000000000000000000000000000000000000000000000000000", // y = 1: the identity
  "26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc05", // order 8
  "c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac037a", // order 8
  "ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f", // y = p - 1: order 2
  "edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f", // y = p, read as 0
  "eeffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f", // y = p + 1, read as 1
]);

const ED25519_KEY_BYTES = 32;

/**
 * Whether an OKP public key is a point of small order, under which one signature verifies every
 * message: with the identity as the key, `(R = identity, s = 0)` passes `[s]B = R + [h]A` for
 * any claims. Such a key is unfit to trust, as an RSA key with e = 1 is. Only Ed25519 keys can
 * verify here (X25519 keys never sign, Ed448 is not an allowed algorithm), so only Ed25519's
 * small-order points are listed.
 */
export function isSmallOrderOkpKey(key: KeyObject): boolean {
  if (key.asymmetricKeyType !== "ed25519") return false;
  // The SubjectPublicKeyInfo ends with the 32-byte encoded point, whatever spelling the JWK used.
  const spki = key.export({ format: "der", type: "spki" });
  const point = Buffer.from(spki.subarray(spki.length - ED25519_KEY_BYTES));
  point[ED25519_KEY_BYTES - 1] = (point[ED25519_KEY_BYTES - 1] as number) & 0x7f;
  return SMALL_ORDER_Y.has(point.toString("hex"));
}
