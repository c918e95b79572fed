import fc from "fast-check";
import { beforeEach, describe, expect, it, vi } from "vitest";
import { type AlgorithmSpec, SUPPORTED_ALGORITHMS } from "../../src/platform/algorithms.js";
import { checkHeader } from "../../src/verify/check-header.js";
import { decodeJsonObject } from "../../src/verify/parse-token.js";
import { TokenReader } from "../../src/verify/read-token.js";
import { thrownBy } from "../helpers/expect-code.js";
import { encodePart, forgeToken, tokenParts } from "../helpers/forge.js";

// Counts the header checks and the JSON decodings, to see that every token's header is judged.
vi.mock("../../src/verify/check-header.js", async (importOriginal) => {
  const actual = await importOriginal<typeof import("../../src/verify/check-header.js")>();
  return { ...actual, checkHeader: vi.fn(actual.checkHeader) };
});
vi.mock("../../src/verify/parse-token.js", async (importOriginal) => {
  const actual = await importOriginal<typeof import("../../src/verify/parse-token.js")>();
  return { ...actual, decodeJsonObject: vi.fn(actual.decodeJsonObject) };
});

const ES256 = SUPPORTED_ALGORITHMS.get("ES256") as AlgorithmSpec;
const RS256 = SUPPORTED_ALGORITHMS.get("RS256") as AlgorithmSpec;
const ES256_ONLY = new Map([["ES256", ES256]]);
const CLAIMS = { iss: "picketapi.com", sub: "ethereum:0xabc" };
const checks = vi.mocked(checkHeader);
const decodes = vi.mocked(decodeJsonObject);

beforeEach(() => {
  checks.mockClear();
  decodes.mockClear();
});

function reader(maxTokenBytes = 8192): TokenReader {
  return new TokenReader(ES256_ONLY, maxTokenBytes);
}

/** Whether `text` passes the size check of a reader with this limit (and fails later, or not). */
function fitsIn(text: string, maxTokenBytes: number): boolean {
  try {
    reader(maxTokenBytes).read(text);
  } catch (error) {
    return (error as { code?: string }).code !== "ERR_TOKEN_TOO_LARGE";
  }
  return true;
}

describe("TokenReader: size", () => {
  it("takes a token of exactly maxTokenBytes and refuses one byte more", () => {
    const token = forgeToken({ alg: "ES256" }, CLAIMS);
    expect(reader(token.length).read(token).claims).toEqual(CLAIMS);
    const error = thrownBy(() => reader(token.length - 1).read(token));
    expect(error.code).toBe("ERR_TOKEN_TOO_LARGE");
    expect(error.message).toBe(`The token is longer than maxTokenBytes (${token.length - 1})`);
  });

  it.each([
    ["U+007F, 1 byte", "\u007f", 1],
    ["U+0080, 2 bytes", "\u0080", 2],
    ["U+07FF, 2 bytes", "\u07ff", 2],
    ["U+0800, 3 bytes", "\u0800", 3],
    ["U+FFFF, 3 bytes", "\uffff", 3],
    ["a surrogate pair, 4 bytes", "\ud83d\ude00", 4],
    ["the first surrogate pair (U+10000), 4 bytes", "\ud800\udc00", 4],
    ["the last surrogate pair (U+10FFFF), 4 bytes", "\udbff\udfff", 4],
    ["U+D7FF before a low surrogate, 3 + 3 bytes", "\ud7ff\udc00", 6],
    ["U+DC00 before a low surrogate, 3 + 3 bytes", "\udc00\udc00", 6],
    ["a high surrogate before U+DBFF, 3 + 3 bytes", "\ud800\udbff", 6],
    ["a high surrogate before U+E000, 3 + 3 bytes", "\ud800\ue000", 6],
    ["a lone high surrogate, 3 bytes (the replacement character)", "\ud800", 3],
    ["a lone low surrogate, 3 bytes", "\udc00", 3],
    ["a high surrogate before a non-surrogate, 3 + 1 bytes", "\udbffa", 4],
    ["a high surrogate before another high one, 3 + 3 bytes", "\ud800\ud800", 6],
  ])("counts UTF-8 bytes, not UTF-16 units: %s", (_label, unit, bytes) => {
    const max = 120;
    const fitting = Math.floor(max / bytes);
    expect(fitsIn(unit.repeat(fitting), max)).toBe(true);
    expect(fitsIn(unit.repeat(fitting + 1), max)).toBe(false);
  });

  it("counts a lone high surrogate at the very end as 3 bytes", () => {
    expect(fitsIn(`${"a".repeat(97)}\ud800`, 100)).toBe(true);
    expect(fitsIn(`${"a".repeat(98)}\ud800`, 100)).toBe(false);
  });

  it("agrees with Buffer.byteLength on any string of UTF-16 units", () => {
    const units = fc
      .array(
        fc.oneof(
          fc.integer({ min: 0, max: 0x7f }),
          fc.integer({ min: 0x80, max: 0x7ff }),
          fc.integer({ min: 0xd800, max: 0xdfff }),
          fc.integer({ min: 0, max: 0xffff }),
        ),
        { minLength: 1, maxLength: 60 },
      )
      .map((codes) => String.fromCharCode(...codes));
    fc.assert(
      fc.property(units, (text) => {
        const bytes = Buffer.byteLength(text, "utf8");
        expect(fitsIn(text, bytes)).toBe(true);
        expect(fitsIn(text, bytes - 1)).toBe(false);
      }),
      { seed: 20_260_301, numRuns: 300 },
    );
  });

  it("checks the size before anything else", () => {
    const error = thrownBy(() => reader(10).read("not a token at all"));
    expect(error.code).toBe("ERR_TOKEN_TOO_LARGE");
    expect(checks).not.toHaveBeenCalled();
  });
});

