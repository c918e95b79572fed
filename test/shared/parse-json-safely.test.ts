import { describe, expect, it } from "vitest";
import { parseJsonSafely } from "../../src/shared/parse-json-safely.js";

describe("parseJsonSafely", () => {
  it("drops __proto__, constructor and prototype members at every depth", () => {
    const parsed = parseJsonSafely(
      '{"__proto__":{"a":1},"constructor":{"b":2},"prototype":3,"keys":[{"kid":"k","constructor":1,"__proto__":{}}]}',
    ) as Record<string, unknown>;
    expect(Object.keys(parsed)).toEqual(["keys"]);
    expect(Object.hasOwn(parsed, "__proto__")).toBe(false);
    expect(Object.hasOwn(parsed, "constructor")).toBe(false);
    expect(parsed.keys).toEqual([{ kid: "k" }]);
    expect(Object.getPrototypeOf(parsed)).toBe(Object.prototype);
  });
});
