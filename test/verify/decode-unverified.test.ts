import { describe, expect, it } from "vitest";
import { decodeUnverified } from "../../src/index.js";
import { thrownBy } from "../helpers/expect-code.js";
import { encodePart } from "../helpers/forge.js";

describe("decodeUnverified", () => {
  it.each([
    ["undefined", undefined],
    ["null", null],
    ["an empty string", ""],
  ])("reports %s as a missing token", (_label, token) => {
    const error = thrownBy(() => decodeUnverified(token as unknown as string));
    expect(error.code).toBe("ERR_TOKEN_MISSING");
    expect(error.message).toBe("No token was given");
  });

  it.each([
    ["a number", 7],
    ["an object", { token: "a.b.c" }],
    ["false", false],
  ])("reports %s as malformed", (_label, token) => {
    const error = thrownBy(() => decodeUnverified(token as unknown as string));
    expect(error.code).toBe("ERR_TOKEN_MALFORMED");
    expect(error.message).toBe("Malformed token: not a string");
  });

  it("names the part that fails", () => {
    const header = encodePart('{"alg":"ES256"}');
    expect(thrownBy(() => decodeUnverified(`${encodePart("x")}.${header}.AAAA`)).message).toBe(
      "Malformed token: the header is not JSON",
    );
    expect(thrownBy(() => decodeUnverified(`${header}.${encodePart("[]")}.AAAA`)).message).toBe(
      "Malformed token: the payload is not a JSON object",
    );
    expect(thrownBy(() => decodeUnverified(`${header}.${encodePart("{}")}.A`)).message).toBe(
      "Malformed token: the signature is not canonical base64url",
    );
  });
});
