import { describe, expect, it } from "vitest";
import { createValidator, type ErrorCode, isPicketValidationError } from "../../src/index.js";
import {
  ALL_ALGORITHMS,
  describeVerdict,
  type Verdict,
  verifyAtSignatureLayer,
} from "./signature-layer.js";
import {
  CaseCounter,
  casesOf,
  loadWycheproof,
  registerMissing,
  type WycheproofCase,
  type WycheproofGroup,
} from "./vectors.js";

// Wycheproof's JSON Web Signature vectors (C2SP/wycheproof testvectors_v1), read in place.
//
// Two verifiers run over every case, both built from the validator's own steps (signature-layer.ts):
// - the Picket configuration, ES256 only: every ES256 case gets Wycheproof's verdict with its
//   group's public key; every case whose header names another algorithm is rejected; groups
//   whose key is for encryption are rejected;
// - every asymmetric algorithm the library supports (RS*, PS*, ES*, EdDSA), to check the other
//   verification paths against the same vectors.
// The expected error code of each rejection comes from an oracle written here, independently of
// the source, so that a case rejected for the wrong reason fails too.
//
// "acceptable" results: this file has none today. Should a later revision add some, either verdict
// is allowed, and the test asserts that the verdict is deterministic (the same on a second run,
// and the same from the synchronous and the thread-pool verification).

const FILE = "json_web_signature_test.json";

interface JwsCase extends WycheproofCase {
  jws: string | Record<string, unknown>;
}

type Jwk = Record<string, unknown>;

const loaded = loadWycheproof<JwsCase>(FILE);

/** Groups whose key signs ES256 (Wycheproof's `es256` and `SpecialCaseEs256`). */
const ES256_GROUPS = new Set(["es256", "SpecialCaseEs256"]);
/** Groups whose EC key is for encryption (`use: "enc"`, or `key_ops` without `verify`). */
const ENCRYPTION_GROUPS = new Set(["ec_key_for_encryption", "rsa_encryption"]);

/** The curve each algorithm needs, for the oracle. */
const CURVES: Record<string, string | undefined> = {
  ES256: "P-256",
  ES384: "P-384",
  ES512: "P-521",
  EdDSA: "Ed25519",
  Ed25519: "Ed25519",
};

function ktyOf(alg: string): string {
  if (alg.startsWith("ES")) return "EC";
  if (alg.startsWith("RS") || alg.startsWith("PS")) return "RSA";
  return "OKP";
}

function rsaBits(n: unknown): number {
  if (typeof n !== "string") return 0;
  const bytes = Buffer.from(n, "base64url");
  let first = 0;
  while (first < bytes.length && bytes[first] === 0) first += 1;
  if (first === bytes.length) return 0;
  return (bytes.length - first - 1) * 8 + (bytes[first] as number).toString(2).length;
}

/** Whether the oracle deems a JWK usable to verify `alg` (the contract's key rules). */
function usableFor(jwk: Jwk, alg: string): boolean {
  if (jwk.use !== undefined && jwk.use !== "sig") return false;
  if (
    jwk.key_ops !== undefined &&
    !(Array.isArray(jwk.key_ops) && jwk.key_ops.includes("verify"))
  ) {
    return false;
  }
  if (["d", "p", "q", "dp", "dq", "qi", "k"].some((member) => jwk[member] !== undefined)) {
    return false;
  }
  if (jwk.kty !== ktyOf(alg)) return false;
  const crv = CURVES[alg];
  if (crv !== undefined && jwk.crv !== crv) return false;
  if (jwk.alg !== undefined && jwk.alg !== alg) return false;
  if (jwk.kty === "RSA" && rsaBits(jwk.n) < 2048) return false;
  return true;
}

const STRICT_PART = /^[A-Za-z0-9_-]+$/;

