import { createPublicKey, generateKeyPairSync, type KeyObject, verify } from "node:crypto";
import { describe, expect, it } from "vitest";
import { createValidator } from "../../src/index.js";
import { importKeySet, isSmallOrderOkpKey } from "../../src/jwks/import-key-set.js";
import { type AlgorithmSpec, SUPPORTED_ALGORITHMS } from "../../src/platform/algorithms.js";
import { expectCode } from "../helpers/expect-code.js";
import { encodePart, forgeToken, spellingsOf } from "../helpers/forge.js";

// Edwards25519 arithmetic, enough to derive the small-order points independently of the list.
const P = 2n ** 255n - 19n;
const D = mod(-121665n * inverse(121666n));
const SQRT_MINUS_ONE = power(2n, (P - 1n) / 4n);

type Point = readonly [x: bigint, y: bigint];
const IDENTITY: Point = [0n, 1n];

function mod(value: bigint): bigint {
  return ((value % P) + P) % P;
}
function power(base: bigint, exponent: bigint): bigint {
  let result = 1n;
  for (let b = mod(base), e = exponent; e > 0n; e >>= 1n, b = mod(b * b)) {
    if (e & 1n) result = mod(result * b);
  }
  return result;
}
function inverse(value: bigint): bigint {
  return power(value, P - 2n);
}
function squareRoot(value: bigint): bigint | undefined {
  const candidate = power(value, (P + 3n) / 8n);
  if (mod(candidate * candidate) === mod(value)) return candidate;
  const other = mod(candidate * SQRT_MINUS_ONE);
  return mod(other * other) === mod(value) ? other : undefined;
}
function add([x1, y1]: Point, [x2, y2]: Point): Point {
  const t = mod(D * x1 * x2 * y1 * y2);
  return [mod((x1 * y2 + y1 * x2) * inverse(1n + t)), mod((y1 * y2 + x1 * x2) * inverse(1n - t))];
}
/** Decodes a 32-byte encoding as RFC 8032 does, except that y >= p is reduced, not refused. */
function decode(encoding: Buffer): Point | undefined {
  const sign = (encoding[31] as number) >> 7;
  const y = mod(BigInt(`0x${Buffer.from(encoding).reverse().toString("hex")}`) & (2n ** 255n - 1n));
  const x = squareRoot(mod((y * y - 1n) * inverse(D * y * y + 1n)));
  if (x === undefined) return undefined;
  return [x % 2n === BigInt(sign) || x === 0n ? x : mod(-x), y];
}
function encodeY(y: bigint, sign: number): Buffer {
  const bytes = Buffer.from(y.toString(16).padStart(64, "0"), "hex").reverse();
  bytes[31] = (bytes[31] as number) | (sign << 7);
  return bytes;
}
function ed25519Key(encoding: Buffer) {
  return { kty: "OKP", crv: "Ed25519", x: encoding.toString("base64url") };
}

function jwkOf(key: KeyObject) {
  return key.export({ format: "jwk" });
}

/** The eight points of order dividing 8: multiples of one point of order 8. */
function torsionSubgroup(): Point[] {
  // An order-8 point doubles to (±√-1, 0), which forces x² = -y², hence d·y⁴ + 2y² - 1 = 0:
  // y² = (-1 ± √(1 + d)) / d, of which one root is a square.
  const root = squareRoot(1n + D) as bigint;
  const ySquared = [mod((-1n + root) * inverse(D)), mod((-1n - root) * inverse(D))];
  const y = ySquared.map(squareRoot).find((candidate) => candidate !== undefined) as bigint;
  const generator = decode(encodeY(y, 0)) as Point;
  const points: Point[] = [IDENTITY];
  for (let k = 1; k < 8; k++) points.push(add(points[k - 1] as Point, generator));
  expect(add(points[7] as Point, generator)).toEqual(IDENTITY);
  return points;
}

