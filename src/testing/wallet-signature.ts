import { decodeBase58 } from "./base58.js";
import { noble } from "./load-noble.js";

// How wallets sign the login message: EVM wallets with `personal_sign` (EIP-191 over secp256k1,
// keccak-256), Solana wallets with ed25519 over the message bytes. Signing lives in
// test-wallet.ts; this module holds what both the wallet and the stand-in's check need.

const utf8 = new TextEncoder();
const EVM_SIGNATURE = /^0x[0-9a-fA-F]{130}$/;
const MAX_SOLANA_TEXT = 100;

/** The digest `personal_sign` signs: keccak-256 of the EIP-191 prefix, the length and the text. */
export function personalSignDigest(message: string): Uint8Array {
  const body = utf8.encode(message);
  const prefix = utf8.encode(`\x19Ethereum Signed Message:\n${body.length}`);
  const joined = new Uint8Array(prefix.length + body.length);
  joined.set(prefix);
  joined.set(body, prefix.length);
  return noble("personalSignDigest").keccak256(joined);
}

/** The EIP-55 checksummed address of an uncompressed secp256k1 public key (65 bytes). */
export function evmAddressOf(publicKey: Uint8Array): string {
  const hash = noble("evmAddressOf").keccak256(publicKey.subarray(1));
  return checksumAddress(toHex(hash.subarray(12)));
}

/** `0x` and the 40 hex digits of `hex`, each letter upper-case where EIP-55 says so. */
export function checksumAddress(hex: string): string {
  const lower = hex.toLowerCase();
  const hash = toHex(noble("checksumAddress").keccak256(utf8.encode(lower)));
  let address = "0x";
  for (let index = 0; index < lower.length; index++) {
    const character = lower[index] as string;
    address +=
      Number.parseInt(hash[index] as string, 16) >= 8 ? character.toUpperCase() : character;
  }
  return address;
}

/**
 * The checksummed address whose key made `signature` (65 bytes hex, `r ‖ s ‖ v`, v 27/28 or 0/1)
 * over `message` with `personal_sign`; `undefined` when it is not such a signature.
 */
export function recoverEvmSigner(message: string, signature: string): string | undefined {
  if (!EVM_SIGNATURE.test(signature)) return undefined;
  const bytes = fromHex(signature.slice(2));
  const v = bytes[64] as number;
  const recovery = v >= 27 ? v - 27 : v;
  if (recovery !== 0 && recovery !== 1) return undefined;
  const { secp256k1 } = noble("recoverEvmSigner");
  // noble's "recovered" form puts the recovery bit first.
  const recovered = new Uint8Array(65);
  recovered[0] = recovery;
  recovered.set(bytes.subarray(0, 64), 1);
  try {
    const compressed = secp256k1.recoverPublicKey(recovered, personalSignDigest(message), {
      prehash: false,
    });
    return evmAddressOf(secp256k1.Point.fromBytes(compressed).toBytes(false));
  } catch {
    return undefined;
  }
}

/** Whether `signature` (base58) is `address`'s (base58 ed25519 key) over the message bytes. */
export function verifySolanaSignature(
  message: string,
  signature: string,
  address: string,
): boolean {
  if (signature.length > MAX_SOLANA_TEXT || address.length > MAX_SOLANA_TEXT) return false;
  const signatureBytes = decodeBase58(signature);
  const publicKey = decodeBase58(address);
  if (signatureBytes?.length !== 64 || publicKey?.length !== 32) return false;
  try {
    return noble("verifySolanaSignature").ed25519.verify(
      signatureBytes,
      utf8.encode(message),
      publicKey,
    );
  } catch {
    return false;
  }
}

/** Bytes as lower-case hex, without `0x`. */
export function toHex(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString("hex");
}

function fromHex(hex: string): Uint8Array {
  return Uint8Array.from(Buffer.from(hex, "hex"));
}
