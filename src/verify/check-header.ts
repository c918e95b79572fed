import { PicketValidationError } from "../errors.js";
import type { AlgorithmSpec } from "../platform/algorithms.js";

const EMBEDDED_KEY_MEMBERS = ["jwk", "jku", "x5u", "x5c"] as const;

/**
 * Checks the protected header before any key is touched: `alg` must be allowed, `crit` and
 * `b64: false` are refused, and embedded keys or key URLs are refused rather than trusted.
 * Returns the algorithm to verify with.
 */
export function checkHeader(
  header: Record<string, unknown>,
  allowed: ReadonlyMap<string, AlgorithmSpec>,
): AlgorithmSpec {
  const alg = header.alg;
  const spec = typeof alg === "string" ? allowed.get(alg) : undefined;
  if (spec === undefined) {
    const shown = typeof alg === "string" ? JSON.stringify(alg.slice(0, 32)) : "missing";
    throw new PicketValidationError(
      "ERR_ALG_NOT_ALLOWED",
      `The token's alg ${shown} is not allowed`,
      { header: "alg" },
    );
  }
  if (header.crit !== undefined) {
    throw new PicketValidationError("ERR_ALG_NOT_ALLOWED", 'The "crit" header is not supported', {
      header: "crit",
    });
  }
  if (header.b64 !== undefined && header.b64 !== true) {
    throw new PicketValidationError(
      "ERR_ALG_NOT_ALLOWED",
      'Unencoded payloads ("b64") are not supported',
      { header: "b64" },
    );
  }
  for (const member of EMBEDDED_KEY_MEMBERS) {
    if (header[member] !== undefined) {
      throw new PicketValidationError(
        "ERR_ALG_NOT_ALLOWED",
        `The "${member}" header is refused: keys come only from the configured key set`,
        { header: member },
      );
    }
  }
  if (header.kid !== undefined && typeof header.kid !== "string") {
    throw new PicketValidationError(
      "ERR_TOKEN_MALFORMED",
      'Malformed token: "kid" is not a string',
      { header: "kid" },
    );
  }
  return spec;
}
