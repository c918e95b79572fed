import BigNumber from "bignumber.js";
import type { PicketRequirements } from "./types.js";

/**
 * Requirements as they go over the wire: amounts and token IDs given as numbers or bigints become
 * exact decimal strings, because JSON cannot carry a bigint and a JSON number loses integers past
 * 2^53 (token IDs reach 2^256). Everything else is sent as given.
 */
export function toWireRequirements(requirements: PicketRequirements): Record<string, unknown> {
  const wire: Record<string, unknown> = { ...requirements };
  if (requirements.minTokenBalance !== undefined) {
    wire.minTokenBalance = decimalString(requirements.minTokenBalance);
  }
  if (Array.isArray(requirements.tokenIds)) {
    wire.tokenIds = requirements.tokenIds.map(decimalString);
  }
  return wire;
}

function decimalString(value: unknown): unknown {
  if (typeof value === "bigint") return value.toString();
  // The shortest decimal form, as the core reads numbers, but never in exponent notation.
  if (typeof value === "number" && Number.isFinite(value)) {
    return new BigNumber(String(value)).toFixed();
  }
  return value;
}
