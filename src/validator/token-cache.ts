import { LRUCache } from "lru-cache";
import type { VerificationKey } from "../jwks/import-key-set.js";
import type { PicketAccessToken } from "../types.js";
import { type ClaimExpectations, checkTimes } from "../verify/check-claims.js";

/** A verified token: its frozen claims and the key that verified it. */
export interface CachedToken {
  claims: PicketAccessToken;
  key: VerificationKey;
}

interface Entry {
  token: string;
  cached: CachedToken;
}

/**
 * The verified-token cache for repeated tokens. Entries are found by a number taken from the
 * token's signature (so that a new token's lookup never hashes its whole text) and held to the
 * exact token string (a collision is a miss, never another token's verdict). A hit is only
 * as good as its token and key: every lookup re-checks the time claims against `now` (an entry
 * never outlives `exp`, whether or not the token has `iat`) and that the key is still current,
 * and drops the entry otherwise.
 */
export class TokenCache {
  readonly #entries: LRUCache<number, Entry>;
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
    const mark = fingerprint(token);
    const found = this.#entries.get(mark);
    if (found === undefined || found.token !== token) return undefined;
    const entry = found.cached;
    if (!this.#keyIsCurrent(entry.key)) {
      this.#entries.delete(mark);
      return undefined;
    }
    try {
      checkTimes(entry.claims, nowMs, this.#expectations);
    } catch (error) {
      this.#entries.delete(mark);
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
      this.#entries.set(mark, { token, cached: entry });
      return;
    }
    if (this.#seen.size >= this.#max) this.#seen.clear();
    this.#seen.add(mark);
  }
}

/**
 * A 31-bit mark of a token, from the last characters of its signature (random for ECDSA). A
 * collision costs a miss or an early insertion, never a wrong verdict: entries hold their token.
 */
function fingerprint(token: string): number {
  let hash = token.length;
  for (let i = Math.max(0, token.length - 16); i < token.length; i += 1) {
    hash = (Math.imul(hash, 31) + token.charCodeAt(i)) | 0;
  }
  return hash & 0x7fffffff;
}
