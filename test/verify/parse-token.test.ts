import { describe, expect, it } from "vitest";
import { parseBearer } from "../../src/index.js";
import { createTestIssuer } from "../../src/testing/index.js";
import { decodeBase64UrlPart, decodeJsonObject, splitToken } from "../../src/verify/parse-token.js";
import { expectCode, thrownBy } from "../helpers/expect-code.js";
import { encodePart } from "../helpers/forge.js";

describe("splitToken", () => {
  it("returns the exact parts and signing input of a three-part token", () => {
    expect(splitToken("a.b.c")).toEqual({
      header: "a",
      payload: "b",
      signature: "c",
      signingInput: "a.b",
    });
    expect(splitToken("..")).toEqual({ header: "", payload: "", signature: "", signingInput: "." });
  });

  it.each(["abc", "a.b", "ab.", ".ab", "a.b.c.d", "a..b.c", "...."])(
    "refuses %j: not exactly two dots",
    (token) => {
      const error = thrownBy(() => splitToken(token));
      expect(error.code).toBe("ERR_TOKEN_MALFORMED");
      expect(error.message).toBe("Malformed token: a token has three parts separated by dots");
    },
  );
});

describe("decodeBase64UrlPart", () => {
  it("decodes a strict base64url part", () => {
    expect([...decodeBase64UrlPart("AAAA", "signature")]).toEqual([0, 0, 0]);
    expect([...decodeBase64UrlPart("_-8", "signature")]).toEqual([0xff, 0xef]);
  });

  it.each([
    ["empty", ""],
    ["a length of 4n + 1 (no byte ends there)", "AAAAA"],
    ["one character", "A"],
    ["standard base64 characters", "ab+/"],
    ["padding", "AA=="],
    ["whitespace", "AA AA"],
    ["stray low bits in the last character (2 chars)", "AB"],
    ["stray low bits in the last character (3 chars)", "AAB"],
    ["a non-ASCII character", "AAA\u00e9"],
  ])("refuses %s, naming the part", (_label, part) => {
    const error = thrownBy(() => decodeBase64UrlPart(part, "signature"));
    expect(error.code).toBe("ERR_TOKEN_MALFORMED");
    expect(error.message).toBe("Malformed token: the signature is not canonical base64url");
    expect(error.cause).toBeUndefined();
  });
});

describe("decodeJsonObject", () => {
  it("returns the JSON object", () => {
    expect(decodeJsonObject(encodePart('{"a":1}'), "header")).toEqual({ a: 1 });
  });

  it("refuses text that is not JSON, with the parser's error as cause", () => {
    const error = thrownBy(() => decodeJsonObject(encodePart("{nope"), "payload"));
    expect(error.code).toBe("ERR_TOKEN_MALFORMED");
    expect(error.message).toBe("Malformed token: the payload is not JSON");
    expect(error.cause).toBeInstanceOf(SyntaxError);
  });

  it.each([
    ["an array", "[1]"],
    ["null", "null"],
    ["a string", '"x"'],
    ["a number", "1"],
    ["true", "true"],
  ])("refuses %s, without a cause", (_label, json) => {
    const error = thrownBy(() => decodeJsonObject(encodePart(json), "header"));
    expect(error.message).toBe("Malformed token: the header is not a JSON object");
    expect(error.cause).toBeUndefined();
  });
});

describe("a token given with its Bearer scheme (validate, validateSync)", () => {
  const issuer = createTestIssuer();
  const validator = issuer.validator();
  const token = issuer.sign();
  const advice =
    'Malformed token: it starts with "Bearer ": pass the token without the scheme, e.g. parseBearer(header)';

  it.each([
    ["Bearer <token>", `Bearer ${token}`],
    ["bearer <token>", `bearer ${token}`],
    ["BEARER  <token>", `BEARER  ${token}`],
    ["Bearer <opaque value>", "Bearer opaque-value"],
  ])("refuses %s with ERR_TOKEN_MALFORMED saying to drop the scheme", async (value) => {
    expect((await expectCode(() => validator.validate(value), "ERR_TOKEN_MALFORMED")).message).toBe(
      advice,
    );
    expect(thrownBy(() => validator.validateSync(value)).message).toBe(advice);
  });

  it("accepts the same token once parseBearer has taken the scheme off", async () => {
    expect((await validator.validate(parseBearer(`Bearer ${token}`))).aud).toBe(issuer.projectId);
  });

  it("keeps the plain message for other malformed headers", async () => {
    const error = await expectCode(
      () => validator.validate(`Basic ${token}`),
      "ERR_TOKEN_MALFORMED",
    );
    expect(error.message).toBe("Malformed token: the header is not canonical base64url");
  });
});