/** Decodes the header of a compact JWS the way the contract reads it, or `undefined`. */
function headerOf(jws: unknown): Record<string, unknown> | undefined {
  if (typeof jws !== "string") return undefined;
  const encoded = jws.split(".")[0] ?? "";
  if (!STRICT_PART.test(encoded) || encoded.length % 4 === 1) return undefined;
  try {
    const value: unknown = JSON.parse(Buffer.from(encoded, "base64url").toString("utf8"));
    return typeof value === "object" && value !== null && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The verdict the contract demands, derived from the vector alone: structure → header → key →
 * signature (Wycheproof's `result` decides only the last step).
 */
function expectedVerdict(
  test: JwsCase,
  key: Jwk | undefined,
  algorithms: readonly string[],
): Verdict {
  const reject = (code: ErrorCode): Verdict => ({ accepted: false, code });
  if (typeof test.jws !== "string") return reject("ERR_TOKEN_MALFORMED");
  const parts = test.jws.split(".");
  // Canonical base64url: the part is exactly the encoding of what it decodes to.
  const canonical = (part: string) =>
    STRICT_PART.test(part) && Buffer.from(part, "base64url").toString("base64url") === part;
  if (parts.length !== 3 || parts.some((part) => part.length === 0 || !canonical(part)))
    return reject("ERR_TOKEN_MALFORMED");
  const header = headerOf(test.jws);
  if (header === undefined) return reject("ERR_TOKEN_MALFORMED");
  const alg = header.alg;
  if (typeof alg !== "string" || !algorithms.includes(alg)) return reject("ERR_ALG_NOT_ALLOWED");
  if (header.crit !== undefined) return reject("ERR_ALG_NOT_ALLOWED");
  if (header.b64 !== undefined && header.b64 !== true) return reject("ERR_ALG_NOT_ALLOWED");
  if (["jwk", "jku", "x5u", "x5c"].some((member) => header[member] !== undefined))
    return reject("ERR_ALG_NOT_ALLOWED");
  if (header.kid !== undefined && typeof header.kid !== "string")
    return reject("ERR_TOKEN_MALFORMED");
  if (key === undefined || !algorithms.some((each) => usableFor(key, each)))
    return reject("ERR_JWKS_INVALID");
  if (!usableFor(key, alg)) return reject("ERR_KEY_NOT_FOUND");
  if (header.kid !== undefined && key.kid !== header.kid) return reject("ERR_KEY_NOT_FOUND");
  return test.result === "valid" ? { accepted: true } : reject("ERR_SIGNATURE_INVALID");
}

function jwksOf(group: WycheproofGroup<JwsCase>): { keys: Jwk[] } {
  const key = group.public as Jwk | undefined;
  return { keys: key === undefined ? [] : [key] };
}

if (!loaded.ok) {
  describe(`Wycheproof ${FILE}`, () => registerMissing(FILE, loaded.reason));
} else {
  const { file } = loaded;
  const all = casesOf(file);
  const counter = new CaseCounter(FILE, file);

  describe(`Wycheproof ${FILE}`, () => {
    it("ES256 only (Picket's configuration): every case gets the verdict and the code the contract demands", async () => {
      const mismatches: string[] = [];
      const tally = { es256: 0, otherAlg: 0, encryptionKey: 0, malformed: 0, accepted: 0 };
      for (const { group, test } of all) {
        const verdict = await verifyAtSignatureLayer(test.jws, jwksOf(group), ["ES256"]);
        const alg = headerOf(test.jws)?.alg;
        const comment = group.comment ?? "";

        // Wycheproof's own rules, stated once more without the oracle:
        if (test.result === "acceptable") {
          // Either verdict is allowed; it must be deterministic.
          const again = await verifyAtSignatureLayer(test.jws, jwksOf(group), ["ES256"]);
          expect(describeVerdict(again), `tcId ${test.tcId} (acceptable)`).toBe(
            describeVerdict(verdict),
          );
        } else if (ES256_GROUPS.has(comment) && alg === "ES256") {
          tally.es256 += 1;
          if (verdict.accepted !== (test.result === "valid"))
            mismatches.push(`tcId ${test.tcId} (${test.comment}): ${describeVerdict(verdict)}`);
        } else if (verdict.accepted) {
          // Another algorithm, a key for encryption, or no usable header: never accepted.
          mismatches.push(`tcId ${test.tcId} (${comment}/${test.comment}) was accepted`);
        }
        if (typeof alg === "string" && alg !== "ES256") tally.otherAlg += 1;
        else if (ENCRYPTION_GROUPS.has(comment)) tally.encryptionKey += 1;
        else if (alg === undefined) tally.malformed += 1;
        if (verdict.accepted) tally.accepted += 1;

        // The exact stage and code of the contract.
        if (test.result !== "acceptable") {
          const expected = expectedVerdict(test, group.public as Jwk | undefined, ["ES256"]);
          if (describeVerdict(verdict) !== describeVerdict(expected)) {
            mismatches.push(
              `tcId ${test.tcId} (${comment}/${test.comment}): got ${describeVerdict(verdict)}, expected ${describeVerdict(expected)}`,
            );
          }
        }
        counter.ran(test.tcId);
      }
      console.info(`[conformance] ${FILE} ES256-only: ${JSON.stringify(tally)}`);
      expect(mismatches).toEqual([]);
      // The ES256 groups hold 33 cases with an ES256 header, 2 of them valid; 347 cases name
      // another algorithm; 2 use a key for encryption; 19 have no readable header.
      expect(tally).toEqual({
        es256: 33,
        otherAlg: 347,
        encryptionKey: 2,
        malformed: 19,
        accepted: 2,
      });
    });

    it("every asymmetric algorithm allowed: the RSA, RSA-PSS and ECDSA paths get the contract's verdicts", async () => {
      const mismatches: string[] = [];
      let accepted = 0;
      for (const { group, test } of all) {
        if (test.result === "acceptable") continue;
        const verdict = await verifyAtSignatureLayer(test.jws, jwksOf(group), ALL_ALGORITHMS);
        const expected = expectedVerdict(test, group.public as Jwk | undefined, ALL_ALGORITHMS);
        if (verdict.accepted) accepted += 1;
        if (describeVerdict(verdict) !== describeVerdict(expected)) {
          mismatches.push(
            `tcId ${test.tcId} (${group.comment}/${test.comment}): got ${describeVerdict(verdict)}, expected ${describeVerdict(expected)}`,
          );
        }
        if (test.result === "invalid" && verdict.accepted) {
          mismatches.push(`tcId ${test.tcId} is invalid but was accepted`);
        }
      }
      console.info(`[conformance] ${FILE} all algorithms: ${accepted} accepted`);
      expect(mismatches).toEqual([]);
      // Valid RS256/384/512, PS256/384/512 and ES256 cases verify; the HS256 ones never do.
      expect(accepted).toBeGreaterThanOrEqual(25);
    });

    it("groups whose key is for encryption are rejected at the key, though the signature is good", async () => {
      const groups = file.testGroups.filter((group) => group.comment === "ec_key_for_encryption");
      expect(groups.length).toBe(2);
      for (const group of groups) {
        const key = group.public as Jwk;
        expect(key.use === "enc" || Array.isArray(key.key_ops)).toBe(true);
        for (const test of group.tests) {
          expect(await verifyAtSignatureLayer(test.jws, { keys: [key] }, ["ES256"])).toEqual({
            accepted: false,
            code: "ERR_JWKS_INVALID",
          });
          // The same point declared for signing verifies the same JWS: the refusal is the key's purpose.
          const { key_ops: _ops, ...signing } = key;
          expect(
            await verifyAtSignatureLayer(test.jws, { keys: [{ ...signing, use: "sig" }] }, [
              "ES256",
            ]),
          ).toEqual({ accepted: true });
          // The full validator refuses the key set itself.
          const validator = createValidator({ projectId: "p", jwks: { keys: [key] } });
          const error = await validator.ready().then(
            () => undefined,
            (caught: unknown) => caught,
          );
          expect(isPicketValidationError(error) && error.code).toBe("ERR_JWKS_INVALID");
        }
      }
    });

    it("the full validator rejects every vector at the structure step: none of their payloads is a JSON object", async () => {
      const wrong: string[] = [];
      for (const group of file.testGroups) {
        const validator = createValidator({ projectId: "p", jwks: jwksOf(group) });
        for (const test of group.tests) {
          try {
            await validator.validate(test.jws as string);
            wrong.push(`tcId ${test.tcId} was accepted`);
          } catch (error) {
            const code = isPicketValidationError(error) ? error.code : String(error);
            const expected = test.jws === "" ? "ERR_TOKEN_MISSING" : "ERR_TOKEN_MALFORMED";
            if (code !== expected) wrong.push(`tcId ${test.tcId}: ${code}, expected ${expected}`);
          }
        }
      }
      expect(wrong).toEqual([]);
    });

    it("ran every case of the file", () => {
      counter.assertAllRan();
    });
  });
}
