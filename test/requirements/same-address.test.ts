import { describe, expect, it } from "vitest";
import { sameAddress } from "../../src/requirements/same-address.js";

describe("sameAddress", () => {
  it.each<[string, string, boolean]>([
    ["0xAbC", "0xabc", true],
    ["0xabc", "0xabc", true],
    ["0XAB", "0xab", false],
    ["0xab", "0XAB", false],
    ["0xABzz", "0xabZZ", false],
    ["a0xAB", "A0xab", false],
    ["0xab", "0xab0", false],
    ["SoLaNa", "solana", false],
    ["0x", "0x", true],
  ])("%s vs %s: %s", (a, b, same) => {
    expect(sameAddress(a, b)).toBe(same);
  });
});
