import { KeyObject } from "node:crypto";
import type { JWK } from "jose";
import { importJWK } from "jose/key/import";
import { PicketValidationError } from "../errors.js";
import { type AlgorithmSpec, keyFitsAlgorithm } from "../verify/algorithms.js";
import { isSmallOrderOkpKey } from "./weak-okp-key.js";
import { isWeakRsaKey } from "./weak-rsa-key.js";

/** A public key ready for `node:crypto`, with the algorithms it may verify. */
export interface VerificationKey {
  kid: string | undefined;
  key: KeyObject;
  algorithms: ReadonlySet<string>;
}

/** The usable keys of a JWKS, and how many entries were ignored. */
export interface ImportedKeySet {
  keys: VerificationKey[];
  ignored: number;
}

const PRIVATE_MEMBERS = ["d", "p", "q", "dp", "dq", "qi", "oth", "k"] as const;
const MIN_RSA_BITS = 2048;

/**
 * Imports the verification keys of a JWKS with jose, ignoring every entry that cannot verify one
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
    const key = await importEntry(entry, algorithms);
    if (key !== undefined) keys.push(key);
  }
  return { keys, ignored: entries.length - keys.length };
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

async function importEntry(
  entry: unknown,
  algorithms: readonly AlgorithmSpec[],
): Promise<VerificationKey | undefined> {
  if (typeof entry !== "object" || entry === null) return undefined;
  const jwk = entry as Record<string, unknown>;
  const fitting = fittingAlgorithms(jwk, algorithms);
  const first = fitting[0];
  if (first === undefined) return undefined;
  let key: KeyObject;
  try {
    const imported = await importJWK(publicMembers(jwk), first.name);
    if (imported instanceof Uint8Array) return undefined;
    key = KeyObject.from(imported);
  } catch {
    return undefined;
  }
  if (key.type !== "public") return undefined;
  const bits = key.asymmetricKeyDetails?.modulusLength;
  if (first.kty === "RSA") {
    if (bits === undefined || bits < MIN_RSA_BITS) return undefined;
    if (isWeakRsaKey(key, jwk.n as string)) return undefined;
  }
  if (first.kty === "OKP" && isSmallOrderOkpKey(key)) return undefined;
  return {
    kid: jwk.kid as string | undefined,
    key,
    algorithms: new Set(fitting.map((spec) => spec.name)),
  };
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
