import { LRUCache } from "lru-cache";
import { PicketValidationError } from "../errors.js";
import type { AlgorithmSpec } from "../platform/algorithms.js";
import type { JwksFetchReason, ValidatorEvent } from "../types.js";
import {
  answeredNotFound,
  discoverJwksUri,
  type FetchJwksOptions,
  fetchJwks,
} from "./fetch-jwks.js";
import {
  type ImportedKeySet,
  importKeySet,
  importKeySetSync,
  type VerificationKey,
} from "./import-key-set.js";

/** Resolved key cache settings, in milliseconds. */
export interface KeyStoreSettings {
  maxAge: number;
  staleIfError: number;
  cooldown: number;
  timeout: number;
  maxKeys: number;
  maxBytes: number;
}

/** What a {@link KeyStore} needs. */
export interface KeyStoreOptions {
  jwksUri: string | undefined;
  jwks: unknown;
  algorithms: readonly AlgorithmSpec[];
  clock: () => number;
  fetch: typeof globalThis.fetch;
  settings: KeyStoreSettings;
  emit: (event: ValidatorEvent) => void;
  /**
   * Where `jwksUri` is only the default address: an OpenID Connect configuration whose `jwks_uri`
   * replaces it when it answers `404` or no usable key set (read at most once per cooldown).
   * `undefined` (a `jwksUri` the user gave) uses the address as given.
   */
  discoveryUri?: string | undefined;
}

/**
 * The JWKS key cache, and the one place keys are chosen for a token and fetched. Lookups
 * ({@link KeyStore.peek}, {@link KeyStore.has}) are synchronous and never start a fetch; a fetch
 * starts only where a name says so: {@link KeyStore.refreshIfStale} (in the background: stale
 * keys keep serving meanwhile), {@link KeyStore.keysOrFetch}, {@link KeyStore.keysAfterRefetch},
 * {@link KeyStore.ensureLoaded}, {@link KeyStore.refetchForUnknownKey} and
 * {@link KeyStore.refresh}. Fetches are shared between concurrent callers, limited to one per
 * cooldown for unknown keys, and backed off after failures.
 */
export class KeyStore {
  readonly #options: KeyStoreOptions;
  readonly #settings: KeyStoreSettings;
  readonly #byKid: LRUCache<string, VerificationKey[]>;
  #byAlgorithm = new Map<string, VerificationKey[]>();
  #current = new Set<VerificationKey>();
  #loadedAt: number | undefined;
  #lastAttemptAt = Number.NEGATIVE_INFINITY;
  #nextRetryAt = Number.NEGATIVE_INFINITY;
  #failures = 0;
  #lastError: PicketValidationError | undefined;
  #inFlight: Promise<PicketValidationError | undefined> | undefined;
  #generation = 0;
  /** Where keys are fetched: `jwksUri`, until discovery finds the key set elsewhere. */
  #jwksUri: string | undefined;
  #lastDiscoveryAt = Number.NEGATIVE_INFINITY;

  constructor(options: KeyStoreOptions) {
    this.#options = options;
    this.#jwksUri = options.jwksUri;
    this.#settings = options.settings;
    this.#byKid = new LRUCache({ max: options.settings.maxKeys });
    // Where keys import synchronously (Node), keys given up front are usable at once.
    if (options.jwks !== undefined && !this.#loadSync(options.jwks)) {
      this.#track(this.#load(async () => options.jwks, undefined));
    }
  }

  /**
   * Counts the key sets installed so far: a caller that remembers it can tell whether the keys
   * changed since (after a refetch, say) without comparing arrays.
   */
  get generation(): number {
    return this.#generation;
  }

