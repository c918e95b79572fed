import { describe, expect, it } from "vitest";
import type { ErrorCode } from "../../src/index.js";
import { type AlgorithmSpec, SUPPORTED_ALGORITHMS } from "../../src/platform/algorithms.js";
import { checkHeader } from "../../src/verify/check-header.js";
import { thrownBy } from "../helpers/expect-code.js";

const ES256 = SUPPORTED_ALGORITHMS.get("ES256") as AlgorithmSpec;
const ALLOWED = new Map([["ES256", ES256]]);

describe("checkHeader messages", () => {
  it.each<[string, Record<string, unknown>, ErrorCode, string]>([
    [
      "an unknown alg",
      { alg: "HS256" },
      "ERR_ALG_NOT_ALLOWED",
      'The token\'s alg "HS256" is not allowed',
    ],
    [
      "a long alg, shown cut to 32 characters",
      { alg: "X".repeat(40) },
      "ERR_ALG_NOT_ALLOWED",
      `The token's alg "${"X".repeat(32)}" is not allowed`,
    ],
    ["no alg", {}, "ERR_ALG_NOT_ALLOWED", "The token's alg missing is not allowed"],
    [
      "a non-string alg",
      { alg: 256 },
      "ERR_ALG_NOT_ALLOWED",
      "The token's alg missing is not allowed",
    ],
    [
      "crit",
      { alg: "ES256", crit: [] },
      "ERR_ALG_NOT_ALLOWED",
      'The "crit" header is not supported',
    ],
    [
      "b64: false",
      { alg: "ES256", b64: false },
      "ERR_ALG_NOT_ALLOWED",
      'Unencoded payloads ("b64") are not supported',
    ],
    ...["jwk", "jku", "x5u", "x5c"].map(
      (member): [string, Record<string, unknown>, ErrorCode, string] => [
        member,
        { alg: "ES256", [member]: "x" },
        "ERR_ALG_NOT_ALLOWED",
        `The "${member}" header is refused: keys come only from the configured key set`,
      ],
    ),
    [
      "a numeric kid",
      { alg: "ES256", kid: 1 },
      "ERR_TOKEN_MALFORMED",
      'Malformed token: "kid" is not a string',
    ],
  ])("%s", (_label, header, code, message) => {
    const error = thrownBy(() => checkHeader(header, ALLOWED));
    expect(error.code).toBe(code);
    expect(error.message).toBe(message);
  });

  it("returns the spec of an allowed alg", () => {
    expect(checkHeader({ alg: "ES256", kid: "k", b64: true }, ALLOWED)).toBe(ES256);
  });
});
