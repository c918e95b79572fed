import { describe, expect, it } from "vitest";
import { readCookie, readRequestToken } from "../../src/server/read-request-token.js";

describe("readRequestToken", () => {
  it("takes the Bearer token, and the cookie only without an Authorization header", () => {
    expect(readRequestToken({ authorization: "Bearer a.b.c", cookie: "t=x.y.z" }, "t")).toBe(
      "a.b.c",
    );
    expect(readRequestToken({ cookie: "t=x.y.z" }, "t")).toBe("x.y.z");
    expect(readRequestToken({ authorization: "", cookie: "t=x.y.z" }, "t")).toBe("x.y.z");
  });

  it("refuses with ERR_TOKEN_MISSING: nothing, another scheme, no cookie configured", () => {
    for (const [headers, cookie] of [
      [{}, "t"],
      [{ authorization: "Basic abc", cookie: "t=x.y.z" }, "t"],
      [{ cookie: "t=x.y.z" }, undefined],
    ] as const) {
      expect(() => readRequestToken(headers, cookie)).toThrow(
        expect.objectContaining({ code: "ERR_TOKEN_MISSING" }),
      );
    }
  });
});

describe("readCookie", () => {
  it("finds the named cookie among others, unquoted, and nothing else", () => {
    expect(readCookie("a=1; t=x.y.z; b=2", "t")).toBe("x.y.z");
    expect(readCookie('t="x.y.z"', "t")).toBe("x.y.z");
    expect(readCookie("tt=1; xt=2", "t")).toBeUndefined();
    expect(readCookie("t=", "t")).toBeUndefined();
    expect(readCookie("garbage", "t")).toBeUndefined();
    expect(readCookie(undefined, "t")).toBeUndefined();
  });
});
