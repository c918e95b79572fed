import { type TokenCache, verdictFor } from "./cache/token-cache.js";
import { PicketValidationError } from "./errors.js";
import { acquireKeys, keysAfterRotation } from "./jwks/acquire-keys.js";
import type { VerificationKey } from "./jwks/import-key-set.js";
import type { KeyStore } from "./jwks/key-store.js";
import type { NormalizedRequirements } from "./requirements/normalize-requirements.js";
import { enforceVerdict, type RequirementsGate } from "./requirements/requirements-gate.js";
import type { PicketAccessToken, Requirements } from "./types.js";
import type { ClaimExpectations } from "./verify/check-claims.js";
import { requireTokenString } from "./verify/parse-token.js";
import type { ReadToken, TokenReader } from "./verify/read-token.js";
import type { SignatureVerifier } from "./verify/signature-verifier.js";
import { verifyClaims } from "./verify/verify-claims.js";

/** The parts a validator is wired from; each stage's state lives in its own part. */
export interface Pipeline {
  gate: RequirementsGate;
  cache: TokenCache | undefined;
  reader: TokenReader;
  store: KeyStore;
  verifier: SignatureVerifier;
  expectations: ClaimExpectations;
  clock: () => number;
}

/** What a validation learned on its way, for its event: filled only where events are wanted. */
export interface Trace {
  kid: string | undefined;
  cached: boolean;
}

/**
 * A token's way from string to claims, on this thread and from cached keys only: requirements →
 * cached verdict → read (size, structure, header) → keys → signature → claims → requirements.
 */
export function validateTokenSync(
  pipeline: Pipeline,
  token: string,
  perCall: Requirements | undefined,
  trace?: Trace,
): PicketAccessToken {
  if (!pipeline.verifier.synchronous) {
    throw new TypeError(
      "validateSync needs a synchronous signature verifier, which this runtime (Web Crypto) does not have: use validate() (await validator.validate(token))",
    );
  }
  const requirements = pipeline.gate.resolve(perCall);
  const text = requireTokenString(token);
  const cached = fromCache(pipeline, text, requirements, trace);
  if (cached !== undefined) return cached;
  const read = readToken(pipeline, text, trace);
  const keys = pipeline.store.peek(read.kid, read.spec.name);
  if (keys === undefined) throw keysNotLoaded();
  if (keys.length === 0) throw keyNotFound(read);
  const key = pipeline.verifier.verifyHere(read, keys);
  if (key === undefined) throw signatureInvalid();
  return accept(pipeline, text, read, key, requirements);
}

/**
 * The same way, waiting where it must: for the first key set, a refetch for an unknown key, or
 * the thread pool. A lone call with cached keys settles before the event loop turns.
 */
export function validateToken(
  pipeline: Pipeline,
  token: string,
  perCall: Requirements | undefined,
  trace?: Trace,
): Promise<PicketAccessToken> {
  try {
    const requirements = pipeline.gate.resolve(perCall);
    const text = requireTokenString(token);
    const cached = fromCache(pipeline, text, requirements, trace);
    if (cached !== undefined) return Promise.resolve(cached);
    const read = readToken(pipeline, text, trace);
    return verifyAndAccept(pipeline, text, read, requirements);
  } catch (error) {
    return Promise.reject(error);
  }
}

async function verifyAndAccept(
  pipeline: Pipeline,
  token: string,
  read: ReadToken,
  requirements: NormalizedRequirements,
): Promise<PicketAccessToken> {
  const { store, verifier } = pipeline;
  const peeked = store.peek(read.kid, read.spec.name);
  const keys =
    peeked !== undefined && peeked.length > 0
      ? peeked
      : await acquireKeys(store, read.kid, read.spec.name);
  if (keys.length === 0) throw keyNotFound(read);
  let key = await verifier.verify(read, keys);
  // A token without `kid` cannot name a new key: a failure may mean the keys were rotated.
  if (key === undefined && read.kid === undefined) {
    const rotated = await keysAfterRotation(store, read.spec.name);
    if (rotated !== undefined) key = await verifier.verify(read, rotated);
  }
  if (key === undefined) throw signatureInvalid();
  return accept(pipeline, token, read, key, requirements);
}

function readToken(pipeline: Pipeline, token: string, trace: Trace | undefined): ReadToken {
  const read = pipeline.reader.read(token);
  if (trace !== undefined) trace.kid = read.kid;
  return read;
}

/** The cached verdict of a token seen before, with its time claims and requirements checked anew. */
function fromCache(
  pipeline: Pipeline,
  token: string,
  requirements: NormalizedRequirements,
  trace: Trace | undefined,
): PicketAccessToken | undefined {
  const entry = pipeline.cache?.get(token, pipeline.clock());
  if (entry === undefined) return undefined;
  if (trace !== undefined) trace.cached = true;
  enforceVerdict(verdictFor(entry, requirements));
  return entry.claims;
}

/** After the signature: claims, the token cache, then requirements. */
function accept(
  pipeline: Pipeline,
  token: string,
  read: ReadToken,
  key: VerificationKey,
  requirements: NormalizedRequirements,
): PicketAccessToken {
  // For tokens without `kid`, the key that verified this one is tried first next time.
  if (read.kid === undefined) pipeline.store.preferForAlgorithm(read.spec.name, key);
  const claims = verifyClaims(read.claims, pipeline.expectations, pipeline.clock());
  const entry = { claims, key };
  pipeline.cache?.set(token, entry);
  enforceVerdict(verdictFor(entry, requirements));
  return claims;
}

function keysNotLoaded(): PicketValidationError {
  return new PicketValidationError(
    "ERR_KEY_NOT_FOUND",
    "No key set is loaded yet: call await validator.ready() once at start-up, or use validate()",
  );
}

function keyNotFound(read: ReadToken): PicketValidationError {
  const which =
    read.kid === undefined
      ? `for ${read.spec.name}`
      : `with kid ${JSON.stringify(read.kid.slice(0, 64))}`;
  return new PicketValidationError("ERR_KEY_NOT_FOUND", `No key ${which} in the key set`, {
    header: read.kid === undefined ? "alg" : "kid",
  });
}

function signatureInvalid(): PicketValidationError {
  return new PicketValidationError("ERR_SIGNATURE_INVALID", "The token's signature is invalid");
}
