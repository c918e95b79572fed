import { describe, expect, it } from "vitest";
import { createValidator, isPicketValidationError } from "../../src/index.js";
import { importKeySet } from "../../src/jwks/import-key-set.js";
import { SUPPORTED_ALGORITHMS } from "../../src/platform/algorithms.js";
import { ALL_ALGORITHMS, describeVerdict, verifyAtSignatureLayer } from "./signature-layer.js";
import {
  CaseCounter,
  loadWycheproof,
  registerMissing,
  type WycheproofCase,
  type WycheproofGroup,
} from "./vectors.js";

// Wycheproof's JSON Web Key vectors: key sets a library must refuse to use. Each case's key set
// (the group's `public` set, else its `private` one, as a careless issuer might publish it) is
// given to the library as a JWKS, key by key and whole:
// - every key the table below marks as refused must be ignored by the import the validator uses
//   (src/jwks/import-key-set.ts), for Picket's ES256 and with every asymmetric algorithm allowed;
// - the case's JWS is never accepted unless Wycheproof calls it valid and its algorithm is one
//   the library supports (HMAC never is: symmetric keys are deliberately not supported);
// - a set with no usable key makes the validator fail with ERR_JWKS_INVALID.
//
// Per-key filtering, not whole-set rejection: Wycheproof would have sets that mix public and
// private or symmetric keys (MixedKeySet) and sets with a repeated kid (DuplicateKid) rejected
// whole. The library ignores each unusable key and keeps the usable ones, so that a key set that
// gains a key of a new kind keeps working; the unusable keys can never verify anything. A kid
// shared by two usable keys means both are tried (see test/security/attack-corpus.test.ts).
//
// "acceptable" results: this file has none; the loop would treat one as "either verdict, but
// deterministic".

const FILE = "json_web_key_test.json";

interface JwkCase extends WycheproofCase {
  jws: string;
}

type Jwk = Record<string, unknown>;

/** Why the library must refuse the keys of each case (by tcId); the keys it may use are listed. */
const EXPECTATIONS: Record<number, { refused: string; usable?: { kid: string; alg: string }[] }> = {
  1: {
    refused: "the symmetric (oct) key of a mixed set",
    usable: [{ kid: "kid-ec-sign", alg: "ES256" }],
  },
  2: { refused: "symmetric (oct) keys: HMAC is not supported, so this valid HS256 JWS fails" },
  3: { refused: "symmetric (oct) keys" },
  4: { refused: "symmetric (oct) keys sharing one kid" },
  5: { refused: "nothing for RS256", usable: [{ kid: "kid-rsa-sign", alg: "RS256" }] },
  6: { refused: 'an RSA key with use "enc"' },
  7: { refused: "an RSA key with the ROCA weakness (CVE-2017-15361)" },
  8: { refused: "a 1024-bit RSA key (under 2048 bits)" },
  9: { refused: "an RSA key with public exponent 1 (every message is its own signature)" },
  10: { refused: "a too-short HS256 key" },
  11: { refused: "a too-short HS384 key" },
  12: { refused: "a too-short HS512 key" },
  13: { refused: "an HS256 key: valid in Wycheproof, symmetric keys are not supported" },
  14: { refused: "an HS384 key: valid in Wycheproof, symmetric keys are not supported" },
  15: { refused: "an HS512 key: valid in Wycheproof, symmetric keys are not supported" },
  16: { refused: "an empty HS256 key" },
  17: { refused: "an empty HS384 key" },
  18: { refused: "an empty HS512 key" },
  19: { refused: 'a P-256 key labelled "ES521"' },
  20: { refused: 'a P-256 key labelled "ES224"' },
  21: { refused: 'an ES256 key with use "enc"' },
  22: { refused: "an EC point that is not on P-256" },
  23: { refused: "P-256 coordinates labelled P-384" },
  24: { refused: 'EC coordinates labelled kty "RSA"' },
  25: { refused: "an AES-GCM key" },
  26: { refused: "an AES key-wrap key" },
};

/**
 * RSA keys of a legal size that are unsafe all the same (a ROCA modulus, an exponent of 1): each
 * also has its own test with RS256 allowed, the only way such a key could ever be used.
 */
const WEAK_RSA_CASES = new Set([7, 9]);

function keySetOf(group: WycheproofGroup<JwkCase>): { keys: Jwk[] } {
  return (group.public ?? group.private) as { keys: Jwk[] };
}

function specs(algorithms: readonly string[]) {
  return algorithms.map((name) => {
    const spec = SUPPORTED_ALGORITHMS.get(name);
    if (spec === undefined) throw new Error(`unknown algorithm ${name}`);
    return spec;
  });
}

function isUsable(tcId: number, key: Jwk, alg: string): boolean {
  return (EXPECTATIONS[tcId]?.usable ?? []).some(
    (usable) => usable.kid === (key.kid ?? "") && usable.alg === alg,
  );
}

