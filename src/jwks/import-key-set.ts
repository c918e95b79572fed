import type { JWK } from "jose";
import { platform } from "#platform";
import { PicketValidationError } from "../errors.js";
import { type AlgorithmSpec, keyFitsAlgorithm } from "../platform/algorithms.js";
import type { PlatformKey } from "../platform/platform.js";
import { isCanonicalBase64Url } from "../verify/base64url.js";

/** A public key in the runtime's form, with the algorithms it may verify. */
export interface VerificationKey {
  kid: string | undefined;
  key: PlatformKey;
  algorithms: ReadonlySet<string>;
}

/** The usable keys of a JWKS, and how many entries were ignored. */
export interface ImportedKeySet {
  keys: VerificationKey[];
  ignored: number;
}

const PRIVATE_MEMBERS = ["d", "p", "q", "dp", "dq", "qi", "oth", "k"] as const;

/**
 * Imports the verification keys of a JWKS (with `node:crypto` on Node, jose and Web Crypto
 * elsewhere), ignoring every entry that cannot verify one
 * of the allowed algorithms: `use` other than `sig`, `key_ops` without `verify`, private or
 * symmetric material, a `kty`/`crv` or `alg` that fits no allowed algorithm, a point off the
 * curve, an RSA modulus under 2048 bits, an RSA exponent that is even or below 3, a ROCA-weak
 * modulus, an Ed25519 point of small order. Keeps at most `maxKeys` keys.
 */
export async function importKeySet(
  jwks: unknown,
  algorithms: readonly AlgorithmSpec[],
  maxKeys: number,
): Promise<ImportedKeySet> {
  const entries = keyEntries(jwks);
  const keys: VerificationKey[] = [];
  for (const entry of entries) {
    if (keys.length >= maxKeys) break;
    const candidate = candidateOf(entry, algorithms);
    if (candidate === undefined) continue;
    const key = await platform.importKey(candidate.jwk, candidate.first);
    if (key !== undefined) keys.push(candidate.toKey(key));
  }
  return { keys, ignored: entries.length - keys.length };
}

/**
 * {@link importKeySet}, synchronously, where the runtime imports keys synchronously (Node);
 * `undefined` elsewhere.
 */
export function importKeySetSync(
  jwks: unknown,
  algorithms: readonly AlgorithmSpec[],
  maxKeys: number,
): ImportedKeySet | undefined {
  const importSync = platform.importKeySync;
  if (importSync === undefined) return undefined;
  const entries = keyEntries(jwks);
  const keys: VerificationKey[] = [];
  for (const entry of entries) {
    if (keys.length >= maxKeys) break;
    const candidate = candidateOf(entry, algorithms);
    const key = candidate === undefined ? undefined : importSync(candidate.jwk, candidate.first);
    if (candidate !== undefined && key !== undefined) keys.push(candidate.toKey(key));
  }
  return { keys, ignored: entries.length - keys.length };
}

interface Candidate {
  jwk: JWK;
  first: AlgorithmSpec;
  toKey(key: PlatformKey): VerificationKey;
}

/** The public members of a usable entry and the first algorithm it fits; `undefined` when unusable. */
function candidateOf(entry: unknown, algorithms: readonly AlgorithmSpec[]): Candidate | undefined {
  if (typeof entry !== "object" || entry === null) return undefined;
  const jwk = entry as Record<string, unknown>;
  const fitting = fittingAlgorithms(jwk, algorithms);
  const first = fitting[0];
  if (first === undefined) return undefined;
  if (first.kty === "RSA" && isWeakRsaKey(jwk.n, jwk.e)) return undefined;
  if (first.kty === "OKP" && isSmallOrderOkpKey(jwk)) return undefined;
  return {
    jwk: publicMembers(jwk),
    first,
    toKey: (key) => ({
      kid: jwk.kid as string | undefined,
      key,
      algorithms: new Set(fitting.map((spec) => spec.name)),
    }),
  };
}

function keyEntries(jwks: unknown): unknown[] {
  if (
    typeof jwks !== "object" ||
    jwks === null ||
    !Array.isArray((jwks as { keys?: unknown }).keys)
  ) {
    throw new PicketValidationError(
      "ERR_JWKS_INVALID",
      'The key set is not a JWKS: no "keys" array',
    );
  }
  return (jwks as { keys: unknown[] }).keys;
}

function fittingAlgorithms(
  jwk: Record<string, unknown>,
  algorithms: readonly AlgorithmSpec[],
): AlgorithmSpec[] {
  if (jwk.kid !== undefined && typeof jwk.kid !== "string") return [];
  if (jwk.use !== undefined && jwk.use !== "sig") return [];
  if (
    jwk.key_ops !== undefined &&
    !(Array.isArray(jwk.key_ops) && jwk.key_ops.includes("verify"))
  ) {
    return [];
  }
  if (PRIVATE_MEMBERS.some((member) => jwk[member] !== undefined)) return [];
  return algorithms.filter(
    (spec) => keyFitsAlgorithm(jwk, spec) && (jwk.alg === undefined || jwk.alg === spec.name),
  );
}

