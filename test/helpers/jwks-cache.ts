import { performance } from "node:perf_hooks";
import type { JSONWebKeySet } from "jose";
import {
  createValidator,
  type Validator,
  type ValidatorEvent,
  type ValidatorOptions,
} from "../../src/index.js";
import type { TestIssuer } from "../../src/testing/index.js";

type EventType = ValidatorEvent["type"];
type EventOf<T extends EventType> = Extract<ValidatorEvent, { type: T }>;

/** The key set that holds the keys of all these issuers. */
export function keySet(...issuers: TestIssuer[]): JSONWebKeySet {
  return { keys: issuers.flatMap((each) => each.jwks.keys) };
}

/** Waits, in bounded 1 ms steps, until `condition` holds. */
export async function until(
  condition: () => boolean,
  what: string,
  limitMs = 5_000,
): Promise<void> {
  const deadline = performance.now() + limitMs;
  while (!condition()) {
    if (performance.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 1));
  }
}

/** Events a validator reported, in order; see {@link recordEvents}. */
export type EventRecorder = ReturnType<typeof recordEvents>;

/**
 * Collects the key set's events (pass `onEvent` as the validator's), with the time `now()` read
 * when each arrived; `next(type)` resolves on the next event of that type. Validation outcomes
 * (`validation_*`) are kept apart, in `validations`.
 */
export function recordEvents(now: () => number) {
  const events: ValidatorEvent[] = [];
  const validations: ValidatorEvent[] = [];
  const at: number[] = [];
  const waiters: { type: EventType; resolve: (event: ValidatorEvent) => void }[] = [];
  const recorder = {
    events,
    validations,
    onEvent(event: ValidatorEvent): void {
      if (event.type.startsWith("validation_")) {
        validations.push(event);
        return;
      }
      events.push(event);
      at.push(now());
      for (const waiter of waiters.splice(0)) {
        if (waiter.type === event.type) waiter.resolve(event);
        else waiters.push(waiter);
      }
    },
    /** The next event of this type, from now on. */
    next<T extends EventType>(type: T): Promise<EventOf<T>> {
      return new Promise((resolve) => {
        waiters.push({ type, resolve: resolve as (event: ValidatorEvent) => void });
      });
    },
    of<T extends EventType>(type: T): EventOf<T>[] {
      return events.filter((event): event is EventOf<T> => event.type === type);
    },
    /** The `now()` time of each event of this type. */
    timesOf(type: EventType): number[] {
      return events.flatMap((event, index) => (event.type === type ? [at[index] as number] : []));
    },
    /** The reason of each fetch that started. */
    reasons(): string[] {
      return recorder.of("jwks_fetch_start").map((event) => event.reason);
    },
    /** Resolves once every fetch that started has ended, one way or the other. */
    settled(): Promise<void> {
      return until(
        () =>
          recorder.of("jwks_fetch_start").length ===
          recorder.of("jwks_fetch_success").length + recorder.of("jwks_fetch_failure").length,
        "the fetch under way to end",
      );
    },
  };
  return recorder;
}

/**
 * A validator with these options and a fresh {@link recordEvents} recorder on their `clock` as its
 * `onEvent`, unless the options bring their own `onEvent`.
 */
export function recordedValidator(options: ValidatorOptions & { clock: () => number }): {
  validator: Validator;
  recorder: EventRecorder;
} {
  const recorder = recordEvents(options.clock);
  const validator = createValidator({ onEvent: recorder.onEvent, ...options });
  return { validator, recorder };
}
