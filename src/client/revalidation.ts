import { LRUCache } from "lru-cache";
import { PicketValidationError } from "../errors.js";
import { parseDuration } from "../shared/parse-duration.js";
import type { AuthResponse } from "./types.js";

/** How one client rations revalidation calls. */
export interface RevalidationSettings {
  /** Milliseconds a "still not met" answer is remembered. */
  cooldown: number;
  clock: () => number;
}

interface Declined {
  until: number;
  error: PicketValidationError;
}

const DEFAULT_COOLDOWN = 60_000;
const MIN_COOLDOWN = 1_000;
/** Tokens whose "still not met" answers are remembered at once; the least recent are forgotten. */
const MAX_DECLINED = 10_000;

/**
 * One client's revalidation state: the `/authz` calls in flight, which concurrent callers share,
 * and the "still not met" answers of the last cooldown, which spare Picket a call.
 */
export class Revalidation {
  readonly #settings: RevalidationSettings;
  readonly #inFlight = new Map<string, Promise<AuthResponse>>();
  readonly #declined = new LRUCache<string, Declined>({ max: MAX_DECLINED });

  constructor(settings: RevalidationSettings) {
    this.#settings = settings;
  }

  /** The call in flight under `key`, or a new one from `start`, shared until it settles. */
  share(key: string, start: () => Promise<AuthResponse>): Promise<AuthResponse> {
    const pending = this.#inFlight.get(key);
    if (pending !== undefined) return pending;
    const request = start().finally(() => this.#inFlight.delete(key));
    this.#inFlight.set(key, request);
    return request;
  }

  /** A fresh copy of the "still not met" error remembered under `key`, within its cooldown. */
  declined(key: string): PicketValidationError | undefined {
    const entry = this.#declined.get(key);
    if (entry === undefined) return undefined;
    if (this.#settings.clock() >= entry.until) {
      this.#declined.delete(key);
      return undefined;
    }
    const { message, failures, cause } = entry.error;
    return new PicketValidationError("ERR_REQUIREMENTS_NOT_MET", message, { failures, cause });
  }

  /** Remembers that Picket's answer under `key` still did not meet the requirements. */
  decline(key: string, error: PicketValidationError): void {
    this.#declined.set(key, { until: this.#settings.clock() + this.#settings.cooldown, error });
  }
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