describe("TokenReader: structure before header", () => {
  const badHeader = encodePart({ alg: "HS256" });
  const payload = encodePart(CLAIMS);

  it.each([
    ["header", "not JSON", `${encodePart("{")}.${payload}.AAAA`],
    ["payload", "not a JSON object", `${encodePart({ alg: "ES256" })}.${encodePart("7")}.AAAA`],
    ["signature", "not canonical base64url", `${encodePart({ alg: "ES256" })}.${payload}.AA==`],
  ])("names the part that fails: the %s", (part, what, token) => {
    expect(thrownBy(() => reader().read(token)).message).toBe(
      `Malformed token: the ${part} is ${what}`,
    );
  });

  it.each([
    ["a signature that is not base64url", `${badHeader}.${payload}.A`],
    ["a payload that is not JSON", `${badHeader}.${encodePart("nope")}.AAAA`],
    ["a payload that is not an object", `${badHeader}.${encodePart("[]")}.AAAA`],
    ["two parts", `${badHeader}.${payload}`],
  ])("reports %s as malformed, though the header is not allowed either", (_label, token) => {
    expect(thrownBy(() => reader().read(token)).code).toBe("ERR_TOKEN_MALFORMED");
    expect(checks).not.toHaveBeenCalled();
  });

  it("judges the header once every part decodes", () => {
    const error = thrownBy(() => reader().read(`${badHeader}.${payload}.AAAA`));
    expect(error.code).toBe("ERR_ALG_NOT_ALLOWED");
    expect(error.header).toBe("alg");
  });

  it("decodes payload and signature even when the header is remembered", () => {
    const each = reader();
    const token = forgeToken({ alg: "ES256" }, CLAIMS);
    const [header] = tokenParts(token);
    each.read(token);
    expect(thrownBy(() => each.read(`${header}.${encodePart("[]")}.AAAA`)).code).toBe(
      "ERR_TOKEN_MALFORMED",
    );
    expect(thrownBy(() => each.read(`${header}.${payload}.A`)).code).toBe("ERR_TOKEN_MALFORMED");
  });
});

describe("TokenReader: what it returns", () => {
  it("the algorithm, the kid, the claims, the signature bytes and the signed bytes", () => {
    const signature = Buffer.from(Array.from({ length: 64 }, (_, i) => i));
    const token = forgeToken({ alg: "ES256", kid: "k-1" }, CLAIMS, signature);
    const [header, payload] = tokenParts(token);
    const read = reader().read(token);
    expect(read.spec).toBe(ES256);
    expect(read.kid).toBe("k-1");
    expect(read.claims).toEqual(CLAIMS);
    expect(Buffer.from(read.signature)).toEqual(signature);
    expect(Buffer.from(read.signingInput).toString("latin1")).toBe(`${header}.${payload}`);
  });

  it("the same for a header read before", () => {
    const each = reader();
    each.read(forgeToken({ alg: "ES256", kid: "k-1" }, { other: true }));
    const read = each.read(forgeToken({ alg: "ES256", kid: "k-1" }, CLAIMS));
    expect(read.spec).toBe(ES256);
    expect(read.kid).toBe("k-1");
    expect(read.claims).toEqual(CLAIMS);
  });

  it("no kid where the header has none", () => {
    expect(reader().read(forgeToken({ alg: "ES256" }, CLAIMS)).kid).toBeUndefined();
  });
});

describe("TokenReader: every header judged anew", () => {
  it("decodes and checks the header of every token read, shared or not", () => {
    const each = reader();
    for (let i = 0; i < 5; i += 1) each.read(forgeToken({ alg: "ES256" }, { n: i }));
    expect(checks).toHaveBeenCalledTimes(5);
    expect(decodes.mock.calls.filter(([, name]) => name === "header")).toHaveLength(5);
    expect(decodes.mock.calls.filter(([, name]) => name === "payload")).toHaveLength(5);
  });

  it("refuses a bad header on every read", () => {
    const each = reader();
    const token = forgeToken({ alg: "ES256", crit: ["b64"] }, CLAIMS);
    expect(thrownBy(() => each.read(token)).code).toBe("ERR_ALG_NOT_ALLOWED");
    expect(thrownBy(() => each.read(token)).code).toBe("ERR_ALG_NOT_ALLOWED");
    expect(checks).toHaveBeenCalledTimes(2);
  });

  it("holds each reader to its own allow-list: another one judges the same header anew", () => {
    const token = forgeToken({ alg: "ES256" }, CLAIMS);
    reader().read(token);
    const rsaOnly = new TokenReader(new Map([["RS256", RS256]]), 8192);
    expect(thrownBy(() => rsaOnly.read(token)).code).toBe("ERR_ALG_NOT_ALLOWED");
  });
});
