import { generateKeyPairSync, type KeyObject } from "node:crypto";
import { describe, expect, it } from "vitest";
import { importKeySet, importKeySetSync } from "../../src/jwks/import-key-set.js";
import { type AlgorithmSpec, SUPPORTED_ALGORITHMS } from "../../src/platform/algorithms.js";
import { createTestIssuer } from "../../src/testing/index.js";
import { rejectionOf } from "../helpers/expect-code.js";

const ES256 = SUPPORTED_ALGORITHMS.get("ES256") as AlgorithmSpec;
const RS256 = SUPPORTED_ALGORITHMS.get("RS256") as AlgorithmSpec;
const issuer = createTestIssuer({ kid: "k1" });

describe("importKeySet", () => {
  const good = issuer.jwks.keys[0] as Record<string, unknown>;

  it.each([
    ["null", null],
    ["a string", "keys"],
    ["a function with keys", Object.assign(() => undefined, { keys: [good] })],
    ["an object without keys", {}],
    ["keys that are not an array", { keys: { 0: good } }],
  ])("refuses %s as a key set", async (_label, jwks) => {
    const error = await rejectionOf(() => importKeySet(jwks, [ES256], 10));
    expect(error.code).toBe("ERR_JWKS_INVALID");
    expect(error.message).toBe('The key set is not a JWKS: no "keys" array');
  });

  it("skips entries that are not objects, and counts them as ignored", async () => {
    const result = await importKeySet({ keys: [null, 1, "k", good, []] }, [ES256], 10);
    expect(result.keys.map((key) => key.kid)).toEqual(["k1"]);
    expect(result.ignored).toBe(4);
  });

  it("keeps at most maxKeys keys", async () => {
    const keys = [1, 2, 3].map((n) => ({ ...good, kid: `k${n}` }));
    const two = await importKeySet({ keys }, [ES256], 2);
    expect(two.keys.map((key) => key.kid)).toEqual(["k1", "k2"]);
    expect(two.ignored).toBe(1);
    const three = await importKeySet({ keys }, [ES256], 3);
    expect(three.keys).toHaveLength(3);
  });

  it("imports synchronously on Node with the same rules: entries skipped, maxKeys kept", () => {
    const keys = [
      null,
      1,
      ...[1, 2, 3].map((n) => ({ ...good, kid: `k${n}` })),
      { kty: "oct", k: "AA" },
    ];
    const two = importKeySetSync({ keys }, [ES256], 2);
    expect(two?.keys.map((key) => key.kid)).toEqual(["k1", "k2"]);
    expect(two?.ignored).toBe(4);
    const all = importKeySetSync({ keys }, [ES256], 10);
    expect(all?.keys.map((key) => key.kid)).toEqual(["k1", "k2", "k3"]);
    expect(all?.ignored).toBe(3);
    expect([...(all?.keys[0]?.algorithms ?? [])]).toEqual(["ES256"]);
    expect(() => importKeySetSync({}, [ES256], 10)).toThrow(
      'The key set is not a JWKS: no "keys" array',
    );
  });

  it("skips, in the synchronous import too, a key that node:crypto refuses", () => {
    const offCurve = { ...good, kid: "bad", y: good.x };
    const result = importKeySetSync({ keys: [offCurve, good] }, [ES256], 10);
    expect(result?.keys.map((key) => key.kid)).toEqual(["k1"]);
    expect(result?.ignored).toBe(1);
  });

  it("refuses RSA keys under 2048 bits and keeps a 2048-bit one", async () => {
    const small = generateKeyPairSync("rsa", { modulusLength: 1024 }).publicKey.export({
      format: "jwk",
    });
    const big = generateKeyPairSync("rsa", { modulusLength: 2048 }).publicKey.export({
      format: "jwk",
    });
    expect((await importKeySet({ keys: [small] }, [RS256], 10)).keys).toEqual([]);
    const kept = await importKeySet({ keys: [big] }, [RS256], 10);
    expect(kept.keys).toHaveLength(1);
    expect([...(kept.keys[0]?.algorithms ?? [])]).toEqual(["RS256"]);
  });

  it("imports an Ed25519 key for EdDSA with only its public members", async () => {
    const ed = generateKeyPairSync("ed25519").publicKey.export({ format: "jwk" });
    const spec = SUPPORTED_ALGORITHMS.get("EdDSA");
    if (spec === undefined) throw new Error("no EdDSA");
    const result = await importKeySet({ keys: [{ ...ed, kid: "ed", ext: false }] }, [spec], 10);
    expect(result.keys).toHaveLength(1);
    expect((result.keys[0]?.key as KeyObject | undefined)?.asymmetricKeyType).toBe("ed25519");
  });
});
