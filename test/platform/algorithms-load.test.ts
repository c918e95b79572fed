import { describe, expect, it } from "vitest";

// The algorithm table is built when its module loads. This file imports nothing from src/ at
// the top, so that a table that fails to build fails this test rather than the collection of the
// file (which a runner may report as an error instead of a failed test).
describe("the algorithm table", () => {
  it("loads, with every supported algorithm under its own name", async () => {
    const { SUPPORTED_ALGORITHMS } = await import("../../src/platform/algorithms.js");
    expect(SUPPORTED_ALGORITHMS.get("ES256")).toEqual({
      name: "ES256",
      hash: "sha256",
      kty: "EC",
      crv: "P-256",
      signatureLength: 64,
    });
    expect(SUPPORTED_ALGORITHMS.size).toBe(11);
    for (const [name, spec] of SUPPORTED_ALGORITHMS) expect(spec.name).toBe(name);
  });
});
