import { describe, expect, it } from "vitest";
import { decodeBase58, encodeBase58 } from "../../src/testing/base58.js";

const utf8 = new TextEncoder();

describe("base58", () => {
  it.each([
    ["Hello World!", "2NEpo7TZRRrLZSi2U"],
    [
      "The quick brown fox jumps over the lazy dog",
      "7DdiPPYtxLjCD3wA1po2rvZHTDYjkZYiEtazrfiwJcwnKCizhGFhBGHeRdx",
    ],
  ])("encodes %j as the Bitcoin alphabet does", (text, encoded) => {
    expect(encodeBase58(utf8.encode(text))).toBe(encoded);
    expect(decodeBase58(encoded)).toEqual(utf8.encode(text));
  });

  it("keeps leading zero bytes as leading 1s, both ways", () => {
    const bytes = Uint8Array.of(0, 0, 0x28, 0x7f);
    expect(encodeBase58(bytes)).toBe("1145k");
    expect(decodeBase58("1145k")).toEqual(bytes);
    expect(encodeBase58(new Uint8Array(0))).toBe("");
    expect(decodeBase58("111")).toEqual(new Uint8Array(3));
  });

  it("refuses characters outside the alphabet (0, O, I, l)", () => {
    for (const text of ["0abc", "abcO", "I", "l", "a b"])
      expect(decodeBase58(text)).toBeUndefined();
  });
});
