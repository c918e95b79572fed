import { describe, expect, it } from "vitest";
import { platform } from "../../src/platform/node.js";
import { isCanonicalBase64Url } from "../../src/verify/base64url.js";

const decodeBase64Url = (part: string): Uint8Array => platform.decodeBase64Url(part);

import { BASE64URL_ALPHABET, spellingsOf } from "../helpers/forge.js";

/** Bytes from a fixed-seed generator (xorshift32): the same every run. */
function bytesOf(length: number, seed: number): Buffer {
  let state = seed || 1;
  const bytes = Buffer.alloc(length);
  for (let i = 0; i < length; i += 1) {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    bytes[i] = state & 0xff;
  }
  return bytes;
}

describe("isCanonicalBase64Url", () => {
  it("accepts every character of the alphabet, in every position of a group", () => {
    for (let shift = 0; shift < 4; shift += 1) {
      const text = `${"A".repeat(shift)}${BASE64URL_ALPHABET}${"A".repeat(4 - shift)}`;
      expect(text.length % 4).toBe(0);
      expect(isCanonicalBase64Url(text)).toBe(true);
    }
  });

  it.each([
    ["the empty string", ""],
    ["one character", "A"],
    ["five characters (4n + 1)", "AAAAA"],
    ["nine characters (4n + 1)", "AAAAAAAAA"],
  ])("refuses %s: no byte string has that length", (_label, text) => {
    expect(isCanonicalBase64Url(text)).toBe(false);
  });

  it.each([
    ["padding", "AA=="],
    ["one pad character", "AAA="],
    ["'+' of standard base64", "AA+A"],
    ["'/' of standard base64", "AA/A"],
    ["a space", "AA A"],
    ["a dot", "AA.A"],
    ["a NUL", "AA\u0000A"],
    ["a DEL", "AA\u007fA"],
    ["a character just past the ASCII range", "AA\u0080A"],
    ["a character whose low byte is an alphabet letter", "AA\u0141A"],
    ["a character whose low byte is a digit", "AA\uff30A"],
    ["a non-ASCII letter", "AAA\u00e9"],
    ["an astral character", "AA\ud83d\ude00"],
  ])("refuses %s", (_label, text) => {
    expect(isCanonicalBase64Url(text)).toBe(false);
  });

  it("refuses any non-alphabet character, at the start, in the middle and at the end", () => {
    const alphabet = new Set(BASE64URL_ALPHABET);
    for (let code = 0; code < 256; code += 1) {
      const char = String.fromCharCode(code);
      if (alphabet.has(char)) continue;
      for (const text of [`${char}AAA`, `AA${char}A`, `AAA${char}`, `AAAAA${char}`]) {
        expect(isCanonicalBase64Url(text), JSON.stringify(text)).toBe(false);
      }
    }
  });

  it("takes a 2-character tail only with its 4 unused bits clear", () => {
    const spellings = spellingsOf("AQ");
    expect(spellings).toHaveLength(16);
    expect(spellings.filter(isCanonicalBase64Url)).toEqual(["AQ"]);
    for (let value = 0; value < 64; value += 1) {
      const text = `AAAAA${BASE64URL_ALPHABET[value]}`;
      expect(isCanonicalBase64Url(text), text).toBe((value & 0b001111) === 0);
    }
  });

  it("takes a 3-character tail only with its 2 unused bits clear", () => {
    const spellings = spellingsOf("AAE");
    expect(spellings).toHaveLength(4);
    expect(spellings.filter(isCanonicalBase64Url)).toEqual(["AAE"]);
    for (let value = 0; value < 64; value += 1) {
      const text = `AAAAAA${BASE64URL_ALPHABET[value]}`;
      expect(isCanonicalBase64Url(text), text).toBe((value & 0b000011) === 0);
    }
  });

  it("takes any last character of a full group", () => {
    for (const char of BASE64URL_ALPHABET) expect(isCanonicalBase64Url(`AAA${char}`)).toBe(true);
  });

  it("accepts exactly Buffer's own encoding of any bytes", () => {
    for (let length = 1; length <= 70; length += 1) {
      const encoded = bytesOf(length, length).toString("base64url");
      expect(isCanonicalBase64Url(encoded), encoded).toBe(true);
      for (const other of spellingsOf(encoded).filter((each) => each !== encoded)) {
        expect(isCanonicalBase64Url(other), other).toBe(false);
      }
    }
  });
});

describe("decodeBase64Url", () => {
  it("decodes what Buffer decodes, for lengths 0 to 200 of fixed-seed random bytes", () => {
    for (let length = 0; length <= 200; length += 1) {
      const bytes = bytesOf(length, 7919 * (length + 1));
      const decoded = decodeBase64Url(bytes.toString("base64url"));
      expect(decoded).toBeInstanceOf(Uint8Array);
      expect(Buffer.from(decoded).equals(bytes), `length ${length}`).toBe(true);
    }
  });

  it("decodes every byte value in every position of a group", () => {
    for (let value = 0; value < 256; value += 1) {
      for (const bytes of [[value], [0, value], [0, 0, value], [value, value, value, value]]) {
        const buffer = Buffer.from(bytes);
        expect(Buffer.from(decodeBase64Url(buffer.toString("base64url")))).toEqual(buffer);
      }
    }
  });

  it.each([
    ["AAAA", [0, 0, 0]],
    ["____", [0xff, 0xff, 0xff]],
    ["_w", [0xff]],
    ["__8", [0xff, 0xff]],
    ["AQID", [1, 2, 3]],
    ["-_-_", [0xfb, 0xff, 0xbf]],
  ])("decodes %s", (text, bytes) => {
    expect(Array.from(decodeBase64Url(text))).toEqual(bytes);
  });

  it("returns bytes of the length the text encodes: 3 per group, 1 or 2 for a tail", () => {
    expect(decodeBase64Url("")).toHaveLength(0);
    expect(decodeBase64Url("AA")).toHaveLength(1);
    expect(decodeBase64Url("AAA")).toHaveLength(2);
    expect(decodeBase64Url("AAAA")).toHaveLength(3);
    expect(decodeBase64Url("AAAAAA")).toHaveLength(4);
  });
});
