import { PICKET_OPENID_CONFIGURATION_URI } from "../constants.js";
import type { KeyStoreSettings } from "../jwks/key-store.js";
import { type AlgorithmSpec, SUPPORTED_ALGORITHMS } from "../platform/algorithms.js";
import { checkDurationRange, parseDuration } from "../shared/parse-duration.js";
import { checkJwksUri } from "../shared/secure-url.js";
import { refuseUnknownKeys } from "../shared/strict-keys.js";
import type {
  JwksCacheOptions,
  Requirements,
  TokenCacheOptions,
  ValidatorEvent,
  ValidatorOptions,
} from "../types.js";
import { knownOptionKeys, OPTION_DEFAULTS, type OptionDefault } from "./defaults.js";

/** Validator options with defaults applied and every value checked. */
export interface ResolvedOptions {
  projectId: string;
  issuer: string;
  jwksUri: string | undefined;
  /**
   * Where the key set's address may be looked up again when it moves: Picket's OpenID
   * configuration for the default address; `undefined` for a `jwksUri` given (used as given).
   */
  discoveryUri: string | undefined;
  jwks: unknown;
  algorithms: ReadonlyMap<string, AlgorithmSpec>;
  clockTolerance: number;
  futureSkew: number;
  maxTokenAge: number | undefined;
  requirements: Requirements | undefined;
  clock: () => number;
  fetch: typeof globalThis.fetch;
  maxTokenBytes: number;
  jwksCache: KeyStoreSettings;
  tokenCacheMax: number | undefined;
  onEvent: ((event: ValidatorEvent) => void) | undefined;
}

const D = OPTION_DEFAULTS;
const TOP_LEVEL_KEYS = knownOptionKeys("");
const JWKS_CACHE_KEYS = knownOptionKeys("jwksCache");
const TOKEN_CACHE_KEYS = knownOptionKeys("tokenCache");

/**
 * Applies the defaults of `OPTION_DEFAULTS` and refuses bad options with a `TypeError`, at
 * construction time: unknown keys (with the nearest known one), wrong types, malformed
 * durations, and key-cache durations under their floor.
 */
export function resolveOptions(options: ValidatorOptions): ResolvedOptions {
  if (typeof options !== "object" || options === null) {
    throw new TypeError("createValidator needs an options object with a projectId");
  }
  refuseUnknownKeys(options, TOP_LEVEL_KEYS, "createValidator");
  if (typeof options.projectId !== "string" || options.projectId.length === 0) {
    throw new TypeError("options.projectId must be the Picket project ID (a non-empty string)");
  }
  const jwksUri = resolveJwksUri(options);
  return {
    projectId: options.projectId,
    issuer: nonEmptyString(options.issuer ?? D.issuer.value, "issuer"),
    jwksUri,
    discoveryUri:
      options.jwksUri === undefined && jwksUri !== undefined
        ? PICKET_OPENID_CONFIGURATION_URI
        : undefined,
    jwks: resolveJwks(options.jwks),
    algorithms: resolveAlgorithms(options.algorithms ?? D.algorithms.value),
    clockTolerance: duration(options.clockTolerance, D.clockTolerance),
    futureSkew: duration(options.futureSkew, D.futureSkew),
    maxTokenAge: duration(options.maxTokenAge, D.maxTokenAge),
    requirements: options.requirements,
    clock: resolveClock(options.clock),
    fetch: resolveFetch(options.fetch),
    maxTokenBytes: positiveInteger(options.maxTokenBytes, D.maxTokenBytes),
    jwksCache: resolveJwksCache(options.jwksCache),
    tokenCacheMax: resolveTokenCacheMax(options.tokenCache),
    onEvent: optionalFunction(options.onEvent, "onEvent"),
  };
}

function resolveJwksCache(value: JwksCacheOptions | undefined): KeyStoreSettings {
  const cache = group(value, "jwksCache", JWKS_CACHE_KEYS, "an object");
  return {
    maxAge: duration(cache.maxAge, D["jwksCache.maxAge"]),
    staleIfError: duration(cache.staleIfError, D["jwksCache.staleIfError"]),
    cooldown: duration(cache.cooldown, D["jwksCache.cooldown"]),
    timeout: duration(cache.timeout, D["jwksCache.timeout"]),
    maxKeys: positiveInteger(cache.maxKeys, D["jwksCache.maxKeys"]),
    maxBytes: positiveInteger(cache.maxBytes, D["jwksCache.maxBytes"]),
  };
}

function resolveTokenCacheMax(value: TokenCacheOptions | false | undefined): number | undefined {
  if (value === false) return undefined;
  const cache = group(value, "tokenCache", TOKEN_CACHE_KEYS, "{ max } or false");
  return positiveInteger(cache.max, D["tokenCache.max"]);
}

