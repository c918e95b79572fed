const ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
const ALPHABET_ONLY = /^[A-Za-z0-9_-]+$/;

/**
 * Whether a string is canonical, unpadded base64url: only alphabet characters, a possible length,
 * and zero bits where the last character carries more bits than the bytes need. With this rule a
 * byte string has exactly one encoding, so a token has exactly one spelling. The runtime's own
 * decoder does the decoding afterwards.
 */
export function isCanonicalBase64Url(part: string): boolean {
  const length = part.length;
  if (length === 0 || length % 4 === 1 || !ALPHABET_ONLY.test(part)) return false;
  const last = ALPHABET.indexOf(part.charAt(length - 1));
  if (length % 4 === 2) return (last & 0x0f) === 0;
  if (length % 4 === 3) return (last & 0x03) === 0;
  return true;
}
