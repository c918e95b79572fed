import type { JWK } from "jose";
import { platform } from "#platform";
import { PicketValidationError } from "../errors.js";
import { type AlgorithmSpec, keyFitsAlgorithm } from "../platform/algorithms.js";
import type { PlatformKey } from "../platform/platform.js";
import { isSmallOrderOkpKey } from "./weak-okp-key.js";
import { isWeakRsaKey } from "./weak-rsa-key.js";

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