describe("isSmallOrderOkpKey", () => {
  const subgroup = torsionSubgroup();
  // Every 255-bit y that reads as a small-order y: the canonical ones, and y + p where it fits.
  const smallOrderYs = [...new Set(subgroup.map(([, y]) => y))].flatMap((y) =>
    y + P < 2n ** 255n ? [y, y + P] : [y],
  );

  it("derives 8 distinct points with 5 y-coordinates, 2 of them also spelled y + p", () => {
    expect(new Set(subgroup.map(([x, y]) => `${x},${y}`)).size).toBe(8);
    expect(smallOrderYs).toHaveLength(7);
  });

  it("refuses every encoding of every small-order point, with either sign bit", () => {
    for (const y of smallOrderYs) {
      for (const sign of [0, 1]) {
        const encoding = encodeY(y, sign);
        const point = decode(encoding) as Point;
        expect(point, encoding.toString("hex")).toBeDefined();
        let multiple = IDENTITY;
        for (let k = 0; k < 8; k++) multiple = add(multiple, point);
        expect(multiple, encoding.toString("hex")).toEqual(IDENTITY);
        expect(isSmallOrderOkpKey(ed25519Key(encoding)), encoding.toString("hex")).toBe(true);
      }
    }
  });

  it("accepts ordinary Ed25519 keys and the points next to the small-order ones", () => {
    for (let i = 0; i < 20; i++) {
      expect(isSmallOrderOkpKey(jwkOf(generateKeyPairSync("ed25519").publicKey))).toBe(false);
    }
    for (const y of smallOrderYs) {
      for (const neighbour of [y + 1n, y - 1n]) {
        if (neighbour < 0n || neighbour >= 2n ** 255n || smallOrderYs.includes(neighbour)) continue;
        expect(isSmallOrderOkpKey(ed25519Key(encodeY(neighbour, 0)))).toBe(false);
      }
    }
  });

  it("answers false for another curve, even with a small-order x", () => {
    const identityX = encodePart(encodeY(1n, 0));
    expect(isSmallOrderOkpKey(ed25519Key(encodeY(1n, 0)))).toBe(true);
    expect(isSmallOrderOkpKey({ crv: "X25519", x: identityX })).toBe(false);
    expect(isSmallOrderOkpKey({ x: identityX })).toBe(false);
  });

  it("refuses an x whose unused bits are set, though it decodes to an ordinary key", () => {
    const x = jwkOf(generateKeyPairSync("ed25519").publicKey).x as string;
    expect(isSmallOrderOkpKey({ crv: "Ed25519", x })).toBe(false);
    const others = spellingsOf(x).filter((spelling) => spelling !== x);
    expect(others).toHaveLength(3);
    for (const spelling of others)
      expect(isSmallOrderOkpKey({ crv: "Ed25519", x: spelling })).toBe(true);
  });

  it("answers false for keys that are not Ed25519", () => {
    expect(isSmallOrderOkpKey(jwkOf(generateKeyPairSync("x25519").publicKey))).toBe(false);
    expect(
      isSmallOrderOkpKey(jwkOf(generateKeyPairSync("ec", { namedCurve: "P-256" }).publicKey)),
    ).toBe(false);
  });

  it("refuses an Ed25519 x that is not 32 bytes of canonical base64url", () => {
    expect(isSmallOrderOkpKey({ crv: "Ed25519", x: "AAAA" })).toBe(true);
    expect(isSmallOrderOkpKey({ crv: "Ed25519", x: 7 })).toBe(true);
    const x = jwkOf(generateKeyPairSync("ed25519").publicKey).x as string;
    expect(isSmallOrderOkpKey({ crv: "Ed25519", x: `${x}=` })).toBe(true);
  });
});

describe("a small-order Ed25519 key in a JWKS", () => {
  const projectId = "7a9c8a54-3c4e-4e1b-9a8f-2f1f6c9b0d11";
  const now = Date.UTC(2026, 0, 1);
  const identity = encodeY(1n, 0);
  const forgedSignature = Buffer.concat([identity, Buffer.alloc(32)]); // (R = identity, s = 0)
  const smallOrderJwk = { kty: "OKP", crv: "Ed25519", x: identity.toString("base64url") };

  const claims = {
    iss: "picketapi.com",
    aud: projectId,
    sub: "ethereum:0x000000000000000000000000000000000000dead",
    iat: now / 1000,
    exp: now / 1000 + 3600,
  };

  it("is a real threat: (identity, 0) verifies any message under it", () => {
    const key = createPublicKey({ key: ed25519Key(identity), format: "jwk" });
    for (const message of [
      "a",
      "any claims at all",
      forgeToken({ alg: "EdDSA" }, claims, forgedSignature),
    ]) {
      expect(verify(null, Buffer.from(message), key, forgedSignature)).toBe(true);
    }
  });

  it("is ignored and counted as ignored, next to a usable key", async () => {
    const good = generateKeyPairSync("ed25519").publicKey.export({ format: "jwk" });
    const eddsa = SUPPORTED_ALGORITHMS.get("EdDSA") as AlgorithmSpec;
    const imported = await importKeySet({ keys: [smallOrderJwk, good] }, [eddsa], 10);
    expect(imported.keys).toHaveLength(1);
    expect(imported.ignored).toBe(1);
  });

  // An ES256 key beside it keeps the set usable, so the verdict is about the weak key alone.
  const es256Jwk = {
    ...generateKeyPairSync("ec", { namedCurve: "P-256" }).publicKey.export({ format: "jwk" }),
    kid: "es256",
  };

  it.each([
    ["without kid", { alg: "EdDSA" }],
    ["with its kid", { alg: "EdDSA", kid: "weak" }],
  ])(
    "cannot verify a token signed (identity, 0), %s: ERR_KEY_NOT_FOUND",
    async (_label, header) => {
      const validator = createValidator({
        projectId,
        jwks: { keys: [{ ...smallOrderJwk, kid: "weak" }, es256Jwk] },
        algorithms: ["ES256", "EdDSA"],
        clock: () => now,
      });
      await expectCode(
        () => validator.validate(forgeToken(header, claims, forgedSignature)),
        "ERR_KEY_NOT_FOUND",
      );
    },
  );
});
