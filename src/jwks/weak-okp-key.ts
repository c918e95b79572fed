import { platform } from "#platform";
import { isCanonicalBase64Url } from "../verify/base64url.js";

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
 * Whether an OKP public key (its JWK) is a point of small order, under which one signature
 * verifies every message: with the identity as the key, `(R = identity, s = 0)` passes
 * `[s]B = R + [h]A` for any claims. Such a key is unfit to trust, as an RSA key with e = 1 is.
 * Only Ed25519 keys can verify here (X25519 keys never sign, Ed448 is not an allowed algorithm),
 * so only Ed25519's small-order points are listed. An `x` that is not 32 bytes of canonical
 * base64url is unfit too. Read from the JWK itself, so that every runtime applies the same rule.
 */
export function isSmallOrderOkpKey(jwk: { crv?: unknown; x?: unknown }): boolean {
  if (jwk.crv !== "Ed25519") return false;
  if (typeof jwk.x !== "string" || !isCanonicalBase64Url(jwk.x)) return true;
  const point = platform.decodeBase64Url(jwk.x);
  if (point.length !== ED25519_KEY_BYTES) return true;
  point[ED25519_KEY_BYTES - 1] = (point[ED25519_KEY_BYTES - 1] as number) & 0x7f;
  let hex = "";
  for (const byte of point) hex += byte.toString(16).padStart(2, "0");
  return SMALL_ORDER_Y.has(hex);
}