  /**
   * The keys that may verify a token with this `kid` (all keys fitting `alg` when there is no
   * `kid`), or `undefined` when no usable key set is loaded. Never starts a fetch.
   */
  peek(kid: string | undefined, alg: string): readonly VerificationKey[] | undefined {
    if (!this.#usable()) return undefined;
    if (kid === undefined) return this.#byAlgorithm.get(alg) ?? [];
    const keys = this.#byKid.get(kid);
    if (keys === undefined) return [];
    return keys.every((key) => key.algorithms.has(alg))
      ? keys
      : keys.filter((key) => key.algorithms.has(alg));
  }

  /**
   * Puts a key first among the candidates for tokens of `alg` without `kid`, so that the key
   * that verified the last such token is tried first: three keys then cost what one does.
   */
  preferForAlgorithm(alg: string, key: VerificationKey): void {
    const keys = this.#byAlgorithm.get(alg);
    if (keys === undefined || keys[0] === key || !keys.includes(key)) return;
    this.#byAlgorithm.set(alg, [key, ...keys.filter((other) => other !== key)]);
  }

  /**
   * Whether a key is still in the current key set and that set may still be used: a cached
   * token is held to the same key ages as a new one. Never starts a fetch.
   */
  has(key: VerificationKey): boolean {
    return this.#current.has(key) && this.#usable();
  }

  /**
   * Starts the one background refresh when the keys are past `maxAge` yet still usable (up to
   * `staleIfError`); never waits. Called wherever keys are used: for every token verified or
   * answered from the token cache, so that the keys in use never go past `staleIfError` unseen.
   */
  refreshIfStale(): void {
    if (this.#loadedAt === undefined || this.#options.jwksUri === undefined) return;
    const age = this.#options.clock() - this.#loadedAt;
    if (age >= this.#settings.maxAge && age < this.#usableFor()) this.#refreshInBackground(age);
  }

  /**
   * The keys to verify a token with: at once from the loaded key set, after
   * {@link KeyStore.refreshIfStale}; otherwise after the one fetch it must wait for: the first
   * key set, or the one refetch per cooldown that a `kid` not in the set allows. Empty when
   * there is no such key.
   */
  keysOrFetch(
    kid: string | undefined,
    alg: string,
  ): readonly VerificationKey[] | Promise<readonly VerificationKey[]> {
    this.refreshIfStale();
    const keys = this.peek(kid, alg);
    return keys !== undefined && keys.length > 0 ? keys : this.#fetchKeys(kid, alg, keys);
  }

  /**
   * For a token without `kid` that no current key verified (the keys may have been rotated): the
   * keys of a newer key set after the one refetch per cooldown, or `undefined` when there is none.
   */
  async keysAfterRefetch(alg: string): Promise<readonly VerificationKey[] | undefined> {
    const generation = this.#generation;
    if (!(await this.refetchForUnknownKey(undefined)) || this.#generation === generation) {
      return undefined;
    }
    return this.peek(undefined, alg) ?? [];
  }

  /**
   * Waits until a usable key set is loaded, fetching one unless a failed fetch is still backing
   * off (and starting the background refresh of stale keys). Throws the reason when there is
   * still none.
   */
  async ensureLoaded(): Promise<void> {
    if (this.#inFlight === undefined && this.#usable()) {
      this.refreshIfStale();
      return;
    }
    const pending =
      this.#inFlight ?? this.#fetchIfAllowed(this.#loadedAt === undefined ? "initial" : "refresh");
    if (pending !== undefined) await pending;
    if (this.#usable()) {
      this.refreshIfStale();
      return;
    }
    throw (
      this.#lastError ??
      new PicketValidationError(
        "ERR_JWKS_UNAVAILABLE",
        "No key set is loaded and none can be fetched now",
      )
    );
  }

  /**
   * For a token whose key is not in the set: fetches once per cooldown, shared by all callers.
   * Resolves `true` when a fetch ran (the caller should look again), `false` when refused.
   */
  async refetchForUnknownKey(kid: string | undefined): Promise<boolean> {
    if (this.#inFlight !== undefined) {
      await this.#inFlight;
      return true;
    }
    if (this.#options.jwksUri === undefined) return false;
    const now = this.#options.clock();
    const allowedAt = Math.max(this.#lastAttemptAt + this.#settings.cooldown, this.#nextRetryAt);
    if (now < allowedAt) {
      this.#options.emit({ type: "jwks_cooldown", kid, retryInMs: allowedAt - now });
      return false;
    }
    await this.#fetch("unknown_kid");
    return true;
  }

  /** Fetches now, whatever the cooldown; shares a fetch already under way. Throws if it fails. */
  async refresh(): Promise<void> {
    if (this.#options.jwksUri === undefined) {
      await this.ensureLoaded();
      return;
    }
    const error = await (this.#inFlight ?? this.#fetch("manual"));
    if (error !== undefined) throw error;
  }

  /** {@link KeyStore.keysOrFetch}'s wait, when the key set holds no key for the token now. */
  async #fetchKeys(
    kid: string | undefined,
    alg: string,
    peeked: readonly VerificationKey[] | undefined,
  ): Promise<readonly VerificationKey[]> {
    let keys = peeked;
    if (keys === undefined) {
      await this.ensureLoaded();
      keys = this.peek(kid, alg) ?? [];
    }
    if (keys.length === 0 && (await this.refetchForUnknownKey(kid))) {
      keys = this.peek(kid, alg) ?? [];
    }
    return keys;
  }

  /** Whether keys are loaded and young enough to use: up to {@link KeyStore.#usableFor}. */
  #usable(): boolean {
    if (this.#loadedAt === undefined) return false;
    if (this.#options.jwksUri === undefined) return true;
    return this.#options.clock() - this.#loadedAt < this.#usableFor();
  }

  /** How long a key set may be used: `staleIfError`, or `maxAge` if longer. */
  #usableFor(): number {
    return Math.max(this.#settings.staleIfError, this.#settings.maxAge);
  }

  #refreshInBackground(age: number): void {
    if (this.#inFlight !== undefined || this.#options.clock() < this.#nextRetryAt) return;
    this.#options.emit({ type: "jwks_stale", ageMs: age });
    this.#fetch(this.#failures > 0 ? "retry" : "refresh");
  }

  #fetchIfAllowed(reason: JwksFetchReason): Promise<PicketValidationError | undefined> | undefined {
    if (this.#options.jwksUri === undefined) return undefined;
    if (this.#options.clock() < this.#nextRetryAt) return undefined;
    return this.#fetch(this.#failures > 0 ? "retry" : reason);
  }

  #fetch(reason: JwksFetchReason): Promise<PicketValidationError | undefined> {
    this.#lastAttemptAt = this.#options.clock();
    const loaded = this.#fetchFrom(this.#jwksUri as string, reason);
    // Without discovery, the load itself is tracked: the fetch settles as it always did.
    return this.#track(
      this.#options.discoveryUri === undefined ? loaded : this.#discoverOnFailure(loaded, reason),
    );
  }

  /** Where the default address has no key set, fetches from the one discovery names. */
  async #discoverOnFailure(
    loaded: Promise<PicketValidationError | undefined>,
    reason: JwksFetchReason,
  ): Promise<PicketValidationError | undefined> {
    const error = await loaded;
    if (error === undefined || !this.#mayDiscover(error)) return error;
    const moved = await this.#discover();
    if (moved === undefined) return error;
    this.#jwksUri = moved;
    return this.#fetchFrom(moved, reason);
  }

  #fetchFrom(uri: string, reason: JwksFetchReason): Promise<PicketValidationError | undefined> {
    this.#options.emit({ type: "jwks_fetch_start", uri, reason });
    return this.#load(() => fetchJwks(uri, this.#limits()), uri);
  }

  #limits(): FetchJwksOptions {
    const { timeout, maxBytes } = this.#settings;
    return { fetch: this.#options.fetch, timeout, maxBytes };
  }

  /**
   * Whether a failure may mean the key set moved (a `404`, or an answer that is no usable key
   * set) and discovery has not run within the cooldown. Timeouts and `5xx` are
   * outages, not moves: the backoff handles them.
   */
  #mayDiscover(error: PicketValidationError): boolean {
    if (error.code !== "ERR_JWKS_INVALID" && !answeredNotFound(error)) return false;
    const now = this.#options.clock();
    if (now < this.#lastDiscoveryAt + this.#settings.cooldown) return false;
    this.#lastDiscoveryAt = now;
    return true;
  }

  /**
   * The key set's address as the OpenID configuration names it, reported as a
   * `jwks_uri_discovered` event; `undefined` where it names none, or the address that failed.
   */
  async #discover(): Promise<string | undefined> {
    const configuration = this.#options.discoveryUri as string;
    const from = this.#jwksUri as string;
    const started = this.#options.clock();
    try {
      const uri = await discoverJwksUri(configuration, this.#limits());
      if (uri === from) return undefined;
      this.#options.emit({ type: "jwks_uri_discovered", from, uri, configuration });
      return uri;
    } catch (cause) {
      const error =
        cause instanceof Error
          ? cause
          : new PicketValidationError("ERR_JWKS_UNAVAILABLE", "Discovery failed", { cause });
      const durationMs = this.#options.clock() - started;
      this.#options.emit({ type: "jwks_fetch_failure", uri: configuration, error, durationMs });
      return undefined;
    }
  }

  #track(
    pending: Promise<PicketValidationError | undefined>,
  ): Promise<PicketValidationError | undefined> {
    this.#inFlight = pending;
    pending.then(() => {
      if (this.#inFlight === pending) this.#inFlight = undefined;
    });
    return pending;
  }

  /** Loads keys given up front synchronously; `false` where this runtime cannot. */
  #loadSync(jwks: unknown): boolean {
    const started = this.#options.clock();
    try {
      const imported = importKeySetSync(jwks, this.#options.algorithms, this.#settings.maxKeys);
      if (imported === undefined) return false;
      this.#accept(imported, undefined, started);
    } catch (cause) {
      this.#reject(cause, undefined, started);
    }
    return true;
  }

  /** Loads a key set from a source; resolves with the error instead of rejecting. */
  async #load(
    source: () => Promise<unknown>,
    uri: string | undefined,
  ): Promise<PicketValidationError | undefined> {
    const started = this.#options.clock();
    try {
      const imported = await importKeySet(
        await source(),
        this.#options.algorithms,
        this.#settings.maxKeys,
      );
      this.#accept(imported, uri, started);
      return undefined;
    } catch (cause) {
      return this.#reject(cause, uri, started);
    }
  }

  /** Installs an imported key set; throws `ERR_JWKS_INVALID` when it holds no usable key. */
  #accept(imported: ImportedKeySet, uri: string | undefined, started: number): void {
    if (imported.keys.length === 0) {
      throw new PicketValidationError(
        "ERR_JWKS_INVALID",
        `The key set${uri === undefined ? "" : ` at ${uri}`} has no usable key for ${this.#options.algorithms.map((a) => a.name).join(", ")} (${imported.ignored} ignored)`,
      );
    }
    this.#install(imported);
    if (uri !== undefined) {
      this.#options.emit({
        type: "jwks_fetch_success",
        uri,
        keys: imported.keys.length,
        ignored: imported.ignored,
        durationMs: this.#options.clock() - started,
      });
    }
  }

