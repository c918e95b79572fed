import { createRequire } from "node:module";
import type { ed25519 } from "@noble/curves/ed25519.js";
import type { secp256k1 } from "@noble/curves/secp256k1.js";
import type { keccak_256 } from "@noble/hashes/sha3.js";

/** The curves and the hash that wallet signatures need. */
export interface Noble {
  secp256k1: typeof secp256k1;
  ed25519: typeof ed25519;
  keccak256: typeof keccak_256;
}

const INSTALL = "npm i -D @noble/curves @noble/hashes";
let loaded: Noble | undefined;

/**
 * The noble primitives, loaded on first use, or a `TypeError` naming `owner` and the install
 * command when the optional peer dependencies `@noble/curves` and `@noble/hashes` are missing.
 * They are loaded with `require()` (ES modules without top-level await, which Node >= 20.19
 * loads synchronously) so that `testWallet` stays synchronous, and so that importing
 * `picket-validate/testing` (for `createTestIssuer` alone) neither needs them nor uses top-level
 * await, which would keep CommonJS code from `require()`-ing it.
 */
export function noble(owner: string): Noble {
  if (loaded !== undefined) return loaded;
  const requireNoble = createRequire(import.meta.url);
  try {
    loaded = {
      secp256k1: requireNoble("@noble/curves/secp256k1.js").secp256k1,
      ed25519: requireNoble("@noble/curves/ed25519.js").ed25519,
      keccak256: requireNoble("@noble/hashes/sha3.js").keccak_256,
    };
  } catch (error) {
    throw new TypeError(
      `${owner} needs the optional peer dependencies @noble/curves and @noble/hashes (>= 2): ${INSTALL}`,
      { cause: error },
    );
  }
  return loaded;
}
