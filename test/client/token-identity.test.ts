import { describe, expect, it } from "vitest";
import { tokenIdentity } from "../../src/client/token-identity.js";

const BASE64URL = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
// '{"a":1}' is 7 bytes: 10 characters, the last one carrying 2 bits and 4 unused ones.
const HEADER = Buffer.from('{"a":1}').toString("base64url");
const PAYLOAD = Buffer.from('{"sub":"x"}').toString("base64url");

describe("tokenIdentity", () => {
  it("is the tid claim where there is one, whatever the token's bytes", () => {
    expect(tokenIdentity("a.b.c", { tid: "t-1" })).toBe("tid:t-1");
    expect(tokenIdentity("d.e.f", { tid: "t-1" })).toBe("tid:t-1");
  });

  it("is otherwise the signed bytes: one identity for every spelling of header and payload", () => {
    expect(HEADER).toHaveLength(10);
    const kept = BASE64URL.indexOf(HEADER.at(-1) as string) & 0b110000;
    const identities = new Set(
      Array.from({ length: 16 }, (_, low) =>
        tokenIdentity(`${HEADER.slice(0, -1)}${BASE64URL[kept | low]}.${PAYLOAD}.sig${low}`, {}),
      ),
    );
    expect(identities).toEqual(new Set([`jws:${HEADER}.${PAYLOAD}`]));
  });

  it("tells different signed bytes apart, and ignores an empty or non-string tid", () => {
    const other = Buffer.from('{"sub":"y"}').toString("base64url");
    expect(tokenIdentity(`${HEADER}.${PAYLOAD}.s`, { tid: "" })).not.toBe(
      tokenIdentity(`${HEADER}.${other}.s`, { tid: 7 }),
    );
  });

  it("never throws, even for parts that are not base64url", () => {
    expect(tokenIdentity("a.b", {})).toBe("jws:a.b");
    expect(tokenIdentity("", {})).toBe("jws:.");
  });
});
