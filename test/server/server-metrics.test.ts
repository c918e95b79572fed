import { describe, expect, it } from "vitest";
import { ServerMetrics } from "../../src/server/server-metrics.js";

describe("ServerMetrics", () => {
  it("renders zeroes before any event, in Prometheus text with HELP and TYPE", () => {
    const text = new ServerMetrics().render();
    expect(text).toContain("# TYPE picket_validations_total counter\n");
    expect(text).toContain("# TYPE picket_validation_duration_seconds histogram\n");
    expect(text).toContain("picket_jwks_fetches_total 0\n");
    expect(text).toContain('picket_validation_duration_seconds_bucket{le="+Inf"} 0\n');
    expect(text.endsWith("\n")).toBe(true);
  });

  it("puts each duration in every bucket at or above it", () => {
    const metrics = new ServerMetrics();
    metrics.record({ type: "validation_success", kid: undefined, cached: true, durationMs: 0.2 });
    metrics.record({
      type: "validation_failure",
      code: "ERR_SIGNATURE_INVALID",
      requirements: [],
      uncounted: [],
      kid: undefined,
      cached: false,
      durationMs: 50,
    });
    metrics.record({ type: "jwks_fetch_start", uri: "u", reason: "initial" });
    metrics.record({ type: "jwks_fetch_failure", uri: "u", error: new Error("x"), durationMs: 1 });
    metrics.record({ type: "jwks_stale", ageMs: 1 });
    const text = metrics.render();
    expect(text).toContain('picket_validations_total{result="ok"} 1\n');
    expect(text).toContain('picket_validations_total{result="ERR_SIGNATURE_INVALID"} 1\n');
    expect(text).toContain('picket_validation_duration_seconds_bucket{le="0.0001"} 0\n');
    expect(text).toContain('picket_validation_duration_seconds_bucket{le="0.00025"} 1\n');
    expect(text).toContain('picket_validation_duration_seconds_bucket{le="0.01"} 1\n');
    expect(text).toContain('picket_validation_duration_seconds_bucket{le="0.1"} 2\n');
    expect(text).toContain("picket_validation_duration_seconds_sum 0.0502\n");
    expect(text).toContain("picket_token_cache_hits_total 1\n");
    expect(text).toContain("picket_jwks_fetches_total 1\n");
    expect(text).toContain("picket_jwks_fetch_failures_total 1\n");
  });
});
