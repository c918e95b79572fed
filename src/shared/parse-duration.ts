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
