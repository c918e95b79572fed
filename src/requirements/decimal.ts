import BigNumber from "bignumber.js";

/**
 * The package's own bignumber.js constructor. A clone keeps its settings to itself, so a host
 * application's `BigNumber.config()` (a narrow `RANGE` turns 1e24 into Infinity, `DECIMAL_PLACES`
 * rounds) cannot change a verdict. The range is wide enough for any plain decimal an 8 KiB
 * token can hold.
 */
export const Decimal: typeof BigNumber = BigNumber.clone({
  RANGE: 1e9,
  EXPONENTIAL_AT: 1e9,
  DECIMAL_PLACES: 1e3,
  ROUNDING_MODE: BigNumber.ROUND_DOWN,
});

/** Zero, in {@link Decimal}. */
export const ZERO: BigNumber = new Decimal(0);
