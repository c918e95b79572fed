import { isPicketValidationError, PicketValidationError } from "../errors.js";
import type { VerificationKey } from "../jwks/import-key-set.js";
import type { KeyStore } from "../jwks/key-store.js";
import type { NormalizedRequirements } from "../requirements/normalize-requirements.js";
import type { RequirementsGate } from "../requirements/requirements-gate.js";
import type { PicketAccessToken, Requirements, ValidatorEvent } from "../types.js";
import { type ClaimExpectations, verifyClaims } from "../verify/check-claims.js";
import { requireTokenString } from "../verify/parse-token.js";
import type { ReadToken, TokenReader } from "../verify/read-token.js";
import type { SignatureVerifier } from "../verify/signature-verifier.js";
import type { TokenCache } from "./token-cache.js";

/** The parts a validator is wired from; each stage's state lives in its own part. */
export interface Pipeline {
  gate: RequirementsGate;
  cache: TokenCache | undefined;
  reader: TokenReader;
  store: KeyStore;
  verifier: SignatureVerifier;
  expectations: ClaimExpectations;
  clock: () => number;
  /** Where validation events go; `undefined` when nobody listens, and then none is made. */
  emit: ((event: ValidatorEvent) => void) | undefined;
}

/**
 * What one validation learned: the claims, or the error that refused the token; the `kid` its
 * header named (once it was read); whether the token cache answered.
 */
interface Outcome {
  claims: PicketAccessToken | undefined;
  error: unknown;
  kid: string | undefined;
  cached: boolean;
}

/**
 * A token's way from string to claims, on this thread and from cached keys only: requirements →
 * token cache → read (size, structure, header) → keys → signature → claims → requirements.
 */
export function validateTokenSync(
  pipeline: Pipeline,
  token: string,
  perCall: Requirements | undefined,
): PicketAccessToken {
  if (!pipeline.verifier.synchronous) {
    throw new TypeError(
      "validateSync needs a synchronous signature verifier, which this runtime (Web Crypto) does not have: use validate() (await validator.validate(token))",
    );
  }
  const started = pipeline.emit === undefined ? 0 : performance.now();
  return settle(pipeline, checkSync(pipeline, token, perCall), started);
}

/**
 * The same way, waiting where it must: for the first key set, a refetch for an unknown key, or
 * the thread pool. A lone call with cached keys settles before the event loop turns.
 */
export function validateToken(
  pipeline: Pipeline,
  token: string,
  perCall: Requirements | undefined,
): Promise<PicketAccessToken> {
  const started = pipeline.emit === undefined ? 0 : performance.now();
  const outcome = check(pipeline, token, perCall);
  if (outcome instanceof Promise) return outcome.then((done) => settle(pipeline, done, started));
  return new Promise((resolve) => resolve(settle(pipeline, outcome, started)));
}

function checkSync(pipeline: Pipeline, token: string, perCall: Requirements | undefined): Outcome {
  const admitted = admit(pipeline, token, perCall);
  if (isOutcome(admitted)) return admitted;
  const { read } = admitted;
  try {
    pipeline.store.refreshIfStale();
    const keys = pipeline.store.peek(read.kid, read.spec.name);
    if (keys === undefined) throw keysNotLoaded();
    if (keys.length === 0) throw keyNotFound(read);
    const key = pipeline.verifier.verifyHere(read, keys);
    if (key === undefined) throw signatureInvalid();
    return accept(pipeline, admitted, key);
  } catch (error) {
    return refused(error, read.kid, false);
  }
}

/** {@link checkSync}'s way, where waiting for keys or the thread pool goes on as a promise. */
function check(
  pipeline: Pipeline,
  token: string,
  perCall: Requirements | undefined,
): Outcome | Promise<Outcome> {
  const admitted = admit(pipeline, token, perCall);
  return isOutcome(admitted) ? admitted : verifyAndAccept(pipeline, admitted);
}

/** A token read and the requirements it is to meet, its signature not yet verified. */
interface Admitted {
  token: string;
  read: ReadToken;
  requirements: NormalizedRequirements;
}

