/** How one asymmetric JWS algorithm is verified with `node:crypto`, and which keys fit it. */
export interface AlgorithmSpec {
  name: string;
  /** Digest for `crypto.verify`; `undefined` for EdDSA, which hashes internally. */
  hash: string | undefined;
  kty: "EC" | "RSA" | "OKP";
  /** Required `crv` for EC and OKP keys. */
  crv?: string;
  /** Exact signature length in bytes, where the algorithm fixes it (ECDSA in P1363 form, Ed25519). */
  signatureLength?: number;
  /** RSA-PSS rather than PKCS#1 v1.5. */
  pss?: boolean;
}

const SPECS: readonly AlgorithmSpec[] = [
  { name: "ES256", hash: "sha256", kty: "EC", crv: "P-256", signatureLength: 64 },
  { name: "ES384", hash: "sha384", kty: "EC", crv: "P-384", signatureLength: 96 },
  { name: "ES512", hash: "sha512", kty: "EC", crv: "P-521", signatureLength: 132 },
  { name: "RS256", hash: "sha256", kty: "RSA" },
  { name: "RS384", hash: "sha384", kty: "RSA" },
  { name: "RS512", hash: "sha512", kty: "RSA" },
  { name: "PS256", hash: "sha256", kty: "RSA", pss: true },
  { name: "PS384", hash: "sha384", kty: "RSA", pss: true },
  { name: "PS512", hash: "sha512", kty: "RSA", pss: true },
  { name: "EdDSA", hash: undefined, kty: "OKP", crv: "Ed25519", signatureLength: 64 },
  { name: "Ed25519", hash: undefined, kty: "OKP", crv: "Ed25519", signatureLength: 64 },
];

/** The asymmetric algorithms this library can verify, by JWS name. */
export const SUPPORTED_ALGORITHMS: ReadonlyMap<string, AlgorithmSpec> = new Map(
  SPECS.map((spec) => [spec.name, spec]),
);

/** Whether a JWK's `kty` and `crv` fit an algorithm. */
export function keyFitsAlgorithm(
  jwk: { kty?: unknown; crv?: unknown },
  spec: AlgorithmSpec,
): boolean {
  if (jwk.kty !== spec.kty) return false;
  return spec.crv === undefined || jwk.crv === spec.crv;
}
