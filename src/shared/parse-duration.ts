/** The unit a duration option is documented in. */
export type DurationUnit = "seconds" | "milliseconds";

// A Map, not an object: "constructor" or "__proto__" must not read as a unit.
const MILLISECONDS_PER: ReadonlyMap<string, number> = new Map([
  ...spellings(["ms", "msec", "msecs", "millisecond", "milliseconds"], 1),
  ...spellings(["s", "sec", "secs", "second", "seconds"], 1_000),
  ...spellings(["m", "min", "mins", "minute", "minutes"], 60_000),
  ...spellings(["h", "hr", "hrs", "hour", "hours"], 3_600_000),
  ...spellings(["d", "day", "days"], 86_400_000),
  ...spellings(["w", "week", "weeks"], 604_800_000),
]);

// A plain non-negative decimal, at most one space, then a lower-case unit: "30s", "1.5 h", "1 day".
const DURATION_TEXT = /^(\d+)(?:\.(\d+))? ?([a-z]+)$/;

const EXPECTED_FORMS = '"500ms", "30s", "10m", "24h", "1 day", "2 hours"';

function spellings(names: readonly string[], milliseconds: number): [string, number][] {
  return names.map((name) => [name, milliseconds]);
}

/**
 * Reads a duration option: a finite number >= 0 in the option's own unit, or a string with a
 * unit (`"500ms"`, `"30s"`, `"10m"`, `"24h"`, `"1 day"`, `"2 hours"`, `"1.5h"`), converted to
 * that unit exactly as the number would be written. Anything else is a `TypeError` that names
 * the option and the forms it takes.
 *
 * @example
 * parseDuration("10m", "milliseconds", "jwksCache.maxAge") // 600_000
 * parseDuration("500ms", "seconds", "clockTolerance")      // 0.5
 */
export function parseDuration(value: unknown, unit: DurationUnit, name: string): number {
  if (typeof value === "number") {
    if (Number.isFinite(value) && value >= 0) return value;
    throw new TypeError(`options.${name} must be a finite number >= 0 (${unit}) or ${forms()}`);
  }
  if (typeof value !== "string") {
    throw new TypeError(`options.${name} must be a number of ${unit} or ${forms()}`);
  }
  const match = DURATION_TEXT.exec(value);
  const perUnit = match === null ? undefined : MILLISECONDS_PER.get(match[3] as string);
  if (match === null || perUnit === undefined) {
    throw new TypeError(
      `options.${name}: ${JSON.stringify(value)} is not a duration; give a number of ${unit} or ${forms()}`,
    );
  }
  const parsed = exactQuotient(match[1] as string, match[2] ?? "", perUnit, unit);
  if (!Number.isFinite(parsed)) {
    throw new TypeError(`options.${name}: ${JSON.stringify(value)} is too long a duration`);
  }
  return parsed;
}

/** `whole.fraction × perUnit` in the target unit, as one division of two integers (no drift). */
function exactQuotient(
  whole: string,
  fraction: string,
  perUnit: number,
  unit: DurationUnit,
): number {
  const numerator = Number(whole + fraction) * perUnit;
  const denominator = 10 ** fraction.length * (unit === "seconds" ? 1_000 : 1);
  return numerator / denominator;
}

function forms(): string {
  return `a string with a unit (${EXPECTED_FORMS})`;
}

/**
 * A duration in milliseconds for people: whole hours as `"24 h"`, whole minutes as `"10 min"`,
 * anything else in seconds (`"30 s"`, `"0.6 s"`).
 */
export function describeMilliseconds(milliseconds: number): string {
  if (milliseconds > 0 && milliseconds % 3_600_000 === 0) return `${milliseconds / 3_600_000} h`;
  if (milliseconds > 0 && milliseconds % 60_000 === 0) return `${milliseconds / 60_000} min`;
  return `${milliseconds / 1_000} s`;
}