/**
 * The stages before the keys: requirements, the token cache (a token verified before is
 * answered there, its time claims and key re-checked), then the token read.
 */
function admit(
  pipeline: Pipeline,
  token: string,
  perCall: Requirements | undefined,
): Outcome | Admitted {
  try {
    const requirements = pipeline.gate.resolve(perCall);
    const text = requireTokenString(token);
    const entry = pipeline.cache?.get(text, pipeline.clock());
    if (entry !== undefined) {
      pipeline.store.refreshIfStale();
      const refusal = pipeline.gate.judgeAgain(entry.claims, requirements);
      return refusal === undefined
        ? { claims: entry.claims, error: undefined, kid: undefined, cached: true }
        : refused(refusal, undefined, true);
    }
    return { token: text, read: pipeline.reader.read(text), requirements };
  } catch (error) {
    return refused(error, undefined, false);
  }
}

async function verifyAndAccept(pipeline: Pipeline, admitted: Admitted): Promise<Outcome> {
  const { read } = admitted;
  try {
    const { store, verifier } = pipeline;
    // One question to the key store; an answer at hand is not awaited.
    const found = store.keysOrFetch(read.kid, read.spec.name);
    const keys = found instanceof Promise ? await found : found;
    if (keys.length === 0) throw keyNotFound(read);
    let key = await verifier.verify(read, keys);
    // A token without `kid` cannot name a new key: a failure may mean the keys were rotated.
    if (key === undefined && read.kid === undefined) {
      const rotated = await store.keysAfterRefetch(read.spec.name);
      if (rotated !== undefined) key = await verifier.verify(read, rotated);
    }
    if (key === undefined) throw signatureInvalid();
    return accept(pipeline, admitted, key);
  } catch (error) {
    return refused(error, read.kid, false);
  }
}

/** After the signature: claims (which throw when refused), the token cache, then requirements. */
function accept(pipeline: Pipeline, admitted: Admitted, key: VerificationKey): Outcome {
  const { read } = admitted;
  // For tokens without `kid`, the key that verified this one is tried first next time.
  if (read.kid === undefined) pipeline.store.preferForAlgorithm(read.spec.name, key);
  const claims = verifyClaims(read.claims, pipeline.expectations, pipeline.clock());
  pipeline.cache?.set(admitted.token, { claims, key });
  const refusal = pipeline.gate.judge(claims, admitted.requirements);
  return refusal === undefined
    ? { claims, error: undefined, kid: read.kid, cached: false }
    : refused(refusal, read.kid, false);
}

function refused(error: unknown, kid: string | undefined, cached: boolean): Outcome {
  return { claims: undefined, error, kid, cached };
}

function isOutcome(value: Outcome | Admitted): value is Outcome {
  return "cached" in value;
}

/**
 * The one place a validation ends: its event, when someone listens (the code, the names of
 * failed claims, header members and requirement keys, the `kid`, whether the token cache
 * answered, and the duration; never the token or a claim's value), then the claims or the error.
 */
function settle(pipeline: Pipeline, outcome: Outcome, started: number): PicketAccessToken {
  const { emit } = pipeline;
  if (emit !== undefined) {
    const event = eventOf(outcome, performance.now() - started);
    if (event !== undefined) emit(event);
  }
  if (outcome.claims === undefined) throw outcome.error;
  return outcome.claims;
}

/** A validation's event; none for a programming mistake (a `TypeError`), which is not a verdict. */
function eventOf(outcome: Outcome, durationMs: number): ValidatorEvent | undefined {
  const { claims, error, kid, cached } = outcome;
  if (claims !== undefined) return { type: "validation_success", kid, cached, durationMs };
  if (!isPicketValidationError(error)) return undefined;
  return {
    type: "validation_failure",
    code: error.code,
    ...(error.claim === undefined ? {} : { claim: error.claim }),
    ...(error.header === undefined ? {} : { header: error.header }),
    requirements: error.failures.map((failure) => failure.requirement),
    uncounted: error.failures.flatMap((failure) => failure.uncounted ?? []),
    kid,
    cached,
    durationMs,
  };
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
