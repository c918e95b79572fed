import { describe, expect, it } from "vitest";
import type { ValidatorOptions } from "../../src/index.js";
import { resolveOptions } from "../../src/validator/resolve-options.js";

const projectId = "7a9c8a54-3c4e-4e1b-9a8f-2f1f6c9b0d11";

function clockRefusal(value: unknown): string {
  try {
    resolveOptions({ projectId, clock: () => value as number });
  } catch (error) {
    expect(error).toBeInstanceOf(TypeError);
    return (error as TypeError).message;
  }
  throw new Error(`accepted a clock returning ${String(value)}`);
}

const prefix = "options.clock must return the time in milliseconds, like Date.now(); it returned ";
const hint = " (seconds, by the look of it: multiply by 1000)";

describe("resolveOptions: the clock check", () => {
  it("accepts a clock at exactly the earliest millisecond count", () => {
    const clock = () => 1e11;
    expect(resolveOptions({ projectId, clock }).clock).toBe(clock);
  });

  it("refuses a small number that is no plausible time, with no seconds hint", () => {
    expect(clockRefusal(5)).toBe(`${prefix}5`);
  });

  it("hints at seconds from the exact boundary where seconds turn into plausible milliseconds", () => {
    expect(clockRefusal(1e8)).toBe(`${prefix}100000000${hint}`);
    expect(clockRefusal(1e8 - 1)).toBe(`${prefix}99999999`);
  });

  it("quotes a string the clock returns and never hints at seconds for it", () => {
    expect(clockRefusal("abc")).toBe(`${prefix}"abc"`);
    expect(clockRefusal("200000000")).toBe(`${prefix}"200000000"`);
  });

  it("names NaN as NaN", () => {
    expect(clockRefusal(Number.NaN)).toBe(`${prefix}NaN`);
  });
});

describe("resolveOptions: static keys", () => {
  it("leaves discovery off when only static keys are given", () => {
    const resolved = resolveOptions({ projectId, jwks: { keys: [] } } as ValidatorOptions);
    expect(resolved.jwksUri).toBeUndefined();
    expect(resolved.discoveryUri).toBeUndefined();
  });

  it("refuses a function carrying a keys array as options.jwks", () => {
    const jwks = Object.assign(() => {}, { keys: [] });
    expect(() => resolveOptions({ projectId, jwks } as unknown as ValidatorOptions)).toThrow(
      'options.jwks must be a JWKS object: { "keys": [...] }',
    );
  });
});
