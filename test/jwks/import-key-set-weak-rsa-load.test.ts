import { describe, expect, it } from "vitest";

// The ROCA table is built when its module loads. This file imports nothing from src/ at the top,
// so that a table that fails to build fails this test rather than the collection of the file
// (which a runner may report as an error instead of a failed test).
describe("the ROCA fingerprint table", () => {
  it("loads, and its check runs", async () => {
    const { isWeakRsaKey } = await import("../../src/jwks/import-key-set.js");
    expect(isWeakRsaKey("AQAB", "AQAB")).toBe(true);
  });
});
