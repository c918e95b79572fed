import { type CachedToken, TokenCache } from "./cache/token-cache.js";
import { PicketValidationError } from "./errors.js";
import type { VerificationKey } from "./jwks/import-key-set.js";
import { KeyStore } from "./jwks/key-store.js";
import { evaluateRequirements } from "./requirements/check-requirements.js";
import {
  mergeRequirements,
  type NormalizedRequirements,
  normalizeRequirements,
} from "./requirements/normalize-requirements.js";
import { RequirementsMemo } from "./requirements/requirements-memo.js";
import { resolveOptions } from "./resolve-options.js";
import type {
  DecodedToken,
  PicketAccessToken,
  Requirements,
  RequirementsResult,
  ValidatorEvent,
  ValidatorOptions,
} from "./types.js";
import type { AlgorithmSpec } from "./verify/algorithms.js";
import {
  type ClaimExpectations,
  checkIssuerAndAudience,
  checkTimes,
} from "./verify/check-claims.js";
import { checkHeader } from "./verify/check-header.js";
import { decodeUnverified } from "./verify/decode-unverified.js";
import { normalizeClaims } from "./verify/normalize-claims.js";
import {
  decodeBase64Url,
  decodeJsonObject,
  requireTokenString,
  splitToken,
} from "./verify/parse-token.js";
import { verifySignature, verifySignatureAsync } from "./verify/verify-signature.js";

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
   * where a key fetch would be needed. Call `await ready()` once first.
   */
  validateSync(token: string, requirements?: Requirements): PicketAccessToken;
  /** Loads the keys now, so that start-up fails fast when they cannot be had. */
  ready(): Promise<void>;
  /** Reloads the keys now, whatever the cache ages and cooldowns. */
  refresh(): Promise<void>;
  /** Decodes a token without any check, for debugging and logging only. */
  decodeUnverified(token: string): DecodedToken;
}

interface CheckedHeader {
  spec: AlgorithmSpec;
  kid: string | undefined;
}

interface PreparedToken extends CheckedHeader {
  claims: Record<string, unknown>;
  data: Buffer;
  signature: Buffer;
}

