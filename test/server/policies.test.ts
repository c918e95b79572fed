import { describe, expect, it } from "vitest";
import { checkPolicies } from "../../src/server/policies.js";

describe("checkPolicies", () => {
  it("keeps well-formed policies by name, and nothing from the prototype", () => {
    const policies = checkPolicies({ any: {}, sol: { chain: "solana" } }, undefined);
    expect([...policies.keys()]).toEqual(["any", "sol"]);
    expect(policies.get("sol")).toEqual({ chain: "solana" });
    expect(Object.isFrozen(policies.get("sol"))).toBe(true);
    expect(policies.get("constructor")).toBeUndefined();
    expect(checkPolicies(undefined, undefined).size).toBe(0);
  });

  it.each([
    [[], "policies must be an object"],
    [{ "": {} }, 'policy name ""'],
    [{ "a b": {} }, 'policy name "a b"'],
    [{ gold: [] }, "policies.gold must be a requirements object"],
    [{ gold: "x" }, "policies.gold must be a requirements object"],
    [{ gold: { minTokenBalance: "1.0e3", contractAddress: "0x1" } }, "policies.gold:"],
    [{ gold: { colection: "x" } }, "policies.gold: requirements.colection"],
  ])("refuses %j", (policies, message) => {
    expect(() => checkPolicies(policies, undefined)).toThrow(TypeError);
    expect(() => checkPolicies(policies, undefined)).toThrow(message);
  });

  it("checks each policy merged over the validator's own requirements, and seals it", () => {
    const CONTRACT = "0x8a90CAb2b38dba80c64b7734e58Ee1dB38B8992e";
    // A balance counts the validator's own contract: refused alone, fine merged.
    expect(() => checkPolicies({ rich: { minTokenBalance: "1.5" } }, undefined)).toThrow(
      "policies.rich:",
    );
    const sealed = checkPolicies(
      { rich: { minTokenBalance: "1.5" } },
      { contractAddress: CONTRACT },
    );
    expect(Object.isFrozen(sealed.get("rich"))).toBe(true);
  });
});
