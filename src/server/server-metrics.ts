import type { ValidatorEvent } from "../types.js";

/** Upper bounds of the latency histogram, in seconds: 50 µs to 1 s. */
const LATENCY_BUCKETS = [0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.1, 1];

/**
 * The service's counters, fed by the validator's `onEvent`, rendered in Prometheus' text format
 * (version 0.0.4). Counts only: never a token, a claim or a wallet.
 */
export class ServerMetrics {
  readonly #validations = new Map<string, number>();
  readonly #buckets = LATENCY_BUCKETS.map(() => 0);
  #latencyCount = 0;
  #latencySum = 0;
  #jwksFetches = 0;
  #jwksFailures = 0;
  #cacheHits = 0;

  /** Counts one validator event; the others (stale keys, cooldowns) are not counted. */
  record(event: ValidatorEvent): void {
    switch (event.type) {
      case "jwks_fetch_start":
        this.#jwksFetches += 1;
        return;
      case "jwks_fetch_failure":
        this.#jwksFailures += 1;
        return;
      case "validation_success":
      case "validation_failure":
        this.#validation(event.type === "validation_success" ? "ok" : event.code, event);
        return;
      default:
        return;
    }
  }

  #validation(result: string, event: { cached: boolean; durationMs: number }): void {
    this.#validations.set(result, (this.#validations.get(result) ?? 0) + 1);
    if (event.cached) this.#cacheHits += 1;
    const seconds = event.durationMs / 1000;
    this.#latencyCount += 1;
    this.#latencySum += seconds;
    LATENCY_BUCKETS.forEach((bound, index) => {
      if (seconds <= bound) this.#buckets[index] = (this.#buckets[index] ?? 0) + 1;
    });
  }

  /** Every metric, in Prometheus' text exposition format. */
  render(): string {
    const lines = [
      "# HELP picket_validations_total Token validations, by result: ok or the error code.",
      "# TYPE picket_validations_total counter",
      ...[...this.#validations].map(
        ([result, n]) => `picket_validations_total{result="${result}"} ${n}`,
      ),
      "# HELP picket_jwks_fetches_total Key set fetches started.",
      "# TYPE picket_jwks_fetches_total counter",
      `picket_jwks_fetches_total ${this.#jwksFetches}`,
      "# HELP picket_jwks_fetch_failures_total Key set fetches that failed.",
      "# TYPE picket_jwks_fetch_failures_total counter",
      `picket_jwks_fetch_failures_total ${this.#jwksFailures}`,
      "# HELP picket_token_cache_hits_total Validations answered by the verified-token cache.",
      "# TYPE picket_token_cache_hits_total counter",
      `picket_token_cache_hits_total ${this.#cacheHits}`,
      "# HELP picket_validation_duration_seconds Time to validate one token.",
      "# TYPE picket_validation_duration_seconds histogram",
      ...LATENCY_BUCKETS.map(
        (bound, index) =>
          `picket_validation_duration_seconds_bucket{le="${bound}"} ${this.#buckets[index]}`,
      ),
      `picket_validation_duration_seconds_bucket{le="+Inf"} ${this.#latencyCount}`,
      `picket_validation_duration_seconds_sum ${this.#latencySum}`,
      `picket_validation_duration_seconds_count ${this.#latencyCount}`,
    ];
    return `${lines.join("\n")}\n`;
  }
}
