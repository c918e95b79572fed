import type { VerificationKey } from "./import-key-set.js";
import type { KeyStore } from "./key-store.js";

/**
 * The candidate keys for a token, waiting only where it must: for the first key set, or for the
 * one refetch per cooldown that a `kid` not in the set allows. Empty when there is no such key.
 */
export async function acquireKeys(
  store: KeyStore,
  kid: string | undefined,
  alg: string,
): Promise<readonly VerificationKey[]> {
  let keys = store.peek(kid, alg);
  if (keys === undefined) {
    await store.ensureLoaded();
    keys = store.peek(kid, alg) ?? [];
  }
  if (keys.length === 0 && (await store.refetchForUnknownKey(kid))) {
    keys = store.peek(kid, alg) ?? [];
  }
  return keys;
}

/**
 * For a token without `kid` that no current key verified (the keys may have been rotated): the
 * keys of a newer key set after the one refetch per cooldown, or `undefined` when there is none.
 */
export async function keysAfterRotation(
  store: KeyStore,
  alg: string,
): Promise<readonly VerificationKey[] | undefined> {
  const generation = store.generation;
  if (!(await store.refetchForUnknownKey(undefined)) || store.generation === generation) {
    return undefined;
  }
  return store.peek(undefined, alg) ?? [];
}
