import { describe, expect, it } from "vitest";
import { tokenIdentity } from "../../src/client/token-identity.js";
import { encodePart, spellingsOf } from "../helpers/forge.js";

// '{"a":1}' is 7 bytes: 10 characters, the last one carrying 2 bits and 4 unused ones.
const HEADER = encodePart('{"a":1}');
const PAYLOAD = encodePart('{"sub":"x"}');

describe("tokenIdentity", () => {
  it("is the tid claim where there is one, whatever the token's bytes", () => {
    expect(tokenIdentity("a.b.c", { tid: "t-1" })).toBe("tid:t-1");
    expect(tokenIdentity("d.e.f", { tid: "t-1" })).toBe("tid:t-1");
  });

  it("is otherwise the signed bytes: one identity for every spelling of header and payload", () => {
    expect(HEADER).toHaveLength(10);
    const spellings = spellingsOf(HEADER);
    expect(spellings).toHaveLength(16);
    const identities = new Set(
      spellings.map((header, low) => tokenIdentity(`${header}.${PAYLOAD}.sig${low}`, {})),
    );
    expect(identities).toEqual(new Set([`jws:${HEADER}.${PAYLOAD}`]));
  });

  it("tells different signed bytes apart, and ignores an empty or non-string tid", () => {
    const other = encodePart('{"sub":"y"}');
    expect(tokenIdentity(`${HEADER}.${PAYLOAD}.s`, { tid: "" })).not.toBe(
      tokenIdentity(`${HEADER}.${other}.s`, { tid: 7 }),
    );
  });

  it("gives no shared identity to different tokens with an empty tid", () => {
    const other = encodePart('{"sub":"y"}');
    expect(tokenIdentity(`${HEADER}.${PAYLOAD}.s`, { tid: "" })).not.toBe(
      tokenIdentity(`${HEADER}.${other}.s`, { tid: "" }),
    );
  });

  it("keeps base64url's - and _ as they are in the canonical spelling", () => {
    // "ab-_" decodes to 3 bytes, whose one spelling it is.
    expect(tokenIdentity("ab-_.-_-_.sig", {})).toBe("jws:ab-_.-_-_");
  });

  it("reads a token without a dot as a header with an empty payload", () => {
    expect(tokenIdentity("abc", {})).toBe(tokenIdentity("abc.", {}));
  });

  it("never throws, even for parts that are not base64url", () => {
    expect(tokenIdentity("a.b", {})).toBe("jws:a.b");
    expect(tokenIdentity("", {})).toBe("jws:.");
  });
});