/** The range a duration option must fall in, in its own unit. */
export interface DurationRange {
  /** The option's path, as messages name it: `"jwksCache.timeout"`. */
  readonly name: string;
  /** The unit the option is documented in. */
  readonly unit: DurationUnit;
  /** The smallest value allowed. */
  readonly min?: number | undefined;
  /** The largest value allowed. */
  readonly max?: number | undefined;
  /** Whether `0` is allowed under `min`, to turn the feature off. */
  readonly zeroTurnsOff?: boolean | undefined;
  /** The function the option belongs to, named first in the message: `"createPicketClient"`. */
  readonly owner?: string | undefined;
}

/**
 * Returns `value` (a parsed duration, in `range.unit`) when it is within `range`; else throws a
 * `TypeError` that names the unit, says what the value amounts to and what is allowed, and,
 * where the number read in the other unit would fit, suggests it: a millisecond count given
 * where seconds are meant, or seconds where milliseconds are. `given` is what the caller wrote
 * (a number or a string with a unit); only a bare number gets a suggestion.
 *
 * @example
 * checkDurationRange(5, { name: "jwksCache.timeout", unit: "milliseconds", min: 100 })
 * // TypeError: options.jwksCache.timeout is in milliseconds: 5 is 5 ms; it must be at least
 * // 100 ms; did you mean 5_000 (5 s)?
 * checkDurationRange(30_000, { name: "clockTolerance", unit: "seconds", max: 300 })
 * // TypeError: options.clockTolerance is in seconds: 30000 is 8.3 h; it must be at most
 * // 300 s (5 min); did you mean 30 (30 s)?
 */
export function checkDurationRange(
  value: number,
  range: DurationRange,
  given: unknown = value,
): number {
  if (inRange(value, range)) return value;
  const { name, unit, min, max } = range;
  const tooLow = min !== undefined && value < min;
  const bound = tooLow
    ? `${range.zeroTurnsOff === true ? "0 (off) or " : ""}at least ${boundText(min, unit)}`
    : `at most ${boundText(max as number, unit)}`;
  // A number too low in milliseconds was likely meant in seconds, and the other way round.
  const factor = unit === "milliseconds" ? 1_000 : 1 / 1_000;
  const guess = typeof given === "number" ? given * factor : Number.NaN;
  const suggestion = inRange(guess, range)
    ? `; did you mean ${numberLiteral(guess)} (${roughDuration(toMilliseconds(guess, unit))})?`
    : "";
  const shown = typeof given === "string" ? JSON.stringify(given) : String(given);
  const owner = range.owner === undefined ? "" : `${range.owner}: `;
  throw new TypeError(
    `${owner}options.${name} is in ${unit}: ${shown} is ${roughDuration(toMilliseconds(value, unit))}; it must be ${bound}${suggestion}`,
  );
}

function inRange(value: number, { min, max, zeroTurnsOff }: DurationRange): boolean {
  if (!Number.isFinite(value) || value < 0) return false;
  if (value === 0 && zeroTurnsOff === true) return true;
  return (min === undefined || value >= min) && (max === undefined || value <= max);
}

function boundText(bound: number, unit: DurationUnit): string {
  const digits = bound >= 10_000 ? numberLiteral(bound) : String(bound);
  const plain = `${digits} ${unit === "seconds" ? "s" : "ms"}`;
  const rough = roughDuration(toMilliseconds(bound, unit));
  return rough === plain ? plain : `${plain} (${rough})`;
}

function toMilliseconds(value: number, unit: DurationUnit): number {
  return unit === "seconds" ? value * 1_000 : value;
}

const ROUGH_UNITS: readonly [string, number][] = [
  ["d", 86_400_000],
  ["h", 3_600_000],
  ["min", 60_000],
  ["s", 1_000],
];

/** A duration for people, to one decimal in its largest whole unit: `"8.3 h"`, `"5 ms"`. */
function roughDuration(milliseconds: number): string {
  for (const [label, size] of ROUGH_UNITS) {
    if (milliseconds >= size) return `${Number((milliseconds / size).toFixed(1))} ${label}`;
  }
  return `${Number(milliseconds.toFixed(3))} ms`;
}

/** `600000` as `600_000`, as a reader would type it. */
function numberLiteral(value: number): string {
  return Number.isInteger(value) ? String(value).replace(/\B(?=(\d{3})+$)/g, "_") : String(value);
}
