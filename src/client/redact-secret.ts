/** Replaces every form of one secret in a text. */
export type Redact = (text: string) => string;

const REDACTED = "[redacted]";

/** How deep a chain of causes is scrubbed; deeper causes are dropped. */
const MAX_CAUSE_DEPTH = 4;

/**
 * A function that blanks out the secret key in any form a server or a platform error could echo
 * it in: the key itself and its URL encoding in any letter case, and standard and URL-safe
 * base64, padded or not, of both `key:` (the Basic-auth credentials) and the bare key (as
 * Picket's JavaScript SDK encodes it).
 */
export function createRedactor(secretKey: string): Redact {
  const caseless = alternation([secretKey, encodeURIComponent(secretKey)], "gi");
  const encoded = alternation(
    [`${secretKey}:`, secretKey].flatMap((plain) => base64Forms(toBase64(plain))),
    "g",
  );
  return (text) => text.replace(caseless, REDACTED).replace(encoded, REDACTED);
}

/**
 * `cause` with every message and stack scrubbed: the same object when nothing in it names the
 * secret, a scrubbed copy otherwise (a platform error is not ours to change).
 */
export function redactCause(cause: unknown, redact: Redact, depth = 0): unknown {
  if (typeof cause === "string") return redact(cause);
  if (!(cause instanceof Error)) return cause;
  const inner = depth < MAX_CAUSE_DEPTH ? redactCause(cause.cause, redact, depth + 1) : undefined;
  const message = redact(cause.message);
  const stack = cause.stack === undefined ? undefined : redact(cause.stack);
  if (message === cause.message && stack === cause.stack && inner === cause.cause) return cause;
  const copy = new Error(message, inner === undefined ? undefined : { cause: inner });
  copy.name = cause.name;
  if (stack !== undefined) copy.stack = stack;
  return copy;
}

/** Standard base64 of the UTF-8 bytes, with platform APIs only (no Node `Buffer`). */
export function toBase64(text: string): string {
  return btoa(String.fromCharCode(...new TextEncoder().encode(text)));
}

/** Padded and unpadded, standard and URL-safe. */
function base64Forms(padded: string): string[] {
  const unpadded = padded.replace(/=+$/, "");
  const urlSafe = padded.replaceAll("+", "-").replaceAll("/", "_");
  return [padded, unpadded, urlSafe, urlSafe.replace(/=+$/, "")];
}

/** One pattern for all needles, longest first, so that a padded form is replaced whole. */
function alternation(needles: readonly string[], flags: string): RegExp {
  const unique = [...new Set(needles)].sort((a, b) => b.length - a.length);
  return new RegExp(unique.map(escapeRegExp).join("|"), flags);
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}