/** Headers already checked, by their encoded form: most tokens of an issuer share one. */
const MAX_CACHED_HEADERS = 64;

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
 *   contractAddress: "0x8a90cab2b38dba80c64b7734e58ee1db38b8992e",
 *   minTokenBalance: "1",
 * });
 * console.log(user.walletAddress, user.tokenBalance);
 * ```
 */
export function createValidator(options: ValidatorOptions): Validator {
  const resolved = resolveOptions(options);
  const { clock, onEvent } = resolved;
  const emit = (event: ValidatorEvent): void => {
    try {
      onEvent?.(event);
    } catch {
      // A faulty metrics hook must never decide a token's fate.
    }
  };
  const store = new KeyStore({
    jwksUri: resolved.jwksUri,
    jwks: resolved.jwks,
    algorithms: [...resolved.algorithms.values()],
    clock,
    fetch: resolved.fetch,
    settings: resolved.jwksCache,
    emit,
  });
  const expectations: ClaimExpectations = {
    issuer: resolved.issuer,
    audience: resolved.projectId,
    clockTolerance: resolved.clockTolerance,
    maxTokenAge: resolved.maxTokenAge,
  };
  const tokenCache =
    resolved.tokenCacheMax === undefined
      ? undefined
      : new TokenCache(resolved.tokenCacheMax, (key) => store.has(key), expectations);
  const checkedHeaders = new Map<string, CheckedHeader>();
  // Calls of `validate` in the current synchronous run, and verifications on the thread pool.
  let burst = 0;
  let offThread = 0;
  const endBurst = (): void => {
    burst = 0;
  };

  const requirementsMemo = new RequirementsMemo();
  function requirementsFor(perCall: Requirements | undefined): NormalizedRequirements {
    if (perCall === undefined) return resolved.normalizedRequirements;
    const memoizable = typeof perCall === "object" && perCall !== null;
    const remembered = memoizable ? requirementsMemo.get(perCall) : undefined;
    if (remembered !== undefined) return remembered;
    const normalized = normalizeRequirements(mergeRequirements(resolved.requirements, perCall));
    if (memoizable) requirementsMemo.set(perCall, normalized);
    return normalized;
  }

  function enforce(entry: CachedToken, requirements: NormalizedRequirements): void {
    let result: RequirementsResult;
    if (entry.checked?.requirements === requirements) {
      result = entry.checked.result;
    } else {
      result = evaluateRequirements(entry.claims, requirements);
      entry.checked = { requirements, result };
    }
    if (!result.ok) {
      throw new PicketValidationError(
        "ERR_REQUIREMENTS_NOT_MET",
        `Requirements not met: ${result.failures.map((failure) => failure.message).join("; ")}`,
        { failures: result.failures },
      );
    }
  }

  /** The cached verdict of a token seen before, with time and requirements checked anew. */
  function fromCache(
    token: string,
    requirements: NormalizedRequirements,
  ): PicketAccessToken | undefined {
    const entry = tokenCache?.get(token, clock());
    if (entry === undefined) return undefined;
    enforce(entry, requirements);
    return entry.claims;
  }

  function prepare(token: string): PreparedToken {
    const max = resolved.maxTokenBytes;
    // A UTF-8 byte is never fewer than a UTF-16 unit: the cheap length check settles most cases.
    if (token.length > max || Buffer.byteLength(token, "utf8") > max) {
      throw new PicketValidationError(
        "ERR_TOKEN_TOO_LARGE",
        `The token is longer than maxTokenBytes (${resolved.maxTokenBytes})`,
      );
    }
    const parts = splitToken(token);
    const known = checkedHeaders.get(parts.header);
    const header = known === undefined ? decodeJsonObject(parts.header, "header") : undefined;
    const claims = decodeJsonObject(parts.payload, "payload");
    const signature = decodeBase64Url(parts.signature, "signature");
    const checked = known ?? checkHeaderOnce(parts.header, header as Record<string, unknown>);
    return {
      spec: checked.spec,
      kid: checked.kid,
      claims,
      signature,
      data: Buffer.from(parts.signingInput, "latin1"),
    };
  }

  function checkHeaderOnce(encoded: string, header: Record<string, unknown>): CheckedHeader {
    const checked = {
      spec: checkHeader(header, resolved.algorithms),
      kid: header.kid as string | undefined,
    };
    if (checkedHeaders.size >= MAX_CACHED_HEADERS) checkedHeaders.clear();
    checkedHeaders.set(encoded, checked);
    return checked;
  }

  function verifySync(
    prepared: PreparedToken,
    keys: readonly VerificationKey[],
  ): VerificationKey | undefined {
    for (const key of keys) {
      if (verifySignature(prepared.spec, key.key, prepared.data, prepared.signature)) {
        return remember(prepared, key);
      }
    }
    return undefined;
  }

  /** For tokens without `kid`, the key that verified the last one is tried first next time. */
  function remember(prepared: PreparedToken, key: VerificationKey): VerificationKey {
    if (prepared.kid === undefined) store.preferForAlgorithm(prepared.spec.name, key);
    return key;
  }

  function keyNotFound(prepared: PreparedToken): PicketValidationError {
    const which =
      prepared.kid === undefined
        ? `for ${prepared.spec.name}`
        : `with kid ${JSON.stringify(prepared.kid.slice(0, 64))}`;
    return new PicketValidationError("ERR_KEY_NOT_FOUND", `No key ${which} in the key set`);
  }

  function signatureInvalid(): PicketValidationError {
    return new PicketValidationError("ERR_SIGNATURE_INVALID", "The token's signature is invalid");
  }

  /** The checks after the signature: claims, then requirements. Caches the verified claims. */
  function accept(
    token: string,
    prepared: PreparedToken,
    key: VerificationKey,
    requirements: NormalizedRequirements,
  ): PicketAccessToken {
    checkIssuerAndAudience(prepared.claims, expectations);
    const exp = checkTimes(prepared.claims, clock(), expectations);
    const entry: CachedToken = { claims: normalizeClaims(prepared.claims, exp), key };
    tokenCache?.set(token, entry);
    enforce(entry, requirements);
    return entry.claims;
  }

  function validateSync(token: string, perCall?: Requirements): PicketAccessToken {
    const requirements = requirementsFor(perCall);
    const checked = requireTokenString(token);
    const cached = fromCache(checked, requirements);
    if (cached !== undefined) return cached;
    const prepared = prepare(checked);
    const keys = store.peek(prepared.kid, prepared.spec.name);
    if (keys === undefined || keys.length === 0) throw keyNotFound(prepared);
    const key = verifySync(prepared, keys);
    if (key === undefined) throw signatureInvalid();
    return accept(checked, prepared, key, requirements);
  }

  function validate(token: string, perCall?: Requirements): Promise<PicketAccessToken> {
    // A lone call verifies on this thread, where it is cheapest; calls made in one burst, or while
    // others are on the thread pool, go to the pool too, so that overlapping calls use every core.
    if (burst === 0) queueMicrotask(endBurst);
    burst += 1;
    try {
      const requirements = requirementsFor(perCall);
      const checked = requireTokenString(token);
      const cached = fromCache(checked, requirements);
      if (cached !== undefined) return Promise.resolve(cached);
      const prepared = prepare(checked);
      const keys = store.peek(prepared.kid, prepared.spec.name);
      const alone = burst === 1 && offThread === 0;
      if (alone && keys !== undefined && keys.length > 0) {
        const key = verifySync(prepared, keys);
        if (key !== undefined) return Promise.resolve(accept(checked, prepared, key, requirements));
        if (prepared.kid !== undefined) throw signatureInvalid();
      }
      return finish(checked, prepared, keys, requirements, alone);
    } catch (error) {
      return Promise.reject(error);
    }
  }

  /** The rest of `validate` where it must wait: for keys, for a refetch, or for the thread pool. */
  async function finish(
    token: string,
    prepared: PreparedToken,
    peeked: readonly VerificationKey[] | undefined,
    requirements: NormalizedRequirements,
    triedHere: boolean,
  ): Promise<PicketAccessToken> {
    let keys = peeked;
    if (keys === undefined) {
      await store.ensureLoaded();
      keys = store.peek(prepared.kid, prepared.spec.name) ?? [];
    }
    if (keys.length === 0 && (await store.refetchForUnknownKey(prepared.kid))) {
      keys = store.peek(prepared.kid, prepared.spec.name) ?? [];
    }
    if (keys.length === 0) throw keyNotFound(prepared);
    let key = triedHere && keys === peeked ? undefined : await verifyOffThread(prepared, keys);
    // Tokens without `kid` cannot name a new key: a failure may mean the keys were rotated.
    if (key === undefined && prepared.kid === undefined) {
      const before = keys;
      if (await store.refetchForUnknownKey(undefined)) {
        keys = store.peek(undefined, prepared.spec.name) ?? [];
        if (keys !== before) key = verifySync(prepared, keys);
      }
    }
    if (key === undefined) throw signatureInvalid();
    return accept(token, prepared, key, requirements);
  }

  async function verifyOffThread(
    prepared: PreparedToken,
    keys: readonly VerificationKey[],
  ): Promise<VerificationKey | undefined> {
    offThread += 1;
    try {
      for (const key of keys) {
        if (await verifySignatureAsync(prepared.spec, key.key, prepared.data, prepared.signature)) {
          return remember(prepared, key);
        }
      }
      return undefined;
    } finally {
      offThread -= 1;
    }
  }

  return {
    validate,
    validateSync,
    ready: () => store.ensureLoaded(),
    refresh: () => store.refresh(),
    decodeUnverified,
  };
}
