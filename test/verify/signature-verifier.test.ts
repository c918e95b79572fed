import { generateKeyPairSync, type KeyObject } from "node:crypto";
import { describe, expect, it, vi } from "vitest";
import { type AlgorithmSpec, SUPPORTED_ALGORITHMS } from "../../src/platform/algorithms.js";
import { platform } from "../../src/platform/node.js";
import { SignatureVerifier, type SignedToken } from "../../src/verify/signature-verifier.js";
import { ecdsaSigner, rsaSigner } from "../helpers/forge.js";
import { ES256 } from "../helpers/pipeline.js";

const RS256 = SUPPORTED_ALGORITHMS.get("RS256") as AlgorithmSpec;

function pair(): { privateKey: KeyObject; candidate: { key: KeyObject } } {
  const { privateKey, publicKey } = generateKeyPairSync("ec", { namedCurve: "prime256v1" });
  return { privateKey, candidate: { key: publicKey } };
}

const signer = pair();
const others = [pair(), pair()];
const input = Buffer.from("header.payload");

/** A token signed by `signer`'s key. */
function signed(data: Buffer = input): SignedToken {
  return { spec: ES256, signingInput: data, signature: ecdsaSigner(signer.privateKey)(data) };
}

/** A verifier whose two ways of verifying are watched. */
function watched() {
  const verifier = new SignatureVerifier();
  return {
    verifier,
    here: vi.spyOn(verifier, "verifyHere"),
    pool: vi.spyOn(verifier, "verifyOnPool"),
  };
}

describe("SignatureVerifier.verifyHere", () => {
  it("returns the key that verifies, trying them in order", () => {
    const keys = [others[0]?.candidate, signer.candidate, others[1]?.candidate] as {
      key: KeyObject;
    }[];
    expect(new SignatureVerifier().verifyHere(signed(), keys)).toBe(signer.candidate);
  });

  it("returns undefined when no key verifies, or there is none", () => {
    const verifier = new SignatureVerifier();
    expect(
      verifier.verifyHere(
        signed(),
        others.map((each) => each.candidate),
      ),
    ).toBeUndefined();
    expect(verifier.verifyHere(signed(), [])).toBeUndefined();
  });

  it("refuses a signature of the wrong length before touching a key", async () => {
    const token = signed();
    const long = { ...token, signature: Buffer.concat([token.signature, Buffer.from([0])]) };
    const short = { ...token, signature: token.signature.subarray(0, 63) };
    const verifier = new SignatureVerifier();
    const here = vi.spyOn(
      platform as { verifySync: NonNullable<typeof platform.verifySync> },
      "verifySync",
    );
    const pool = vi.spyOn(platform, "verifyAsync");
    try {
      expect(verifier.verifyHere(long, [signer.candidate])).toBeUndefined();
      expect(verifier.verifyHere(short, [signer.candidate])).toBeUndefined();
      await expect(verifier.verifyOnPool(long, [signer.candidate])).resolves.toBeUndefined();
      await expect(verifier.verify(short, [signer.candidate])).resolves.toBeUndefined();
      expect(here).not.toHaveBeenCalled();
      expect(pool).not.toHaveBeenCalled();
      expect(verifier.verifyHere(token, [signer.candidate])).toBe(signer.candidate);
      expect(here).toHaveBeenCalledTimes(1);
    } finally {
      here.mockRestore();
      pool.mockRestore();
    }
  });

  it("takes any length where the algorithm fixes none (RSA)", async () => {
    const rsa = generateKeyPairSync("rsa", { modulusLength: 2048 });
    const data = Buffer.from("a.b");
    const token = { spec: RS256, signingInput: data, signature: rsaSigner(rsa.privateKey)(data) };
    const candidate = { key: rsa.publicKey };
    const verifier = new SignatureVerifier();
    expect(RS256.signatureLength).toBeUndefined();
    expect(verifier.verifyHere(token, [candidate])).toBe(candidate);
    await expect(verifier.verifyOnPool(token, [candidate])).resolves.toBe(candidate);
  });

  it("is available on Node", () => {
    expect(new SignatureVerifier().synchronous).toBe(true);
  });
});

