import type { JWK } from "jose";
import type { AlgorithmSpec } from "./algorithms.js";

/** A public key in the runtime's own form: a `KeyObject` on Node, a `CryptoKey` elsewhere. */
export type PlatformKey = object;

/**
 * What the validator needs from the runtime, in one place: the Node build verifies with
 * `node:crypto` (synchronously, or on libuv's thread pool), the build for runtimes without Node
 * built-ins (the Edge runtime, Workers) with Web Crypto. Which one loads is decided by the
 * package's export conditions (`#platform` in package.json), never at run time.
 */
export interface Platform {
  /** Whether {@link Platform.verifySync} and {@link Platform.importKeySync} exist here. */
  readonly synchronous: boolean;
  /** Decodes base64url that `isCanonicalBase64Url` accepted, with the runtime's own decoder. */
  decodeBase64Url(part: string): Uint8Array;
  /** The bytes of an ASCII string (the signing input), as the verifier takes them. */
  asciiBytes(text: string): Uint8Array;
  /** Imports a public JWK for an algorithm; `undefined` when the key is unusable. */
  importKey(jwk: JWK, spec: AlgorithmSpec): Promise<PlatformKey | undefined>;
  /** {@link Platform.importKey}, synchronously, where the runtime can. */
  importKeySync: ((jwk: JWK, spec: AlgorithmSpec) => PlatformKey | undefined) | undefined;
  /** Verifies a JWS signature on the calling thread, where the runtime can. */
  verifySync:
    | ((spec: AlgorithmSpec, key: PlatformKey, data: Uint8Array, signature: Uint8Array) => boolean)
    | undefined;
  /** Verifies a JWS signature off the calling thread where the runtime can (Node's thread pool). */
  verifyAsync(
    spec: AlgorithmSpec,
    key: PlatformKey,
    data: Uint8Array,
    signature: Uint8Array,
  ): Promise<boolean>;
}
