import { describeMilliseconds } from "./parse-duration.js";

/**
 * Refuses a duration in milliseconds under its floor with a `TypeError` that names the function,
 * the option, the unit, what the value amounts to and, for a number that reads as seconds, the
 * value likely meant: `timeout: 5` is 5 ms, not 5 s.
 *
 * @example
 * refuseUnderFloor({ given: 5, milliseconds: 5, floor: 100, owner: "createPicketClient", name: "timeout" })
 * // TypeError: createPicketClient: options.timeout is in milliseconds: 5 is 5 ms, and it takes at least 100 ms; did you mean 5_000 (5 s)?
 */
export function refuseUnderFloor(check: {
  given: unknown;
  milliseconds: number;
  floor: number;
  owner: string;
  name: string;
}): void {
  const { given, milliseconds, floor, owner, name } = check;
  if (milliseconds >= floor) return;
  const shown = typeof given === "string" ? JSON.stringify(given) : String(given);
  const asSeconds = typeof given === "number" ? given * 1_000 : Number.NaN;
  const guess =
    asSeconds >= floor
      ? `; did you mean ${numberLiteral(asSeconds)} (${describeMilliseconds(asSeconds)})?`
      : "";
  throw new TypeError(
    `${owner}: options.${name} is in milliseconds: ${shown} is ${milliseconds} ms, and it takes at least ${floor} ms${guess}`,
  );
}

/** `600000` as `600_000`, as a reader would type it. */
function numberLiteral(value: number): string {
  return Number.isInteger(value) ? String(value).replace(/\B(?=(\d{3})+$)/g, "_") : String(value);
}