/** Only the public parameters, so that `ext`, `key_ops` or stray members cannot change the import. */
function publicMembers(jwk: Record<string, unknown>): JWK {
  switch (jwk.kty) {
    case "EC":
      return { kty: "EC", crv: jwk.crv as string, x: jwk.x as string, y: jwk.y as string };
    case "RSA":
      return { kty: "RSA", n: jwk.n as string, e: jwk.e as string };
    default:
      return { kty: "OKP", crv: jwk.crv as string, x: jwk.x as string };
  }
}

// Small primes whose residues fingerprint RSA moduli made by the ROCA-flawed generator
// (CVE-2017-15361): such a modulus lies, modulo each prime, in the subgroup generated by 65537.
const ROCA_PRIMES = [
  3, 5, 7, 11, 13, 17, 19, 23, 29, 31, 37, 41, 43, 47, 53, 59, 61, 67, 71, 73, 79, 83, 89, 97, 101,
  103, 107, 109, 113, 127, 131, 137, 139, 149, 151, 157, 163, 167,
];

const ROCA_SUBGROUPS: ReadonlyMap<number, ReadonlySet<number>> = new Map(
  ROCA_PRIMES.map((prime) => {
    const members = new Set<number>();
    for (let power = 1; !members.has(power); power = (power * 65537) % prime) members.add(power);
    return [prime, members];
  }),
);

const MIN_RSA_BITS = 2048;

/**
 * Whether an RSA public key (its JWK `n` and `e`) is unfit to trust: a modulus under 2048 bits, a
 * public exponent that is even or below 3 (with e = 1 every message is its own signature), or a
 * modulus with the ROCA fingerprint, whose private key can be recovered. Read from the JWK itself,
 * so that every runtime applies the same rule.
 */
export function isWeakRsaKey(modulus: unknown, exponent: unknown): boolean {
  const n = unsignedInteger(modulus);
  const e = unsignedInteger(exponent);
  if (n === undefined || e === undefined) return true;
  if (n.toString(2).length < MIN_RSA_BITS) return true;
  if (e < 3n || e % 2n === 0n) return true;
  for (const [prime, members] of ROCA_SUBGROUPS) {
    if (!members.has(Number(n % BigInt(prime)))) return false;
  }
  return true;
}

/** A big-endian unsigned integer in base64url, as JWKs write `n` and `e`. */
function unsignedInteger(value: unknown): bigint | undefined {
  if (typeof value !== "string" || !isCanonicalBase64Url(value)) return undefined;
  let hex = "";
  for (const byte of platform.decodeBase64Url(value)) hex += byte.toString(16).padStart(2, "0");
  return BigInt(`0x${hex || "0"}`);
}

// The y-coordinates (32 bytes, little-endian) of Ed25519's eight small-order points, and the two
// non-canonical spellings (y >= p) that reduce to one of them. An encoding's top bit is the sign
// of x; it is ignored below, so each line covers both signs (as libsodium's blocklist does).
const SMALL_ORDER_Y: ReadonlySet<string> = new Set([
  "0000000000000000000000000000000000000000000000000000000000000000", // y = 0: order 4
  "0100000000000000000000000000000000000000000000000000000000000000", // y = 1: the identity
  "26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc05", // order 8
  "c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac037a", // order 8
  "ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f", // y = p - 1: order 2
  "edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f", // y = p, read as 0
  "eeffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f", // y = p + 1, read as 1
]);

const ED25519_KEY_BYTES = 32;

/**
 * Whether an OKP public key (its JWK) is a point of small order, under which one signature
 * verifies every message: with the identity as the key, `(R = identity, s = 0)` passes
 * `[s]B = R + [h]A` for any claims. Such a key is unfit to trust, as an RSA key with e = 1 is.
 * Only Ed25519 keys can verify here (X25519 keys never sign, Ed448 is not an allowed algorithm),
 * so only Ed25519's small-order points are listed. An `x` that is not 32 bytes of canonical
 * base64url is unfit too. Read from the JWK itself, so that every runtime applies the same rule.
 */
export function isSmallOrderOkpKey(jwk: { crv?: unknown; x?: unknown }): boolean {
  if (jwk.crv !== "Ed25519") return false;
  if (typeof jwk.x !== "string" || !isCanonicalBase64Url(jwk.x)) return true;
  const point = platform.decodeBase64Url(jwk.x);
  if (point.length !== ED25519_KEY_BYTES) return true;
  point[ED25519_KEY_BYTES - 1] = (point[ED25519_KEY_BYTES - 1] as number) & 0x7f;
  let hex = "";
  for (const byte of point) hex += byte.toString(16).padStart(2, "0");
  return SMALL_ORDER_Y.has(hex);
}
