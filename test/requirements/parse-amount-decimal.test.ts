import BigNumber from "bignumber.js";
import { describe, expect, it } from "vitest";
import { Decimal, ZERO } from "../../src/requirements/parse-amount.js";

describe("Decimal", () => {
  it("is a constructor of its own, with a range and precision no token can exceed", () => {
    expect(Decimal).not.toBe(BigNumber);
    const config = Decimal.config({});
    expect(config.RANGE).toEqual([-1e9, 1e9]);
    expect(config.EXPONENTIAL_AT).toEqual([-1e9, 1e9]);
    expect(config.DECIMAL_PLACES).toBe(1e3);
    expect(config.ROUNDING_MODE).toBe(BigNumber.ROUND_DOWN);
    expect(new Decimal("0.00000001").toString()).toBe("0.00000001");
    expect(new Decimal(`1${"0".repeat(30)}`).toString()).toBe(`1${"0".repeat(30)}`);
  });

  it("keeps its settings when the host configures BigNumber", () => {
    const saved = BigNumber.config({});
    try {
      BigNumber.config({ RANGE: 5, DECIMAL_PLACES: 0 });
      expect(new BigNumber("1e24").isFinite()).toBe(false);
      expect(new Decimal("1e24").isFinite()).toBe(true);
      expect(ZERO.isZero()).toBe(true);
    } finally {
      BigNumber.config(saved as BigNumber.Config);
    }
  });
});
