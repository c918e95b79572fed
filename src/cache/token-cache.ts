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
  readonly #seen = new Set<number>();
  readonly #max: number;
  readonly #keyIsCurrent: (key: VerificationKey) => boolean;
  readonly #expectations: ClaimExpectations;

  constructor(
    max: number,
    keyIsCurrent: (key: VerificationKey) => boolean,
    expectations: ClaimExpectations,
  ) {
    this.#entries = new LRUCache({ max });
    this.#max = max;
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

  /**
   * Remembers a token that has just passed every check up to its requirements, on its second
   * sight: a token seen once is only marked, so that a stream of new tokens does not pay for
   * cache entries (and their garbage) that no repeat would ever read.
   */
  set(token: string, entry: CachedToken): void {
    const mark = fingerprint(token);
    if (this.#seen.has(mark)) {
      this.#entries.set(token, entry);
      return;
    }
    if (this.#seen.size >= this.#max) this.#seen.clear();
    this.#seen.add(mark);
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

/**
 * A 31-bit mark of a token, from the last characters of its signature (random for ECDSA). A
 * collision only caches a token on its first sight: the entry itself is keyed by the whole token.
 */
function fingerprint(token: string): number {
  let hash = token.length;
  for (let i = Math.max(0, token.length - 16); i < token.length; i += 1) {
    hash = (Math.imul(hash, 31) + token.charCodeAt(i)) | 0;
  }
  return hash & 0x7fffffff;
}
