import { PICKET_ISSUER, PICKET_JWKS_URI } from "../constants.js";

/** What a number option counts (or, for `clock`, what the function returns). */
type OptionUnit = "seconds" | "milliseconds" | "bytes" | "keys" | "tokens";

/** One option of `createValidator`: its default, its unit and its floor. */
export interface OptionDefault<T> {
  /** The option's path in the options object: `"issuer"`, `"jwksCache.maxAge"`. */
  readonly name: string;
  /** The value used when the option is not given; `undefined` where there is none. */
  readonly value: T;
  /** How the docs write a default that is a named constant or a function: `PICKET_JWKS_URI`. */
  readonly shownAs?: string;
  /** What the number counts; a duration also accepts a string with a unit (`"10m"`). */
  readonly unit?: OptionUnit;
  /** The smallest value accepted, in `unit`. */
  readonly min?: number;
  /** The largest value accepted, in `unit`. */
  readonly max?: number;
  /** `0` is accepted under `min`, and turns the feature off. */
  readonly zeroTurnsOff?: true;
  /** The option must be given. */
  readonly required?: true;
}

/** Every option of `createValidator`, by path. */
export interface OptionDefaults {
  readonly projectId: OptionDefault<undefined>;
  readonly jwksUri: OptionDefault<string>;
  readonly jwks: OptionDefault<undefined>;
  readonly issuer: OptionDefault<string>;
  readonly algorithms: OptionDefault<readonly string[]>;
  readonly clockTolerance: OptionDefault<number>;
  readonly futureSkew: OptionDefault<number>;
  readonly maxTokenAge: OptionDefault<undefined>;
  readonly requirements: OptionDefault<undefined>;
  readonly clock: OptionDefault<() => number>;
  readonly fetch: OptionDefault<undefined>;
  readonly maxTokenBytes: OptionDefault<number>;
  readonly "jwksCache.maxAge": OptionDefault<number>;
  readonly "jwksCache.staleIfError": OptionDefault<number>;
  readonly "jwksCache.cooldown": OptionDefault<number>;
  readonly "jwksCache.timeout": OptionDefault<number>;
  readonly "jwksCache.maxKeys": OptionDefault<number>;
  readonly "jwksCache.maxBytes": OptionDefault<number>;
  readonly "tokenCache.max": OptionDefault<number>;
  readonly onEvent: OptionDefault<undefined>;
}

const ONE_SECOND_MS = 1_000;
/** Tolerance past this is a unit mistake, not clock skew. */
const FIVE_MINUTES_S = 300;
const ONE_YEAR_S = 365 * 86_400;

/**
 * The one table of `createValidator`'s options: what each defaults to, in which unit, and the
 * floor where one applies. The options resolver reads its defaults and its list of known keys
 * from here, and a test holds the README's option tables to it.
 */
export const OPTION_DEFAULTS: OptionDefaults = deepFreeze({
  projectId: { name: "projectId", value: undefined, required: true },
  jwksUri: { name: "jwksUri", value: PICKET_JWKS_URI, shownAs: "PICKET_JWKS_URI" },
  jwks: { name: "jwks", value: undefined },
  issuer: { name: "issuer", value: PICKET_ISSUER },
  algorithms: { name: "algorithms", value: ["ES256"] },
  clockTolerance: { name: "clockTolerance", value: 0, unit: "seconds", max: FIVE_MINUTES_S },
  futureSkew: { name: "futureSkew", value: 60, unit: "seconds", max: FIVE_MINUTES_S },
  maxTokenAge: { name: "maxTokenAge", value: undefined, unit: "seconds", max: ONE_YEAR_S },
  requirements: { name: "requirements", value: undefined },
  clock: { name: "clock", value: Date.now, shownAs: "Date.now", unit: "milliseconds" },
  // Read at construction, not here, so that a fetch installed after import is the one used.
  fetch: { name: "fetch", value: undefined, shownAs: "globalThis.fetch" },
  maxTokenBytes: { name: "maxTokenBytes", value: 8192, unit: "bytes" },
  "jwksCache.maxAge": {
    name: "jwksCache.maxAge",
    value: 600_000,
    unit: "milliseconds",
    min: ONE_SECOND_MS,
  },
  "jwksCache.staleIfError": {
    name: "jwksCache.staleIfError",
    value: 86_400_000,
    unit: "milliseconds",
    min: ONE_SECOND_MS,
    zeroTurnsOff: true,
  },
  "jwksCache.cooldown": {
    name: "jwksCache.cooldown",
    value: 30_000,
    unit: "milliseconds",
    min: ONE_SECOND_MS,
  },
  "jwksCache.timeout": {
    name: "jwksCache.timeout",
    value: 5_000,
    unit: "milliseconds",
    min: 100,
  },
  "jwksCache.maxKeys": { name: "jwksCache.maxKeys", value: 100, unit: "keys" },
  "jwksCache.maxBytes": { name: "jwksCache.maxBytes", value: 1_048_576, unit: "bytes" },
  "tokenCache.max": { name: "tokenCache.max", value: 10_000, unit: "tokens" },
  onEvent: { name: "onEvent", value: undefined },
});

/** The same table as a list, in the order the README shows it. */
export const OPTION_DEFAULT_LIST: readonly OptionDefault<unknown>[] = Object.freeze(
  Object.values(OPTION_DEFAULTS),
);

/**
 * The keys an options object (`""`) or one of its groups (`"jwksCache"`, `"tokenCache"`) may
 * have, derived from the table.
 */
export function knownOptionKeys(group: "" | "jwksCache" | "tokenCache"): readonly string[] {
  const keys = new Set<string>();
  for (const { name } of OPTION_DEFAULT_LIST) {
    const [head, tail] = name.split(".") as [string, string | undefined];
    if (group === "") keys.add(head);
    else if (head === group && tail !== undefined) keys.add(tail);
  }
  return [...keys];
}

function deepFreeze<T extends object>(value: T): T {
  for (const member of Object.values(value)) {
    if (typeof member === "object" && member !== null) deepFreeze(member);
  }
  return Object.freeze(value);
}
