import {
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  type JsonWebKey,
  type KeyObject,
  randomUUID,
  sign,
} from "node:crypto";
import type { JSONWebKeySet, JWK } from "jose";
import { PICKET_ISSUER } from "../constants.js";
import { parseSubject } from "../shared/holder-of.js";
import { refuseUnknownKeys } from "../shared/strict-keys.js";
import type { PicketClaims, ValidatorOptions } from "../types.js";
import { createValidator, type Validator } from "../validator/create-validator.js";
import { followRotations } from "./follow-rotations.js";
import { type JwksServer, serveJwks } from "./serve-jwks.js";

/** Options of {@link createTestIssuer}. */
export interface TestIssuerOptions {
  /**
   * The project ID minted tokens carry as `aud`.
   * @default a random UUID
   */
  projectId?: string;
  /** When given, keys carry this `kid` and tokens name it; otherwise tokens carry no `kid`, as Picket's usually do. */
  kid?: string;
  /** A private P-256 JWK to sign with, for reproducible fixtures. @default a fresh key */
  privateJwk?: JWK;
  /**
   * The current time in milliseconds, for `iat` and `exp`.
   * @default Date.now
   */
  clock?: () => number;
}

/** Options of {@link TestIssuer.sign}. */
export interface SignOptions {
  /**
   * Seconds from now to `exp`.
   * @default 3600
   */
  expiresIn?: number;
  /** Header members to add or override; a member set to `undefined` is removed. */
  header?: Record<string, unknown>;
  /** Claims to leave out, such as `["exp"]`. */
  omit?: readonly string[];
}

/** A fake Picket for tests: one ES256 key pair that mints Picket-shaped tokens. */
export interface TestIssuer {
  /** The `aud` of minted tokens. */
  readonly projectId: string;
  /** The public key set (no private material). */
  readonly jwks: JSONWebKeySet;
  /** The private JWK, for writing fixtures. Never use it outside tests. */
  readonly privateJwk: JWK;
  /** The `kid` of the current key. */
  readonly kid: string;
  /** The wallet address minted tokens name by default. */
  readonly walletAddress: string;
  /** Mints a signed token; `claims` override the defaults. */
  sign(claims?: PicketClaims, options?: SignOptions): string;
  /**
   * A validator wired to this issuer's keys, fully offline, that follows {@link TestIssuer.rotate}:
   * after a rotation the new key validates at once and the old key's tokens no longer do. Given
   * its own `jwks` or a `jwksUri`, it is a plain validator of those instead, which does not.
   */
  validator(options?: Partial<ValidatorOptions>): Validator;
  /**
   * Replaces the key with a new one under a new `kid`, and returns that `kid`. Validators made by
   * {@link TestIssuer.validator} follow at once; a validator of {@link TestIssuer.serve}'s key set
   * learns the new key on its next fetch: call its `refresh()`, since a fetch within the key
   * set's `cooldown` is refused.
   */
  rotate(): string;
  /**
   * Serves the current key set over real HTTP on 127.0.0.1, as it is at each request, on a free
   * port (its `jwksUri` says which). It takes no options: any given is a `TypeError`.
   */
  serve(): Promise<JwksServer>;
}

const ISSUER_OPTION_KEYS: readonly (keyof TestIssuerOptions)[] = [
  "projectId",
  "kid",
  "privateJwk",
  "clock",
];
const SIGN_OPTION_KEYS: readonly (keyof SignOptions)[] = ["expiresIn", "header", "omit"];
// Claims given as sign's options would be ignored: say that they are its first argument.
const CLAIMS_ADVICE: Readonly<Record<string, string>> = Object.fromEntries(
  ["exp", "iat", "aud", "iss", "sub", "chain", "walletAddress", "tokenBalances"].map((claim) => [
    claim,
    `claims are sign's first argument: issuer.sign({ ${claim} }, options)`,
  ]),
);

const DEFAULT_WALLET = "0x8F7A3f0E6b2B4dB2cE1f5A9d4C3b2A1908F7e6D5";
const DEFAULT_SOLANA_WALLET = "7xKXtg2CW87d97TXJSDpbD5jBkheTqA83TZRuJosgAsU";

/**
 * Creates a test issuer: a fresh ES256 key pair that mints Picket-shaped access tokens, the
 * matching public key set, and a loopback key server, so that your token-gated endpoints can be
 * tested without Picket.
 *
 * @example
 * ```ts
 * import { createTestIssuer } from "picket-validate/testing";
 *
 * const issuer = createTestIssuer();
 * const validator = issuer.validator();
 * const token = issuer.sign({ contractAddress: "0xabc…", tokenBalance: "3" });
 * const user = await validator.validate(token, { contractAddress: "0xabc…", minTokenBalance: 2 });
 * ```
 */