/** An options group (`jwksCache`, `tokenCache`): a plain object with known keys, or absent. */
function group<T extends object>(
  value: T | undefined,
  name: string,
  known: readonly string[],
  expected: string,
): Partial<T> {
  if (value === undefined) return {};
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw new TypeError(`options.${name} takes ${expected}, not ${describeValue(value)}`);
  }
  refuseUnknownKeys(value, known, "createValidator", `${name}.`);
  return value;
}

function resolveJwksUri(options: ValidatorOptions): string | undefined {
  if (options.jwksUri === undefined)
    return options.jwks === undefined ? D.jwksUri.value : undefined;
  return checkJwksUri(options.jwksUri);
}

function resolveJwks(jwks: unknown): unknown {
  if (jwks === undefined) return undefined;
  const keys = (jwks as { keys?: unknown } | null)?.keys;
  if (typeof jwks !== "object" || !Array.isArray(keys)) {
    throw new TypeError('options.jwks must be a JWKS object: { "keys": [...] }');
  }
  return jwks;
}

function resolveAlgorithms(algorithms: readonly string[]): ReadonlyMap<string, AlgorithmSpec> {
  if (!Array.isArray(algorithms) || algorithms.length === 0) {
    throw new TypeError("options.algorithms must be a non-empty array");
  }
  const resolved = new Map<string, AlgorithmSpec>();
  for (const name of algorithms) {
    const spec = SUPPORTED_ALGORITHMS.get(name);
    if (spec === undefined) {
      throw new TypeError(
        `options.algorithms: ${JSON.stringify(name)} is not allowed; only asymmetric algorithms (${[...SUPPORTED_ALGORITHMS.keys()].join(", ")}) are`,
      );
    }
    resolved.set(name, spec);
  }
  return resolved;
}

function resolveFetch(fetchImpl: unknown): typeof globalThis.fetch {
  const resolved = optionalFunction(fetchImpl, "fetch") ?? globalThis.fetch;
  if (typeof resolved !== "function")
    throw new TypeError("No fetch implementation: pass options.fetch");
  return resolved as typeof globalThis.fetch;
}

function nonEmptyString(value: unknown, name: string): string {
  if (typeof value !== "string" || value.length === 0) {
    throw new TypeError(`options.${name} must be a non-empty string`);
  }
  return value;
}

/**
 * A duration option in its documented unit (a number, or a string with a unit), or the default
 * when it is not given; out of the option's range it is a `TypeError` that names the unit and
 * the likely intended value.
 */
function duration<T extends number | undefined>(
  value: unknown,
  option: OptionDefault<T>,
): number | T {
  if (value === undefined) return option.value;
  const unit = option.unit === "seconds" ? "seconds" : "milliseconds";
  const parsed = parseDuration(value, unit, option.name);
  const { name, min, max, zeroTurnsOff } = option;
  return checkDurationRange(parsed, { name, unit, min, max, zeroTurnsOff }, value);
}

// 10^11 ms is March 1973; 10^11 s is thousands of years away: under it, a clock counts seconds.
const EARLIEST_MILLISECONDS = 1e11;

/**
 * The clock, called once now: one that returns seconds (`Date.now() / 1000`) or anything but a
 * finite number would make every token look issued in the future, or never expire.
 */
function resolveClock(clock: (() => number) | undefined): () => number {
  const resolved = optionalFunction(clock, "clock") ?? D.clock.value;
  const now: unknown = resolved();
  if (typeof now === "number" && Number.isFinite(now) && now >= EARLIEST_MILLISECONDS) {
    return resolved;
  }
  const seconds =
    typeof now === "number" && now * 1_000 >= EARLIEST_MILLISECONDS
      ? " (seconds, by the look of it: multiply by 1000)"
      : "";
  throw new TypeError(
    `options.clock must return the time in milliseconds, like Date.now(); it returned ${typeof now === "string" ? JSON.stringify(now) : String(now)}${seconds}`,
  );
}

function positiveInteger(value: unknown, option: OptionDefault<number>): number {
  if (value === undefined) return option.value;
  if (typeof value !== "number" || !Number.isSafeInteger(value) || value <= 0) {
    throw new TypeError(`options.${option.name} must be a positive integer (${option.unit})`);
  }
  return value;
}

function describeValue(value: unknown): string {
  if (value === null || typeof value === "boolean" || typeof value === "number") {
    return String(value);
  }
  return Array.isArray(value) ? "an array" : `a ${typeof value}`;
}

function optionalFunction<T>(value: T | undefined, name: string): T | undefined {
  if (value !== undefined && typeof value !== "function") {
    throw new TypeError(`options.${name} must be a function`);
  }
  return value;
}
