import { TokenCache } from "../../src/cache/token-cache.js";
import { KeyStore, type KeyStoreSettings } from "../../src/jwks/key-store.js";
import { RequirementsGate } from "../../src/requirements/requirements-gate.js";
import type { Requirements, ValidatorEvent } from "../../src/types.js";
import type { Pipeline } from "../../src/validate-token.js";
import { type AlgorithmSpec, SUPPORTED_ALGORITHMS } from "../../src/verify/algorithms.js";
import type { ClaimExpectations } from "../../src/verify/check-claims.js";
import { TokenReader } from "../../src/verify/read-token.js";
import { SignatureVerifier } from "../../src/verify/signature-verifier.js";

/** ES256, as the validator's algorithm table holds it. */
export const ES256 = SUPPORTED_ALGORITHMS.get("ES256") as AlgorithmSpec;

/** The key-cache settings of the defaults table, in milliseconds. */
export const KEY_STORE_SETTINGS: KeyStoreSettings = {
  maxAge: 600_000,
  staleIfError: 86_400_000,
  cooldown: 30_000,
  timeout: 5_000,
  maxKeys: 100,
  maxBytes: 1_048_576,
};

/** What a test pipeline is made of; everything but `projectId` and `clock` has a default. */
export interface PipelineParts {
  projectId: string;
  clock: () => number;
  jwks?: unknown;
  jwksUri?: string;
  fetch?: typeof globalThis.fetch;
  requirements?: Requirements;
  /** The token cache's size; none without it. */
  tokenCache?: number;
  maxTokenBytes?: number;
  settings?: Partial<KeyStoreSettings>;
  emit?: (event: ValidatorEvent) => void;
}

const noNetwork = (() =>
  Promise.reject(new Error("this pipeline has no network"))) as typeof globalThis.fetch;

/** The stages of a validator, wired as `createValidator` wires them, for tests that drive them. */
export function createPipeline(parts: PipelineParts): Pipeline {
  const expectations: ClaimExpectations = {
    issuer: "picketapi.com",
    audience: parts.projectId,
    clockTolerance: 0,
    futureSkew: 60,
    maxTokenAge: undefined,
  };
  const store = new KeyStore({
    jwksUri: parts.jwksUri,
    jwks: parts.jwks,
    algorithms: [ES256],
    clock: parts.clock,
    fetch: parts.fetch ?? noNetwork,
    settings: { ...KEY_STORE_SETTINGS, ...parts.settings },
    emit: parts.emit ?? (() => undefined),
  });
  return {
    gate: new RequirementsGate(parts.requirements),
    cache:
      parts.tokenCache === undefined
        ? undefined
        : new TokenCache(parts.tokenCache, (key) => store.has(key), expectations),
    reader: new TokenReader(new Map([["ES256", ES256]]), parts.maxTokenBytes ?? 8192),
    store,
    verifier: new SignatureVerifier(),
    expectations,
    clock: parts.clock,
  };
}
