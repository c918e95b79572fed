/** Replaces every form of one secret in a text. */
export type Redact = (text: string) => string;

const REDACTED = "[redacted]";

/** How deep a chain of causes is scrubbed; deeper causes are dropped. */
const MAX_CAUSE_DEPTH = 4;

/** How many characters of a rejection that is not an `Error` are kept, once made a string. */
const MAX_VALUE_LENGTH = 1_000;

/**
 * A function that blanks out the secret key in any form a server or a platform error could echo
 * it in: the key itself, its URL encoding and the hex of its UTF-8 bytes in any letter case, and
 * standard and URL-safe base64, padded or not, of both `key:` (the Basic-auth credentials) and
 * the bare key (as Picket's JavaScript SDK encodes it).
 */
export function createRedactor(secretKey: string): Redact {
  const caseless = alternation([secretKey, encodeURIComponent(secretKey), toHex(secretKey)], "gi");
  const encoded = alternation(
    [`${secretKey}:`, secretKey].flatMap((plain) => base64Forms(toBase64(plain))),
    "g",
  );
  return (text) => text.replace(caseless, REDACTED).replace(encoded, REDACTED);
}

/**
 * A sanitized copy of `cause`, never the object itself: an error may carry the request it failed
 * on (ky's `HTTPError` holds `request.headers`, the Basic credentials included), so each level of
 * the chain becomes a new `Error` with only `name`, `message` and `code`, scrubbed; a rejection
 * that is not an `Error` becomes a scrubbed string. Levels past the fifth are dropped.
 */
export function redactCause(cause: unknown, redact: Redact, depth = 0): unknown {
  if (cause === undefined) return undefined;
  if (!(cause instanceof Error)) return redact(describe(cause));
  const inner = depth < MAX_CAUSE_DEPTH ? redactCause(cause.cause, redact, depth + 1) : undefined;
  const copy = new Error(
    redact(String(cause.message)),
    inner === undefined ? {} : { cause: inner },
  );
  copy.name = redact(String(cause.name));
  const { code } = cause as { code?: unknown };
  if (typeof code === "string" || typeof code === "number") {
    Object.assign(copy, { code: typeof code === "string" ? redact(code) : code });
  }
  // The original frames are not copied: only what names the failure is kept.
  copy.stack = `${copy.name}: ${copy.message}`;
  return copy;
}

/** A value that is not an `Error`, as a bounded string; never throws. */
function describe(value: unknown): string {
  let text: string;
  try {
    text = typeof value === "string" ? value : (JSON.stringify(value) ?? String(value));
  } catch {
    try {
      text = String(value);
    } catch {
      text = `[${typeof value}]`;
    }
  }
  return text.length > MAX_VALUE_LENGTH ? `${text.slice(0, MAX_VALUE_LENGTH)}…` : text;
}

/** Standard base64 of the UTF-8 bytes, with platform APIs only (no Node `Buffer`). */
export function toBase64(text: string): string {
  return btoa(String.fromCharCode(...new TextEncoder().encode(text)));
}

/** The hex of the UTF-8 bytes. */
function toHex(text: string): string {
  return Array.from(new TextEncoder().encode(text), (byte) =>
    byte.toString(16).padStart(2, "0"),
  ).join("");
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