/** Wycheproof's JWS algorithm, read from the header. */
function algOf(jws: string): string | undefined {
  try {
    const header = JSON.parse(Buffer.from(jws.split(".")[0] ?? "", "base64url").toString("utf8"));
    return typeof header?.alg === "string" ? header.alg : undefined;
  } catch {
    return undefined;
  }
}

const loaded = loadWycheproof<JwkCase>(FILE);

if (!loaded.ok) {
  describe(`Wycheproof ${FILE}`, () => registerMissing(FILE, loaded.reason));
} else {
  const { file } = loaded;
  const counter = new CaseCounter(FILE, file);
  const cases = file.testGroups.flatMap((group) => group.tests.map((test) => ({ group, test })));

  describe(`Wycheproof ${FILE}`, () => {
    it("has an expectation for every case", () => {
      expect(cases.map(({ test }) => test.tcId).sort((a, b) => a - b)).toEqual(
        Object.keys(EXPECTATIONS)
          .map(Number)
          .sort((a, b) => a - b),
      );
    });

    for (const [label, algorithms] of [
      ["ES256 only", ["ES256"]],
      ["every asymmetric algorithm", ALL_ALGORITHMS],
    ] as const) {
      it(`${label}: every key the library must refuse is ignored when it appears in a JWKS`, async () => {
        const wrong: string[] = [];
        for (const { group, test } of cases) {
          counter.ran(test.tcId);
          for (const key of keySetOf(group).keys) {
            for (const alg of algorithms) {
              const imported = await importKeySet({ keys: [key] }, specs([alg]), 10);
              const kept = imported.keys.length === 1;
              if (kept !== isUsable(test.tcId, key, alg)) {
                wrong.push(
                  `tcId ${test.tcId} (${EXPECTATIONS[test.tcId]?.refused}): key ${String(key.kid)} ${kept ? "kept" : "ignored"} for ${alg}`,
                );
              }
            }
          }
        }
        expect(wrong).toEqual([]);
      });

      it(`${label}: no case's JWS is accepted unless it is valid and its algorithm supported`, async () => {
        const wrong: string[] = [];
        let accepted = 0;
        for (const { group, test } of cases) {
          const verdict = await verifyAtSignatureLayer(test.jws, keySetOf(group), algorithms);
          const alg = algOf(test.jws);
          const supported = alg !== undefined && (algorithms as readonly string[]).includes(alg);
          const expected = test.result === "valid" && supported;
          if (test.result === "acceptable") {
            const again = await verifyAtSignatureLayer(test.jws, keySetOf(group), algorithms);
            expect(describeVerdict(again)).toBe(describeVerdict(verdict));
          } else if (verdict.accepted !== expected) {
            wrong.push(`tcId ${test.tcId} (${group.comment}): ${describeVerdict(verdict)}`);
          }
          if (verdict.accepted) accepted += 1;
        }
        expect(wrong).toEqual([]);
        // Only tcId 5 (a good RS256 key and signature) verifies, and only where RS256 is allowed.
        expect(accepted).toBe(algorithms.length === 1 ? 0 : 1);
      });
    }

    it("a key set with no usable key fails the validator with ERR_JWKS_INVALID", async () => {
      const wrong: string[] = [];
      for (const { group, test } of cases) {
        if (EXPECTATIONS[test.tcId]?.usable !== undefined) continue;
        for (const algorithms of [["ES256"], ALL_ALGORITHMS]) {
          const validator = createValidator({
            projectId: "p",
            jwks: keySetOf(group),
            algorithms: [...algorithms],
          });
          const error = await validator.ready().then(
            () => undefined,
            (caught: unknown) => caught,
          );
          if (!(isPicketValidationError(error) && error.code === "ERR_JWKS_INVALID")) {
            wrong.push(
              `tcId ${test.tcId} with ${algorithms.length} algorithm(s): ${String(error)}`,
            );
          }
        }
      }
      expect(wrong).toEqual([]);
    });

    for (const tcId of WEAK_RSA_CASES) {
      it(`tcId ${tcId}: ${EXPECTATIONS[tcId]?.refused} is refused when RS256 is allowed`, async () => {
        const found = cases.find(({ test }) => test.tcId === tcId);
        if (found === undefined) throw new Error(`tcId ${tcId} is not in the file`);
        const keys = keySetOf(found.group);
        // Ignored by the import, so that a validator allowing RSA finds no usable key...
        const imported = await importKeySet(keys, specs(ALL_ALGORITHMS), 10);
        expect(imported.keys).toEqual([]);
        const validator = createValidator({ projectId: "p", jwks: keys, algorithms: ["RS256"] });
        const error = await validator.ready().then(
          () => undefined,
          (caught: unknown) => caught,
        );
        expect(isPicketValidationError(error) && error.code).toBe("ERR_JWKS_INVALID");
        // ...and the case's JWS does not verify at the signature layer.
        const verdict = await verifyAtSignatureLayer(found.test.jws, keys, ["RS256"]);
        expect(verdict.accepted).toBe(false);
      });
    }

    it("ran every case of the file", () => {
      counter.assertAllRan();
    });
  });
}
