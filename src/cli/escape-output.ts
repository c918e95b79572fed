/**
 * Characters a terminal may act on rather than show, beyond the C0 controls (ESC starts ANSI
 * sequences): DEL, the C1 controls (U+009B is a one-character CSI), the line and paragraph
 * separators, and the bidi controls that can make an address read backwards.
 */
const UNSAFE_ABOVE_C0 =
  "\\u007f-\\u009f\\u061c\\u200e\\u200f\\u2028\\u2029\\u202a-\\u202e\\u2066-\\u2069";
const UNSAFE_IN_TEXT = new RegExp(`[\\u0000-\\u001f${UNSAFE_ABOVE_C0}]`, "g");
// JSON.stringify escapes C0 itself, and its indentation newlines must stay.
const UNSAFE_IN_JSON = new RegExp(`[${UNSAFE_ABOVE_C0}]`, "g");

function escapeCharacter(character: string): string {
  return `\\u${character.charCodeAt(0).toString(16).padStart(4, "0")}`;
}

/**
 * Makes text safe to print on a terminal: every control character becomes a visible escape such
 * as `\u001b`. For anything that comes from a token, a key set, a server or the command line.
 */
export function escapeControl(text: string): string {
  return text.replace(UNSAFE_IN_TEXT, escapeCharacter);
}

/**
 * `JSON.stringify` plus a newline, with the characters it leaves raw (DEL, C1, the separators,
 * bidi controls) escaped too. They only occur inside strings, so the result is still valid JSON
 * that parses to the same value.
 */
export function toSafeJson(value: unknown, indent?: number): string {
  return `${JSON.stringify(value, null, indent).replace(UNSAFE_IN_JSON, escapeCharacter)}\n`;
}
