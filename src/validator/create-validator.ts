import { KeyStore } from "../jwks/key-store.js";
import { RequirementsGate } from "../requirements/requirements-gate.js";
import { callHook } from "../shared/call-hook.js";
import type {
  DecodedToken,
  PicketAccessToken,
  Requirements,
  ValidatorEvent,
  ValidatorOptions,
} from "../types.js";
import type { ClaimExpectations } from "../verify/check-claims.js";
import { decodeUnverified } from "../verify/decode-unverified.js";
import { TokenReader } from "../verify/read-token.js";
import { SignatureVerifier } from "../verify/signature-verifier.js";
import { type ResolvedOptions, resolveOptions } from "./resolve-options.js";
import { TokenCache } from "./token-cache.js";
import { type Pipeline, validateToken, validateTokenSync } from "./validate-token.js";

/** A Picket access-token validator. Create one per process and share it. */
export interface Validator {
  /**
   * Verifies a token and checks its requirements. Resolves with the normalized claims only when
   * every check passes; rejects with a {@link PicketValidationError} otherwise. Fetches keys only
   * when none are cached or the token names an unknown `kid`.
   */
  validate(token: string, requirements?: Requirements): Promise<PicketAccessToken>;
  /**
   * {@link Validator.validate}, synchronously, from cached keys only: throws `ERR_KEY_NOT_FOUND`
   * where a key fetch would be needed. Works at once with `jwks` given; with a `jwksUri`, after
   * `await ready()`. Where the runtime has no synchronous verifier (Web Crypto: the Edge
   * runtime, Workers), throws a `TypeError` that points to `validate()`.
   */
  validateSync(token: string, requirements?: Requirements): PicketAccessToken;
  /** Loads the keys now, so that start-up fails fast when they cannot be had. */
  ready(): Promise<void>;
  /** Reloads the keys now, whatever the cache ages and cooldowns. */
  refresh(): Promise<void>;
  /** Decodes a token without any check, for debugging and logging only. */
  decodeUnverified(token: string): DecodedToken;
  /**
   * The validator's own requirements (frozen), under which per-call and per-route requirements
   * are merged key by key; `undefined` when it has none.
   */
  readonly requirements: Readonly<Requirements> | undefined;
}

/**
 * Creates a validator of Picket access tokens. Throws a `TypeError` at once for bad options.
 *
 * @example
 * ```ts
 * import { createValidator } from "picket-validate";
 *
 * const validator = createValidator({ projectId: process.env.PICKET_PROJECT_ID! });
 * await validator.ready();
 * const user = await validator.validate(accessToken, {
 *   contractAddress: "0xBC4CA0EdA7647A8aB7C2061c2E118A18a936f13D",
 *   minTokenBalance: "1",
 * });
 * console.log(user.walletAddress, user.tokenBalance);
 * ```
 */
export function createValidator(options: ValidatorOptions): Validator {
  const resolved = resolveOptions(options);
  const pipeline = wirePipeline(resolved);
  return {
    validate: (token, requirements) => validateToken(pipeline, token, requirements),
    validateSync: (token, requirements) => validateTokenSync(pipeline, token, requirements),
    ready: () => pipeline.store.ensureLoaded(),
    refresh: () => pipeline.store.refresh(),
    decodeUnverified,
    requirements: pipeline.gate.base,
  };
}

/**
 * The one place a validator's parts are made and wired together, from resolved options: the
 * requirements gate, the token cache, the token reader, the key store, the signature verifier.
 */
export function wirePipeline(resolved: ResolvedOptions): Pipeline {
  const { clock, onEvent } = resolved;
  const expectations: ClaimExpectations = {
    issuer: resolved.issuer,
    audience: resolved.projectId,
    clockTolerance: resolved.clockTolerance,
    futureSkew: resolved.futureSkew,
    maxTokenAge: resolved.maxTokenAge,
  };
  const store = new KeyStore({
    jwksUri: resolved.jwksUri,
    jwks: resolved.jwks,
    algorithms: [...resolved.algorithms.values()],
    clock,
    fetch: resolved.fetch,
    settings: resolved.jwksCache,
    emit: (event) => callHook(onEvent, event),
    discoveryUri: resolved.discoveryUri,
  });
  return {
    gate: new RequirementsGate(resolved.requirements),
    cache:
      resolved.tokenCacheMax === undefined
        ? undefined
        : new TokenCache(resolved.tokenCacheMax, (key) => store.has(key), expectations),
    reader: new TokenReader(resolved.algorithms, resolved.maxTokenBytes),
    store,
    verifier: new SignatureVerifier(),
    expectations,
    clock,
    emit: onEvent === undefined ? undefined : (event: ValidatorEvent) => callHook(onEvent, event),
  };
}