export function createTestIssuer(options: TestIssuerOptions = {}): TestIssuer {
  refuseUnknownKeys(objectOf(options, "createTestIssuer"), ISSUER_OPTION_KEYS, "createTestIssuer");
  const projectId = options.projectId ?? randomUUID();
  const clock = options.clock ?? Date.now;
  const namesKid = options.kid !== undefined;
  let generation = 1;
  let kid = options.kid ?? `test-key-${generation}`;
  let privateKey = loadKey(options.privateJwk);
  let publicJwk = publicJwkOf(privateKey, kid);

  return {
    projectId,
    get jwks() {
      return { keys: [publicJwk] };
    },
    get privateJwk() {
      return privateKey.export({ format: "jwk" }) as JWK;
    },
    get kid() {
      return kid;
    },
    walletAddress: DEFAULT_WALLET,
    sign(claims = {}, signOptions = {}) {
      refuseUnknownKeys(
        objectOf(signOptions, "issuer.sign"),
        SIGN_OPTION_KEYS,
        "issuer.sign",
        "",
        CLAIMS_ADVICE,
      );
      const now = Math.floor(clock() / 1000);
      const payload: Record<string, unknown> = {
        iss: PICKET_ISSUER,
        aud: projectId,
        ...holderClaims(claims),
        iat: now,
        exp: now + (signOptions.expiresIn ?? 3600),
        tid: randomUUID(),
        ver: 1,
        ...claims,
      };
      for (const name of signOptions.omit ?? []) delete payload[name];
      const header = {
        alg: "ES256",
        typ: "JWT",
        ...(namesKid ? { kid } : {}),
        ...signOptions.header,
      };
      const input = `${encode(header)}.${encode(payload)}`;
      const signature = sign("sha256", Buffer.from(input), {
        key: privateKey,
        dsaEncoding: "ieee-p1363",
      });
      return `${input}.${signature.toString("base64url")}`;
    },
    validator(validatorOptions = {}) {
      const build = () =>
        createValidator({ projectId, jwks: { keys: [publicJwk] }, ...validatorOptions });
      const ownKeys = validatorOptions.jwks === undefined && validatorOptions.jwksUri === undefined;
      return ownKeys ? followRotations(build, () => generation) : build();
    },
    rotate() {
      generation += 1;
      kid = `${options.kid ?? "test-key"}-${generation}`;
      privateKey = loadKey(undefined);
      publicJwk = publicJwkOf(privateKey, kid);
      return kid;
    },
    serve(...given: unknown[]) {
      if (given[0] !== undefined) {
        refuseUnknownKeys(objectOf(given[0], "issuer.serve"), [], "issuer.serve");
      }
      return serveJwks(() => ({ keys: [publicJwk] }));
    },
  };
}

/** `value`, when it is an options object; a `TypeError` naming `owner` otherwise. */
function objectOf(value: unknown, owner: string): object {
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw new TypeError(`${owner}: options must be an object`);
  }
  return value;
}

/**
 * `sub`, `chain`, `walletAddress` and `displayAddress`, each from the claims given or else from the
 * others, so that they name one wallet: `{ sub: "solana:<address>" }` or
 * `{ chain: "solana", walletAddress }` gives a Solana token throughout.
 */
function holderClaims(claims: PicketClaims): Record<string, string> {
  const subject = typeof claims.sub === "string" ? parseSubject(claims.sub) : undefined;
  const chain = textOr(claims.chain, subject?.chain ?? "ethereum");
  const walletAddress = textOr(
    claims.walletAddress,
    subject?.walletAddress ?? (chain === "solana" ? DEFAULT_SOLANA_WALLET : DEFAULT_WALLET),
  );
  return {
    sub: textOr(claims.sub, `${chain}:${walletAddress}`),
    chain,
    walletAddress,
    displayAddress: textOr(claims.displayAddress, walletAddress),
  };
}

function textOr(value: unknown, fallback: string): string {
  return typeof value === "string" ? value : fallback;
}

function loadKey(privateJwk: JWK | undefined): KeyObject {
  // A new key comes out of the generator as a JWK and is imported afresh: Node 20 can deadlock
  // when the garbage collector frees a key-generation job while a key it made is exported.
  const jwk =
    privateJwk ??
    // Node's typings know no "jwk" encoding for key generation, which Node has had since 15.9.
    (
      generateKeyPairSync("ec", {
        namedCurve: "prime256v1",
        publicKeyEncoding: { type: "spki", format: "jwk" },
        privateKeyEncoding: { type: "pkcs8", format: "jwk" },
      } as never) as { privateKey: JWK }
    ).privateKey;
  return createPrivateKey({ key: jwk as JsonWebKey, format: "jwk" });
}

function publicJwkOf(privateKey: KeyObject, kid: string): JWK {
  const { kty, crv, x, y } = createPublicKey(privateKey).export({ format: "jwk" });
  return { kty, crv, x, y, kid, alg: "ES256", use: "sig" } as JWK;
}

function encode(value: unknown): string {
  return Buffer.from(JSON.stringify(value)).toString("base64url");
}