describe("SignatureVerifier.verifyOnPool", () => {
  it("returns the key that verifies, trying them in order", async () => {
    const keys = [others[0]?.candidate, signer.candidate] as { key: KeyObject }[];
    await expect(new SignatureVerifier().verifyOnPool(signed(), keys)).resolves.toBe(
      signer.candidate,
    );
  });

  it("returns undefined when no key verifies, and for a signature of the wrong length", async () => {
    const verifier = new SignatureVerifier();
    const token = signed();
    await expect(
      verifier.verifyOnPool(
        token,
        others.map((each) => each.candidate),
      ),
    ).resolves.toBeUndefined();
    await expect(
      verifier.verifyOnPool({ ...token, signature: token.signature.subarray(1) }, [
        signer.candidate,
      ]),
    ).resolves.toBeUndefined();
  });
});

describe("SignatureVerifier.verify: here or on the pool", () => {
  it("verifies a lone call on this thread", async () => {
    const { verifier, here, pool } = watched();
    await expect(verifier.verify(signed(), [signer.candidate])).resolves.toBe(signer.candidate);
    expect(here).toHaveBeenCalledTimes(1);
    expect(pool).not.toHaveBeenCalled();
  });

  it("decides at the end of the synchronous run: calls made together all go to the pool", async () => {
    const { verifier, here, pool } = watched();
    const results = await Promise.all([
      verifier.verify(signed(), [signer.candidate]),
      verifier.verify(
        signed(),
        others.map((each) => each.candidate),
      ),
      verifier.verify(signed(), [others[0]?.candidate, signer.candidate] as { key: KeyObject }[]),
    ]);
    expect(results).toEqual([signer.candidate, undefined, signer.candidate]);
    expect(here).not.toHaveBeenCalled();
    expect(pool).toHaveBeenCalledTimes(3);
  });

  it("sends the held call and the second to the pool at once, before the run ends", async () => {
    const { verifier, here, pool } = watched();
    const first = verifier.verify(signed(), [signer.candidate]);
    expect(pool).not.toHaveBeenCalled();
    const second = verifier.verify(signed(), [signer.candidate]);
    // Still synchronous: the pool already has both, and works while this thread goes on.
    expect(pool).toHaveBeenCalledTimes(2);
    const third = verifier.verify(signed(), [signer.candidate]);
    expect(pool).toHaveBeenCalledTimes(3);
    await expect(Promise.all([first, second, third])).resolves.toEqual([
      signer.candidate,
      signer.candidate,
      signer.candidate,
    ]);
    expect(here).not.toHaveBeenCalled();
  });

  it("sends a call to the pool while others are still there, and a lone call here again after", async () => {
    const { verifier, here, pool } = watched();
    const burst = [
      verifier.verify(signed(), [signer.candidate]),
      verifier.verify(signed(), [signer.candidate]),
    ];
    // The burst is on the pool once its microtask ran; a call now is not alone.
    await Promise.resolve();
    const during = verifier.verify(signed(), [signer.candidate]);
    await Promise.all([...burst, during]);
    expect(pool).toHaveBeenCalledTimes(3);
    expect(here).not.toHaveBeenCalled();
    await verifier.verify(signed(), [signer.candidate]);
    expect(here).toHaveBeenCalledTimes(1);
    expect(pool).toHaveBeenCalledTimes(3);
  });

  it("settles a lone call before the event loop turns, and a burst after", async () => {
    const verifier = new SignatureVerifier();
    let turned = false;
    setImmediate(() => {
      turned = true;
    });
    await verifier.verify(signed(), [signer.candidate]);
    expect(turned).toBe(false);
    await Promise.all([
      verifier.verify(signed(), [signer.candidate]),
      verifier.verify(signed(), [signer.candidate]),
    ]);
    expect(turned).toBe(true);
  });

  it("goes to the pool even for a lone call where this runtime cannot verify synchronously", async () => {
    const { verifier, here, pool } = watched();
    vi.spyOn(verifier, "synchronous", "get").mockReturnValue(false);
    await expect(verifier.verify(signed(), [signer.candidate])).resolves.toBe(signer.candidate);
    expect(here).not.toHaveBeenCalled();
    expect(pool).toHaveBeenCalledTimes(1);
  });

  it("counts a failed pool verification as done: the next lone call is here", async () => {
    const { verifier, here } = watched();
    const failing = { ...signed(), signature: new Uint8Array(64) };
    await Promise.all([
      verifier.verify(failing, [signer.candidate]),
      verifier.verify(failing, [signer.candidate]),
    ]);
    await verifier.verify(signed(), [signer.candidate]);
    expect(here).toHaveBeenCalledTimes(1);
  });
});
