import { describe, expect, it } from "vitest";
import { escapeControl, toSafeJson } from "../../src/cli/escape-output.js";

describe("escapeControl", () => {
  it.each([
    ["ESC of an ANSI sequence", "\u001b[31mred\u001b[0m", "\\u001b[31mred\\u001b[0m"],
    ["an OSC title with BEL", "\u001b]0;owned\u0007", "\\u001b]0;owned\\u0007"],
    ["NUL, tab, newline, carriage return", "a\u0000\t\n\r", "a\\u0000\\u0009\\u000a\\u000d"],
    ["DEL", "\u007f", "\\u007f"],
    ["C1: NEL and the one-character CSI", "\u0085\u009b2J", "\\u0085\\u009b2J"],
    ["line and paragraph separators", "\u2028\u2029", "\\u2028\\u2029"],
    ["bidi overrides and isolates", "\u202eabc\u2066\u200f", "\\u202eabc\\u2066\\u200f"],
  ])("escapes %s", (_name, raw, shown) => {
    expect(escapeControl(raw)).toBe(shown);
  });

  it("leaves printable text alone, non-ASCII included", () => {
    const text = "valid: solana:78AZe2223PknLYT9mn2VCJPAsdvuB6LzFAhgQeVoxddW, ünïcødé € 🔑 \\u001b";
    expect(escapeControl(text)).toBe(text);
  });
});

describe("toSafeJson", () => {
  const value = {
    a: "\u001b[2J\u009b\u0085\u2028\u2029\u007f\u202e",
    b: [1, "x"],
    "\u009bkey": true,
  };

  it("escapes what JSON.stringify leaves raw, and still parses to the same value", () => {
    const text = toSafeJson(value, 2);
    expect(text).not.toMatch(/[\u007f-\u009f\u2028\u2029\u202e]/);
    expect(text).toContain('"\\u001b[2J\\u009b\\u0085\\u2028\\u2029\\u007f\\u202e"');
    expect(text).toContain('"\\u009bkey"');
    expect(text.endsWith("}\n")).toBe(true);
    expect(JSON.parse(text)).toEqual(value);
  });

  it("keeps the indentation's newlines", () => {
    expect(toSafeJson({ a: 1 }, 2)).toBe('{\n  "a": 1\n}\n');
    expect(toSafeJson({ a: 1 })).toBe('{"a":1}\n');
  });
});
