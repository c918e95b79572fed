import { createHash, randomBytes } from "node:crypto";
import { refuseUnknownKeys } from "../shared/strict-keys.js";
import { encodeBase58 } from "./base58.js";
import { noble } from "./load-noble.js";
import { evmAddressOf, personalSignDigest, toHex } from "./wallet-signature.js";

/** The chains a {@link TestWallet} signs for. */
export type TestWalletChain = "ethereum" | "solana";

/** Options of {@link testWallet}. */
export interface TestWalletOptions {
  /**
   * Derives the key from this text, so that the same seed gives the same wallet in every run.
   * @default a fresh random key
   */
  seed?: string;
}

/** A wallet with a real key, which signs login messages as a browser wallet would. */
export interface TestWallet {
  /** `"ethereum"` (any EVM chain) or `"solana"`. */
  readonly chain: TestWalletChain;
  /** The EIP-55 checksummed `0x` address, or the base58 Solana address. */
  readonly address: string;
  /**
   * Signs `message`: `personal_sign` (EIP-191, secp256k1) as 65 bytes `0x` hex on Ethereum,
   * ed25519 over the message bytes as base58 on Solana.
   */
  signMessage(message: string): string;
}

const KNOWN_OPTIONS = ["seed"];

/**
 * Creates a wallet with a real key pair, to log in to Picket (or its stand-in, `servePicket`)
 * in tests. Needs the optional peer dependencies `@noble/curves` and `@noble/hashes`.
 *
 * @example
 * ```ts
 * import { createSigningMessage, testWallet } from "picket-validate/testing";
 *
 * const wallet = testWallet("ethereum", { seed: "alice" });
 * const { nonce, statement } = await picket.nonce({ chain: "ethereum", walletAddress: wallet.address });
 * const signature = wallet.signMessage(
 *   createSigningMessage({ format: "simple", statement, walletAddress: wallet.address, nonce }),
 * );
 * ```
 */
export function testWallet(chain: TestWalletChain, options: TestWalletOptions = {}): TestWallet {
  if (chain !== "ethereum" && chain !== "solana") {
    throw new TypeError(`testWallet: chain must be "ethereum" or "solana", not ${String(chain)}`);
  }
  if (typeof options !== "object" || options === null) {
    throw new TypeError("testWallet: options must be an object");
  }
  refuseUnknownKeys(options, KNOWN_OPTIONS, "testWallet");
  if (options.seed !== undefined && typeof options.seed !== "string") {
    throw new TypeError("testWallet: options.seed must be a string");
  }
  return chain === "ethereum" ? ethereumWallet(options.seed) : solanaWallet(options.seed);
}

function ethereumWallet(seed: string | undefined): TestWallet {
  const { secp256k1 } = noble("testWallet");
  let secretKey = secretFrom("ethereum", seed);
  // A hash outside the curve's order is astronomically rare; hashing again stays deterministic.
  for (let round = 0; !secp256k1.utils.isValidSecretKey(secretKey) && round < 8; round++) {
    secretKey = Uint8Array.from(createHash("sha256").update(secretKey).digest());
  }
  const address = evmAddressOf(secp256k1.getPublicKey(secretKey, false));
  return {
    chain: "ethereum",
    address,
    signMessage(message) {
      const signed = secp256k1.sign(personalSignDigest(textOf(message)), secretKey, {
        prehash: false,
        format: "recovered",
      });
      // noble puts the recovery bit first; Ethereum wants r ‖ s ‖ v with v = 27 + recovery.
      return `0x${toHex(signed.subarray(1))}${toHex(Uint8Array.of(27 + (signed[0] as number)))}`;
    },
  };
}

function solanaWallet(seed: string | undefined): TestWallet {
  const { ed25519 } = noble("testWallet");
  const secretKey = secretFrom("solana", seed);
  return {
    chain: "solana",
    address: encodeBase58(ed25519.getPublicKey(secretKey)),
    signMessage(message) {
      return encodeBase58(ed25519.sign(new TextEncoder().encode(textOf(message)), secretKey));
    },
  };
}

function secretFrom(chain: TestWalletChain, seed: string | undefined): Uint8Array {
  if (seed === undefined) return Uint8Array.from(randomBytes(32));
  return Uint8Array.from(createHash("sha256").update(`test wallet ${chain} ${seed}`).digest());
}

function textOf(message: unknown): string {
  if (typeof message !== "string") {
    throw new TypeError("testWallet: signMessage(message) takes the message text as a string");
  }
  return message;
}
