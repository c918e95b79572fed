import { LRUCache } from "lru-cache";
import { isPicketValidationError, PicketValidationError } from "../errors.js";
import { parseDuration } from "../shared/parse-duration.js";
import { isPicketApiError, PicketApiError } from "./picket-api-error.js";

/** How one client rations revalidation calls. */
export interface RevalidationSettings {
  /** Milliseconds between two calls for one token and requirements, whatever Picket answered. */
  cooldown: number;
  clock: () => number;
}

/** What the last call under one key came to, and when the next may be made. */
interface Memory {
  /** The fresh token Picket issued and that passed, with its expiry; or the call's error. */
  answer: { freshToken: string; expires: number } | { error: unknown };
  /** No call under this key before this time. */
  nextCall: number;
  /** Outages in a row under this key, for the back-off. */
  strikes: number;
}

const DEFAULT_COOLDOWN = 60_000;
const MIN_COOLDOWN = 1_000;
/** Keys whose last answer is remembered at once; the least recent are forgotten. */
const MAX_REMEMBERED = 10_000;
/** Back-off doubles the cooldown at most this many times (32 cooldowns, 32 min by default). */
const MAX_DOUBLINGS = 5;
/** Outages in a row, across keys, that open the client-wide breaker. */
const OUTAGES_TO_OPEN = 2;

/**
 * One client's revalidation state: the `/authz` calls in flight, which concurrent callers share;
 * per token and requirements, the last answer (a fresh token that passed, served again while it
 * lives, or the error, repeated until the next call is due); and a client-wide breaker, opened by
 * a refused secret key or by outages across tokens, so that neither costs a call per request.
 */
export class Revalidation {
  readonly #settings: RevalidationSettings;
  readonly #inFlight = new Map<string, Promise<unknown>>();
  readonly #memory = new LRUCache<string, Memory>({ max: MAX_REMEMBERED });
  #breaker: { until: number; error: unknown } | undefined;
  /** Outages in a row, whatever the key; any other answer resets it. */
  #outages = 0;

  constructor(settings: RevalidationSettings) {
    this.#settings = settings;
  }

  /** The work in flight under `key`, or a new one from `start`, shared until it settles. */
  share<T>(key: string, start: () => Promise<T>): Promise<T> {
    const pending = this.#inFlight.get(key);
    if (pending !== undefined) return pending as Promise<T>;
    const work = start().finally(() => this.#inFlight.delete(key));
    this.#inFlight.set(key, work);
    return work;
  }

  /** The fresh token remembered under `key`, until it expires. */
  freshToken(key: string): string | undefined {
    const answer = this.#memory.get(key)?.answer;
    if (answer === undefined || !("freshToken" in answer)) return undefined;
    return this.#settings.clock() < answer.expires ? answer.freshToken : undefined;
  }

  /**
   * Why Picket may not be asked under `key` now: a copy of the error of the last call under it,
   * or of the one that opened the breaker (`error` is `undefined` when the last call passed, for
   * the caller's own verdict); `undefined` when a call may be made.
   */
  hold(key: string): { error: unknown } | undefined {
    const now = this.#settings.clock();
    const memory = this.#memory.get(key);
    if (memory !== undefined && now < memory.nextCall) {
      return { error: "error" in memory.answer ? copyError(memory.answer.error) : undefined };
    }
    if (this.#breaker !== undefined && now < this.#breaker.until) {
      return { error: copyError(this.#breaker.error) };
    }
    return undefined;
  }

  /** Remembers a fresh token that passed, until `expires` (milliseconds). */
  passed(key: string, freshToken: string, expires: number): void {
    const nextCall = this.#settings.clock() + this.#settings.cooldown;
    this.#memory.set(key, { answer: { freshToken, expires }, nextCall, strikes: 0 });
    this.#outages = 0;
  }

  /**
   * Remembers the error a call under `key` ended in, for a cooldown, longer for outages (429,
   * 5xx, timeout, network) in a row, as Picket's `Retry-After` asks and doubling each time. A
   * refused secret key (401) opens the breaker for a cooldown; outages across keys open it too.
   */
  failed(key: string, error: unknown): void {
    const now = this.#settings.clock();
    const { cooldown } = this.#settings;
    const strikes = isOutage(error) ? (this.#memory.get(key)?.strikes ?? 0) + 1 : 0;
    const wait = strikes === 0 ? cooldown : this.#backOff(strikes, error);
    this.#memory.set(key, { answer: { error }, nextCall: now + wait, strikes });
    if (isPicketApiError(error) && error.status === 401) {
      this.#breaker = { until: now + cooldown, error };
      return;
    }
    this.#outages = strikes === 0 ? 0 : this.#outages + 1;
    if (this.#outages >= OUTAGES_TO_OPEN) {
      this.#breaker = { until: now + this.#backOff(this.#outages - 1, error), error };
    }
  }

  /** The cooldown doubled for each outage after the first, or Picket's `Retry-After`, capped. */
  #backOff(outages: number, error: unknown): number {
    const { cooldown } = this.#settings;
    const longest = cooldown * 2 ** MAX_DOUBLINGS;
    const doubled = cooldown * 2 ** Math.min(outages - 1, MAX_DOUBLINGS);
    const asked = isPicketApiError(error) ? (error.retryAfter ?? 0) : 0;
    return Math.min(Math.max(doubled, asked), longest);
  }
}

/** Picket overloaded or out of reach: 429, 5xx, a timeout or a network failure. */
function isOutage(error: unknown): boolean {
  if (!isPicketApiError(error)) return false;
  const { status, code } = error;
  return status === 429 || status >= 500 || (status === 0 && code !== "aborted");
}

/** A new error like `error`, so that no two requests are handed the same object. */
function copyError(error: unknown): unknown {
  if (isPicketApiError(error)) {
    const { message, status, code, msg, endpoint, retryAfter, cause } = error;
    return new PicketApiError(message, { status, code, msg, endpoint, retryAfter, cause });
  }
  if (isPicketValidationError(error)) {
    const { code, message, failures, claim, header, cause } = error;
    return new PicketValidationError(code, message, {
      failures,
      cause,
      ...(claim === undefined ? {} : { claim }),
      ...(header === undefined ? {} : { header }),
    });
  }
  return error;
}

const registry = new WeakMap<object, Revalidation>();

/** Gives a client made by `createPicketClient` its revalidation settings. */
export function registerRevalidation(client: object, settings: RevalidationSettings): void {
  registry.set(client, new Revalidation(settings));
}

/** The revalidation state of `client`; a client made otherwise gets the defaults. */
export function revalidationOf(client: object): Revalidation {
  let state = registry.get(client);
  if (state === undefined) {
    state = new Revalidation({ cooldown: DEFAULT_COOLDOWN, clock: Date.now });
    registry.set(client, state);
  }
  return state;
}

/** `revalidateCooldown` in milliseconds; a `TypeError` below 1 s, which would ration nothing. */
export function resolveCooldown(given: unknown): number {
  if (given === undefined) return DEFAULT_COOLDOWN;
  const cooldown = parseDuration(given, "milliseconds", "revalidateCooldown");
  if (cooldown < MIN_COOLDOWN) {
    throw new TypeError(
      `options.revalidateCooldown must be at least ${MIN_COOLDOWN} milliseconds (1 s)`,
    );
  }
  return cooldown;
}
