import { expect } from "vitest";
import { type ErrorCode, isPicketValidationError } from "../../src/errors.js";
import type { KeyStore } from "../../src/jwks/key-store.js";
import { type AlgorithmSpec, SUPPORTED_ALGORITHMS } from "../../src/platform/algorithms.js";
import { checkHeader } from "../../src/verify/check-header.js";
import { decodeBase64UrlPart, decodeJsonObject, splitToken } from "../../src/verify/parse-token.js";
import { createPipeline } from "../helpers/pipeline.js";

/** What the signature layer made of a compact JWS. */
export type Verdict = { accepted: true } | { accepted: false; code: ErrorCode };

/** Every asymmetric algorithm the library can verify. */
export const ALL_ALGORITHMS: readonly string[] = [...SUPPORTED_ALGORITHMS.keys()];

function specsOf(algorithms: readonly string[]): Map<string, AlgorithmSpec> {
  return new Map(
    algorithms.map((name) => {
      const spec = SUPPORTED_ALGORITHMS.get(name);
      if (spec === undefined) throw new Error(`unknown algorithm ${name}`);
      return [name, spec];
    }),
  );
}

/**
 * Runs a compact JWS through the validator's own steps up to and including the signature, in
 * the validator's order (read-token.ts, then the key lookup, then the
 * signature), with the same functions: strict base64url parts, the header as a JSON object, the
 * header check, the key set loaded by the validator's {@link KeyStore} (which imports it with
 * import-key-set.ts) and looked up by `kid` (else every key fitting `alg`), and
 * the validator's `SignatureVerifier`. Only the payload's JSON is not parsed: the vectors sign `"foo"`, not claims.
 * The synchronous and the thread-pool verification must agree on every key.
 */
export async function verifyAtSignatureLayer(
  jws: unknown,
  jwks: unknown,
  algorithms: readonly string[],
): Promise<Verdict> {
  const allowed = specsOf(algorithms);
  try {
    if (typeof jws !== "string") {
      // JSON serialization: only the compact form is a token.
      return { accepted: false, code: "ERR_TOKEN_MALFORMED" };
    }
    const parts = splitToken(jws);
    const header = decodeJsonObject(parts.header, "header");
    decodeBase64UrlPart(parts.payload, "payload");
    const signature = decodeBase64UrlPart(parts.signature, "signature");
    const spec = checkHeader(header, allowed);
    // The validator's own key store and verifier, wired as a validator wires them.
    const { store, verifier } = createPipeline({
      projectId: "signature-layer",
      clock: () => 1_700_000_000_000,
      jwks,
      algorithms,
    });
    await store.ensureLoaded();
    const keys = store.peek(header.kid as string | undefined, spec.name) ?? [];
    if (keys.length === 0) return { accepted: false, code: "ERR_KEY_NOT_FOUND" };
    const signed = { spec, signingInput: Buffer.from(parts.signingInput, "latin1"), signature };
    let accepted = false;
    for (const key of keys) {
      const sync = verifier.verifyHere(signed, [key]) !== undefined;
      const offThread = (await verifier.verifyOnPool(signed, [key])) !== undefined;
      expect(offThread, "verifyHere and verifyOnPool disagree").toBe(sync);
      accepted ||= sync;
    }
    return accepted ? { accepted: true } : { accepted: false, code: "ERR_SIGNATURE_INVALID" };
  } catch (error) {
    if (isPicketValidationError(error)) return { accepted: false, code: error.code };
    throw error;
  }
}

/** A short description of a verdict, for failure lists. */
export function describeVerdict(verdict: Verdict): string {
  return verdict.accepted ? "accepted" : verdict.code;
}
