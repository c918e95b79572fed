import { randomBytes } from "node:crypto";
import { addressKey } from "../requirements/same-address.js";

/** How long a nonce may be signed and used, as Picket's: two minutes. */
const NONCE_TTL_MS = 120_000;
/** Wallets with a pending nonce, at most: the oldest is forgotten past it. */
const MAX_PENDING = 10_000;

/** Why {@link NonceBook.take} found no usable nonce. */
export type NonceRefusal = "none" | "expired";

interface Pending {
  nonce: string;
  expiresAt: number;
}

/**
 * The login nonces of one project: one per chain and wallet (a new one replaces the old), valid
 * for {@link NONCE_TTL_MS}, taken at most once.
 */
export class NonceBook {
  readonly #clock: () => number;
  readonly #pending = new Map<string, Pending>();

  /** `clock` gives the current time in milliseconds. */
  constructor(clock: () => number) {
    this.#clock = clock;
  }

  /** A fresh nonce for the wallet. */
  issue(chain: string, wallet: string): string {
    const key = walletKey(chain, wallet);
    const nonce = randomBytes(16).toString("hex");
    this.#pending.delete(key);
    this.#pending.set(key, { nonce, expiresAt: this.#clock() + NONCE_TTL_MS });
    if (this.#pending.size > MAX_PENDING) {
      const oldest = this.#pending.keys().next().value as string;
      this.#pending.delete(oldest);
    }
    return nonce;
  }

  /** The wallet's pending nonce, without using it up; or why there is none to use. */
  peek(chain: string, wallet: string): { nonce: string } | { refused: NonceRefusal } {
    const pending = this.#pending.get(walletKey(chain, wallet));
    if (pending === undefined) return { refused: "none" };
    return this.#clock() >= pending.expiresAt ? { refused: "expired" } : { nonce: pending.nonce };
  }

  /** Uses the wallet's nonce up. */
  take(chain: string, wallet: string): void {
    this.#pending.delete(walletKey(chain, wallet));
  }
}

function walletKey(chain: string, wallet: string): string {
  return `${chain}\n${addressKey(wallet)}`;
}
