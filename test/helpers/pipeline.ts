import type { KeyStoreSettings } from "../../src/jwks/key-store.js";
import { type AlgorithmSpec, SUPPORTED_ALGORITHMS } from "../../src/platform/algorithms.js";
import type { Requirements, ValidatorEvent, ValidatorOptions } from "../../src/types.js";
import { wirePipeline } from "../../src/validator/create-validator.js";
import { resolveOptions } from "../../src/validator/resolve-options.js";
import type { Pipeline } from "../../src/validator/validate-token.js";

/** ES256, as the validator's algorithm table holds it. */
export const ES256 = SUPPORTED_ALGORITHMS.get("ES256") as AlgorithmSpec;

/** The key-cache settings a validator gets by default, in milliseconds. */
export const KEY_STORE_SETTINGS: KeyStoreSettings = resolveOptions({
  projectId: "defaults",
  jwks: { keys: [] },
}).jwksCache;

/** What a test pipeline is made of; everything but `projectId` and `clock` has a default. */
export interface PipelineParts {
  projectId: string;
  clock: () => number;
  jwks?: unknown;
  jwksUri?: string;
  /** ES256 only unless given. */
  algorithms?: readonly string[];
  fetch?: typeof globalThis.fetch;
  requirements?: Requirements;
  /** The token cache's size; none without it. */
  tokenCache?: number;
  maxTokenBytes?: number;
  settings?: Partial<KeyStoreSettings>;
  onEvent?: (event: ValidatorEvent) => void;
}

const noNetwork = (() =>
  Promise.reject(new Error("this pipeline has no network"))) as typeof globalThis.fetch;

/**
 * The stages of a validator, wired by the validator's own `wirePipeline` from these options
 * (ES256 only, no network and no token cache unless given), for tests that drive them.
 */
export function createPipeline(parts: PipelineParts): Pipeline {
  const { tokenCache, settings, ...options } = parts;
  return wirePipeline(
    resolveOptions({
      algorithms: ["ES256"],
      fetch: noNetwork,
      ...options,
      tokenCache: tokenCache === undefined ? false : { max: tokenCache },
      ...(settings === undefined ? {} : { jwksCache: settings }),
    } as ValidatorOptions),
  );
}
