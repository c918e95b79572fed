import { PICKET_ISSUER, PICKET_JWKS_URI } from "./constants.js";
import type { KeyStoreSettings } from "./jwks/key-store.js";
import {
  type NormalizedRequirements,
  normalizeRequirements,
} from "./requirements/normalize-requirements.js";
import { isSecureUrl } from "./shared/secure-url.js";
import type { Requirements, ValidatorEvent, ValidatorOptions } from "./types.js";
import { type AlgorithmSpec, SUPPORTED_ALGORITHMS } from "./verify/algorithms.js";

/** Validator options with defaults applied and every value checked. */
export interface ResolvedOptions {
  projectId: string;
  issuer: string;
  jwksUri: string | undefined;
  jwks: unknown;
  algorithms: ReadonlyMap<string, AlgorithmSpec>;
  clockTolerance: number;
  maxTokenAge: number | undefined;
  requirements: Requirements | undefined;
  normalizedRequirements: NormalizedRequirements;
  clock: () => number;
  fetch: typeof globalThis.fetch;
  maxTokenBytes: number;
  jwksCache: KeyStoreSettings;
  tokenCacheMax: number | undefined;
  onEvent: ((event: ValidatorEvent) => void) | undefined;
}

/** Applies defaults and refuses bad options with a `TypeError`, at construction time. */
export function resolveOptions(options: ValidatorOptions): ResolvedOptions {
  if (typeof options !== "object" || options === null) {
    throw new TypeError("createValidator needs an options object with a projectId");
  }
  if (typeof options.projectId !== "string" || options.projectId.length === 0) {
    throw new TypeError("options.projectId must be the Picket project ID (a non-empty string)");
  }
  const cache = options.jwksCache ?? {};
  const tokenCache = options.tokenCache ?? {};
  return {
    projectId: options.projectId,
    issuer: nonEmptyString(options.issuer ?? PICKET_ISSUER, "issuer"),
    jwksUri: resolveJwksUri(options),
    jwks: resolveJwks(options.jwks),
    algorithms: resolveAlgorithms(options.algorithms ?? ["ES256"]),
    clockTolerance: duration(options.clockTolerance ?? 0, "clockTolerance"),
    maxTokenAge:
      options.maxTokenAge === undefined ? undefined : duration(options.maxTokenAge, "maxTokenAge"),
    requirements: options.requirements,
    normalizedRequirements: normalizeRequirements(options.requirements),
    clock: optionalFunction(options.clock, "clock") ?? Date.now,
    fetch: resolveFetch(options.fetch),
    maxTokenBytes: positiveInteger(options.maxTokenBytes ?? 8192, "maxTokenBytes"),
    jwksCache: {
      maxAge: duration(cache.maxAge ?? 600_000, "jwksCache.maxAge"),
      staleIfError: duration(cache.staleIfError ?? 86_400_000, "jwksCache.staleIfError"),
      cooldown: duration(cache.cooldown ?? 30_000, "jwksCache.cooldown"),
      timeout: duration(cache.timeout ?? 5_000, "jwksCache.timeout"),
      maxKeys: positiveInteger(cache.maxKeys ?? 100, "jwksCache.maxKeys"),
      maxBytes: positiveInteger(cache.maxBytes ?? 1_048_576, "jwksCache.maxBytes"),
    },
    tokenCacheMax:
      tokenCache === false
        ? undefined
        : positiveInteger(tokenCache.max ?? 10_000, "tokenCache.max"),
    onEvent: optionalFunction(options.onEvent, "onEvent"),
  };
}

function resolveJwksUri(options: ValidatorOptions): string | undefined {
  if (options.jwksUri === undefined)
    return options.jwks === undefined ? PICKET_JWKS_URI : undefined;
  return checkJwksUri(options.jwksUri);
}

/** Returns the key-set URL as a string, or throws a `TypeError` unless it is `https:` or loopback `http:`. */
export function checkJwksUri(uri: string | URL): string {
  let url: URL;
  try {
    url = new URL(String(uri));
  } catch {
    throw new TypeError("options.jwksUri must be an absolute URL");
  }
  if (isSecureUrl(url)) return url.href;
  throw new TypeError("options.jwksUri must use https: (http: only for loopback hosts)");
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

function duration(value: unknown, name: string): number {
  if (typeof value !== "number" || !Number.isFinite(value) || value < 0) {
    throw new TypeError(`options.${name} must be a finite number >= 0`);
  }
  return value;
}

function positiveInteger(value: unknown, name: string): number {
  if (typeof value !== "number" || !Number.isSafeInteger(value) || value <= 0) {
    throw new TypeError(`options.${name} must be a positive integer`);
  }
  return value;
}

function optionalFunction<T>(value: T | undefined, name: string): T | undefined {
  if (value !== undefined && typeof value !== "function") {
    throw new TypeError(`options.${name} must be a function`);
  }
  return value;
}