  /** Records a failed load and its backoff; returns the error. */
  #reject(cause: unknown, uri: string | undefined, started: number): PicketValidationError {
    const error =
      cause instanceof PicketValidationError
        ? cause
        : new PicketValidationError("ERR_JWKS_INVALID", "The key set could not be imported", {
            cause,
          });
    this.#failures += 1;
    this.#lastError = error;
    const backoff = Math.min(
      this.#settings.cooldown * 2 ** (this.#failures - 1),
      this.#settings.maxAge,
    );
    this.#nextRetryAt = this.#options.clock() + backoff;
    if (uri !== undefined) {
      this.#options.emit({
        type: "jwks_fetch_failure",
        uri,
        error,
        durationMs: this.#options.clock() - started,
      });
    }
    return error;
  }

  #install(imported: ImportedKeySet): void {
    this.#byKid.clear();
    const byAlgorithm = new Map<string, VerificationKey[]>();
    for (const key of imported.keys) {
      if (key.kid !== undefined)
        this.#byKid.set(key.kid, [...(this.#byKid.get(key.kid) ?? []), key]);
      for (const alg of key.algorithms)
        byAlgorithm.set(alg, [...(byAlgorithm.get(alg) ?? []), key]);
    }
    this.#byAlgorithm = byAlgorithm;
    this.#current = new Set(imported.keys);
    this.#generation += 1;
    this.#loadedAt = this.#options.clock();
    this.#failures = 0;
    this.#nextRetryAt = Number.NEGATIVE_INFINITY;
    this.#lastError = undefined;
  }
}
