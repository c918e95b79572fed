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

// Loaded once, when `picket-validate/testing` is imported: the wallet and the stand-in need them
// synchronously, and users of createTestIssuer alone need not install them, so a missing package
// is remembered here and reported only by what needs it.
const loaded: Noble | Error = await Promise.all([
  import("@noble/curves/secp256k1.js"),
  import("@noble/curves/ed25519.js"),
  import("@noble/hashes/sha3.js"),
]).then(
  ([curve, edwards, sha3]) => ({
    secp256k1: curve.secp256k1,
    ed25519: edwards.ed25519,
    keccak256: sha3.keccak_256,
  }),
  (error: unknown) => (error instanceof Error ? error : new Error(String(error))),
);

/**
 * The noble primitives, or a `TypeError` naming `owner` and the install command when the optional
 * peer dependencies `@noble/curves` and `@noble/hashes` are not installed.
 */
export function noble(owner: string): Noble {
  if (!(loaded instanceof Error)) return loaded;
  throw new TypeError(
    `${owner} needs the optional peer dependencies @noble/curves and @noble/hashes (>= 2): ${INSTALL}`,
    { cause: loaded },
  );
}
