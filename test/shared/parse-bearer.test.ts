import { describe, expect, it } from "vitest";
import { parseBearer } from "../../src/index.js";
import { expectCode } from "../helpers/expect-code.js";

describe("parseBearer", () => {
  it.each([
    ["Bearer abc.def.ghi", "abc.def.ghi"],
    ["bearer abc.def.ghi", "abc.def.ghi"],
    ["BEARER   abc.def.ghi  ", "abc.def.ghi"],
  ])("reads %j", (header, token) => {
    expect(parseBearer(header)).toBe(token);
  });

  it.each([
    undefined,
    null,
    "",
    "Bearer",
    "Bearer ",
    "Basic dXNlcjpwYXNz",
    "Token abc.def.ghi",
    "Bearer abc def",
    "Bearerabc.def.ghi",
    "Basic Bearer abc.def.ghi",
    "NotBearer abc.def.ghi",
  ])("refuses %j with ERR_TOKEN_MISSING", async (header) => {
    const error = await expectCode(() => parseBearer(header), "ERR_TOKEN_MISSING");
    expect(error.status).toBe(401);
    expect(error.message).toBe("No Bearer token in the Authorization header");
  });

  it("refuses a value that is not a string, even one that reads as a Bearer header", async () => {
    const lookalikes = [["Bearer abc.def.ghi"], { toString: () => "Bearer abc.def.ghi" }];
    for (const value of lookalikes) {
      await expectCode(() => parseBearer(value as never), "ERR_TOKEN_MISSING");
    }
  });
});
