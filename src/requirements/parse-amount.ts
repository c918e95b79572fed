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

const PLAIN_DECIMAL = /^\d+(\.\d+)?$/;
const INTEGER = /^\d+$/;
const MAX_TOKEN_ID = (1n << 256n) - 1n;

/**
 * Reads an amount exactly: a plain non-negative decimal string (no exponent, sign, hex or
 * whitespace), a finite non-negative number through its shortest decimal form, or a
 * non-negative bigint. Returns `undefined` for anything else.
 */
export function parseAmount(value: unknown): BigNumber | undefined {
  if (typeof value === "string") {
    return PLAIN_DECIMAL.test(value) ? new Decimal(value) : undefined;
  }
  if (typeof value === "number") {
    return Number.isFinite(value) && value >= 0 ? new Decimal(String(value)) : undefined;
  }
  if (typeof value === "bigint") {
    return value >= 0n ? new Decimal(value.toString()) : undefined;
  }
  return undefined;
}

/** Whether a token ID is written as a decimal integer (an EVM ID) rather than a mint address. */
export function isDecimalTokenId(value: unknown): boolean {
  return (
    typeof value === "bigint" ||
    typeof value === "number" ||
    (typeof value === "string" && INTEGER.test(value))
  );
}

/**
 * Reads a decimal token ID: a non-negative integer up to 2^256 - 1, as a decimal string, a safe
 * integer or a bigint. Returns `undefined` for anything else, so that `"007"` and `7` are one ID.
 */
export function parseTokenId(value: unknown): bigint | undefined {
  let id: bigint;
  if (typeof value === "string" && INTEGER.test(value) && value.length <= 80) id = BigInt(value);
  else if (typeof value === "number" && Number.isSafeInteger(value)) id = BigInt(value);
  else if (typeof value === "bigint") id = value;
  else return undefined;
  return id >= 0n && id <= MAX_TOKEN_ID ? id : undefined;
}
