import { describe, expect, it } from "vitest";

// The entry is imported inside the tests, so that an entry that fails to load fails them.
describe("the package entry", () => {
  it("loads and exports exactly the documented runtime names", async () => {
    const entry = await import("../src/index.js");
    expect(Object.keys(entry).sort()).toEqual([
      "ERROR_STATUS",
      "PICKET_ISSUER",
      "PICKET_JWKS_URI",
      "PicketValidationError",
      "checkRequirements",
      "createValidator",
      "decodeUnverified",
      "isPicketValidationError",
      "parseBearer",
    ]);
  });

  it("gives a validator that works with the default options table", async () => {
    const { createValidator, PICKET_ISSUER, PICKET_JWKS_URI } = await import("../src/index.js");
    expect(PICKET_ISSUER).toBe("picketapi.com");
    expect(PICKET_JWKS_URI).toBe("https://picketapi.com/api/v1/.well-known/jwks.json");
    const validator = createValidator({ projectId: "p", jwks: { keys: [] } });
    expect(validator.requirements).toBeUndefined();
    expect(() => validator.validateSync("a.b.c")).toThrow(
      expect.objectContaining({ code: "ERR_TOKEN_MALFORMED" }),
    );
  });

  it("reads durations with every unit spelling once loaded", async () => {
    const { parseDuration } = await import("../src/shared/parse-duration.js");
    expect(parseDuration("1 week", "milliseconds", "x")).toBe(604_800_000);
    expect(parseDuration("3ms", "milliseconds", "x")).toBe(3);
  });
});
