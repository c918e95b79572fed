import { platform } from "#platform";
import type { AlgorithmSpec } from "../platform/algorithms.js";
import type { PlatformKey } from "../platform/platform.js";

/** A key that may verify a token; the verifier returns the one that did. */
export interface CandidateKey {
  key: PlatformKey;
}

/** What the signature covers and the signature itself. */
export interface SignedToken {
  spec: AlgorithmSpec;
  signingInput: Uint8Array;
  signature: Uint8Array;
}

interface Job<K extends CandidateKey> {
  token: SignedToken;
  keys: readonly K[];
  resolve: (winner: K | undefined) => void;
}

/**
 * Tries candidate keys against a signature and returns the one that verifies. A lone call
 * verifies on this thread, where it is cheapest (and settles before the event loop turns): the
 * first call of a synchronous run is held until the run ends. A second call in the same run, or a
 * call while others are on the thread pool, sends itself and any held call to the pool at once,
 * so that overlapping calls use every core and the pool starts while this thread is still busy.
 */
export class SignatureVerifier {
  #held: Job<CandidateKey> | undefined;
  #onPool = 0;

  /** Whether this runtime can verify synchronously (Node, Bun, Deno; not Web Crypto). */
  get synchronous(): boolean {
    return platform.verifySync !== undefined;
  }

  /** Verifies on this thread; `undefined` when no key verifies. Only where {@link synchronous}. */
  verifyHere<K extends CandidateKey>(token: SignedToken, keys: readonly K[]): K | undefined {
    const verify = platform.verifySync;
    if (verify === undefined || !lengthFits(token)) return undefined;
    for (const key of keys) {
      if (verify(token.spec, key.key, token.signingInput, token.signature)) return key;
    }
    return undefined;
  }

  /** Verifies here or on the thread pool, as the calls around it decide. */
  verify<K extends CandidateKey>(token: SignedToken, keys: readonly K[]): Promise<K | undefined> {
    if (this.#onPool > 0 || !this.synchronous) return this.verifyOnPool(token, keys);
    const held = this.#held;
    if (held !== undefined) {
      this.#held = undefined;
      this.verifyOnPool(held.token, held.keys).then(held.resolve);
      return this.verifyOnPool(token, keys);
    }
    return new Promise((resolve) => {
      this.#held = { token, keys, resolve } as Job<CandidateKey>;
      queueMicrotask(() => this.#verifyHeld());
    });
  }

  /** The end of a synchronous run: a call still held was alone. */
  #verifyHeld(): void {
    const held = this.#held;
    if (held === undefined) return;
    this.#held = undefined;
    held.resolve(this.verifyHere(held.token, held.keys));
  }

  /** Verifies off this thread where the runtime can (Node's thread pool); counted as busy meanwhile. */
  async verifyOnPool<K extends CandidateKey>(
    token: SignedToken,
    keys: readonly K[],
  ): Promise<K | undefined> {
    if (!lengthFits(token)) return undefined;
    this.#onPool += 1;
    try {
      for (const key of keys) {
        if (await platform.verifyAsync(token.spec, key.key, token.signingInput, token.signature)) {
          return key;
        }
      }
      return undefined;
    } finally {
      this.#onPool -= 1;
    }
  }
}

/** Whether the signature's length is possible for the algorithm (DER-encoded ECDSA is not). */
function lengthFits(token: SignedToken): boolean {
  const expected = token.spec.signatureLength;
  return expected === undefined || token.signature.length === expected;
}
