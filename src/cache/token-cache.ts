import { LRUCache } from "lru-cache";
import type { VerificationKey } from "../jwks/import-key-set.js";
import { evaluateRequirements } from "../requirements/check-requirements.js";
import type { NormalizedRequirements } from "../requirements/normalize-requirements.js";
import type { PicketAccessToken, RequirementsResult } from "../types.js";
import { type ClaimExpectations, checkTimes } from "../verify/check-claims.js";

/** A verified token: its frozen claims, the key that verified it, its last requirements verdict. */
export interface CachedToken {
  claims: PicketAccessToken;
  key: VerificationKey;
  /** The last requirements checked against this token, and their verdict: claims never change. */
  checked?: { requirements: NormalizedRequirements; result: RequirementsResult };
}

/**
 * The verified-token cache for repeated tokens, keyed by the exact token string. A hit is only
 * as good as its token and key: every lookup re-checks the time claims against `now` (an entry
 * never outlives `exp`, whether or not the token has `iat`) and that the key is still current,
 * and drops the entry otherwise.
 */
export class TokenCache {
  readonly #entries: LRUCache<string, CachedToken>;
  readonly #keyIsCurrent: (key: VerificationKey) => boolean;
  readonly #expectations: ClaimExpectations;

  constructor(
    max: number,
    keyIsCurrent: (key: VerificationKey) => boolean,
    expectations: ClaimExpectations,
  ) {
    this.#entries = new LRUCache({ max });
    this.#keyIsCurrent = keyIsCurrent;
    this.#expectations = expectations;
  }

  /**
   * The entry of a token verified before, if its key is still current; throws the time claims'
   * error (and forgets the token) when it has expired since.
   */
  get(token: string, nowMs: number): CachedToken | undefined {
    const entry = this.#entries.get(token);
    if (entry === undefined) return undefined;
    if (!this.#keyIsCurrent(entry.key)) {
      this.#entries.delete(token);
      return undefined;
    }
    try {
      checkTimes(entry.claims, nowMs, this.#expectations);
    } catch (error) {
      this.#entries.delete(token);
      throw error;
    }
    return entry;
  }

  /** Remembers a token that has just passed every check up to its requirements. */
  set(token: string, entry: CachedToken): void {
    this.#entries.set(token, entry);
  }
}

/**
 * The requirements verdict for a verified token, remembered on its entry: a token's claims never
 * change, so a route that checks the same requirements again gets the verdict for free.
 */
export function verdictFor(
  entry: CachedToken,
  requirements: NormalizedRequirements,
): RequirementsResult {
  if (entry.checked?.requirements === requirements) return entry.checked.result;
  const result = evaluateRequirements(entry.claims, requirements);
  entry.checked = { requirements, result };
  return result;
}
