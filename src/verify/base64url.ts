const ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

/** Each char code's 6-bit value, or 64 for a character outside the base64url alphabet. */
const VALUES = new Uint8Array(128).fill(64);
for (let i = 0; i < ALPHABET.length; i += 1) VALUES[ALPHABET.charCodeAt(i)] = i;

/**
 * Whether a string is canonical, unpadded base64url: only alphabet characters, a possible length,
 * and zero bits where the last character carries more bits than the bytes need. With this rule a
 * byte string has exactly one encoding, so a token has exactly one spelling.
 */
export function isCanonicalBase64Url(part: string): boolean {
  const length = part.length;
  if (length === 0 || length % 4 === 1) return false;
  for (let i = 0; i < length; i += 1) {
    const code = part.charCodeAt(i);
    if (code > 127 || VALUES[code] === 64) return false;
  }
  const last = VALUES[part.charCodeAt(length - 1)] as number;
  if (length % 4 === 2) return (last & 0x0f) === 0;
  if (length % 4 === 3) return (last & 0x03) === 0;
  return true;
}

/**
 * Decodes base64url that {@link isCanonicalBase64Url} accepted. Plain JavaScript: on Node this
 * measured faster in the full pipeline than the native decoder, whose vector path slows the
 * signature check that follows it.
 */
export function decodeBase64Url(part: string): Uint8Array {
  const length = part.length;
  const bytes = new Uint8Array((length * 3) >> 2);
  let out = 0;
  let i = 0;
  for (; i + 4 <= length; i += 4) {
    const n =
      ((VALUES[part.charCodeAt(i)] as number) << 18) |
      ((VALUES[part.charCodeAt(i + 1)] as number) << 12) |
      ((VALUES[part.charCodeAt(i + 2)] as number) << 6) |
      (VALUES[part.charCodeAt(i + 3)] as number);
    bytes[out] = n >> 16;
    bytes[out + 1] = (n >> 8) & 0xff;
    bytes[out + 2] = n & 0xff;
    out += 3;
  }
  const rest = length - i;
  if (rest >= 2) {
    const n =
      ((VALUES[part.charCodeAt(i)] as number) << 18) |
      ((VALUES[part.charCodeAt(i + 1)] as number) << 12) |
      (rest === 3 ? (VALUES[part.charCodeAt(i + 2)] as number) << 6 : 0);
    bytes[out] = n >> 16;
    if (rest === 3) bytes[out + 1] = (n >> 8) & 0xff;
  }
  return bytes;
}
