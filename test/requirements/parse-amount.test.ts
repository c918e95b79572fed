import { describe, expect, it } from "vitest";
import { parseAmount, parseTokenId } from "../../src/requirements/parse-amount.js";

describe("parseAmount and parseTokenId bounds", () => {
  it.each([true, {}, null, undefined, [1], -1, -1n, Number.NaN, Number.POSITIVE_INFINITY])(
    "parseAmount(%s) is undefined",
    (value) => {
      expect(parseAmount(value)).toBeUndefined();
    },
  );

  it("parseAmount reads zero and bigints exactly", () => {
    expect(parseAmount(0n)?.toFixed()).toBe("0");
    expect(parseAmount(10n ** 30n)?.toFixed()).toBe("1000000000000000000000000000000");
    expect(parseAmount(0.1)?.toFixed()).toBe("0.1");
  });

  it.each([
    [5],
    1.5,
    null,
    true,
    -1,
    "-1",
    "1.0",
    `1${"0".repeat(80)}`,
    "0".repeat(81),
    2n ** 256n,
  ])("parseTokenId(%s) is undefined", (value) => {
    expect(parseTokenId(value)).toBeUndefined();
  });

  it("parseTokenId reads 0, 80-digit strings and the largest ID", () => {
    expect(parseTokenId(0)).toBe(0n);
    expect(parseTokenId("0")).toBe(0n);
    expect(parseTokenId("0".repeat(80))).toBe(0n);
    expect(parseTokenId(2n ** 256n - 1n)).toBe(2n ** 256n - 1n);
    expect(parseTokenId((2n ** 256n - 1n).toString())).toBe(2n ** 256n - 1n);
    expect(parseTokenId(Number.MAX_SAFE_INTEGER)).toBe(BigInt(Number.MAX_SAFE_INTEGER));
  });
});
