import { createPublicKey, type KeyObject } from "node:crypto";
import { describe, expect, it } from "vitest";
import { importKeySet } from "../../src/jwks/import-key-set.js";
import { SUPPORTED_ALGORITHMS } from "../../src/platform/algorithms.js";
import { SignatureVerifier } from "../../src/verify/signature-verifier.js";
import {
  CaseCounter,
  loadWycheproof,
  registerMissing,
  type WycheproofCase,
  type WycheproofGroup,
} from "./vectors.js";

// Wycheproof's ECDSA P-256 / SHA-256 vectors in IEEE P1363 form (r || s, 64 bytes): the raw ES256
// primitive, through the very function the validator verifies tokens with
// (src/verify/verify-signature.ts), the key imported as the validator imports keys from a JWKS
// (src/jwks/import-key-set.ts). Both the synchronous and the thread-pool path must agree.
//
// "acceptable" results: this file has none today. Should a later revision add some, either verdict
// is allowed and the test asserts that it is deterministic (same verdict twice, sync = async).

const FILE = "ecdsa_secp256r1_sha256_p1363_test.json";

interface P1363Case extends WycheproofCase {
  msg: string;
  sig: string;
}

interface P1363Group extends WycheproofGroup<P1363Case> {
  publicKey: { uncompressed: string; wx: string; wy: string; curve: string };
  publicKeyJwk?: Record<string, unknown>;
  publicKeyDer: string;
}

const ES256 = SUPPORTED_ALGORITHMS.get("ES256");
if (ES256 === undefined) throw new Error("ES256 is not a supported algorithm");

/** The public key as a JWK: the group's own, else one built from the uncompressed point. */
function jwkOf(group: P1363Group): Record<string, unknown> {
  if (group.publicKeyJwk !== undefined) return group.publicKeyJwk;
  const point = Buffer.from(group.publicKey.uncompressed, "hex");
  expect(point.length).toBe(65);
  expect(point[0]).toBe(0x04);
  return {
    kty: "EC",
    crv: "P-256",
    x: point.subarray(1, 33).toString("base64url"),
    y: point.subarray(33).toString("base64url"),
  };
}

const loaded = loadWycheproof<P1363Case>(FILE);

if (!loaded.ok) {
  describe(`Wycheproof ${FILE}`, () => registerMissing(FILE, loaded.reason));
} else {
  const { file } = loaded;
  const groups = file.testGroups as P1363Group[];
  const counter = new CaseCounter(FILE, file);

  describe(`Wycheproof ${FILE}`, () => {
    it("every case gets Wycheproof's verdict from the signature verifier with the key as the validator imports it", async () => {
      const mismatches: string[] = [];
      const tally = { valid: 0, invalid: 0, acceptable: 0, jwkBuilt: 0 };
      for (const group of groups) {
        const jwk = jwkOf(group);
        if (group.publicKeyJwk === undefined) tally.jwkBuilt += 1;
        const imported = await importKeySet({ keys: [jwk] }, [ES256], 1);
        // Every group's key is a valid P-256 point: the import must keep it...
        expect(imported.keys.length, `group key ${group.publicKey.uncompressed}`).toBe(1);
        const key = imported.keys[0];
        if (key === undefined) continue;
        // ...as exactly the key Wycheproof gives in DER.
        const der = createPublicKey({
          key: Buffer.from(group.publicKeyDer, "hex"),
          format: "der",
          type: "spki",
        });
        expect((key.key as KeyObject).equals(der)).toBe(true);
        const verifier = new SignatureVerifier();

        for (const test of group.tests) {
          const msg = Buffer.from(test.msg, "hex");
          const sig = Buffer.from(test.sig, "hex");
          const signed = { spec: ES256, signingInput: msg, signature: sig };
          const sync = verifier.verifyHere(signed, [key]) !== undefined;
          const offThread = (await verifier.verifyOnPool(signed, [key])) !== undefined;
          if (sync !== offThread)
            mismatches.push(`tcId ${test.tcId}: sync ${sync}, async ${offThread}`);
          tally[test.result] += 1;
          if (test.result === "acceptable") {
            // Either verdict is allowed; it must not change from one call to the next.
            expect(verifier.verifyHere(signed, [key]) !== undefined, `tcId ${test.tcId}`).toBe(
              sync,
            );
          } else if (sync !== (test.result === "valid")) {
            mismatches.push(
              `tcId ${test.tcId} (${test.comment}, ${test.flags.join(",")}): ${sync ? "accepted" : "rejected"}, expected ${test.result}`,
            );
          }
          counter.ran(test.tcId);
        }
      }
      console.info(`[conformance] ${FILE}: ${JSON.stringify(tally)}`);
      expect(mismatches).toEqual([]);
      expect(tally).toEqual({ valid: 173, invalid: 89, acceptable: 0, jwkBuilt: 9 });
    });

    it("a valid case fails once its message, r or s is changed by one bit", async () => {
      const group = groups.find((each) => each.tests.some((test) => test.result === "valid"));
      const test = group?.tests.find((each) => each.result === "valid");
      if (group === undefined || test === undefined) throw new Error("no valid case");
      const [key] = (await importKeySet({ keys: [jwkOf(group)] }, [ES256], 1)).keys;
      if (key === undefined) throw new Error("the key did not import");
      const msg = Buffer.from(test.msg, "hex");
      const sig = Buffer.from(test.sig, "hex");
      const verifier = new SignatureVerifier();
      const verifies = (signingInput: Uint8Array, signature: Uint8Array): boolean =>
        verifier.verifyHere({ spec: ES256, signingInput, signature }, [key]) !== undefined;
      expect(verifies(msg, sig)).toBe(true);
      for (const index of [0, 31, 32, 63]) {
        const flipped = Buffer.from(sig);
        flipped[index] = (flipped[index] as number) ^ 0x01;
        expect(verifies(msg, flipped), `sig byte ${index}`).toBe(false);
      }
      const otherMsg = Buffer.concat([msg, Buffer.from([0])]);
      expect(verifies(otherMsg, sig)).toBe(false);
    });

    it("ran every case of the file", () => {
      counter.assertAllRan();
    });
  });
}
