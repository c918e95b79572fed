import { describe, expect, it } from "vitest";
import type { Requirements, RequirementsResult } from "../../src/index.js";
import { normalizeRequirements } from "../../src/requirements/normalize-requirements.js";
import { enforceVerdict, RequirementsGate } from "../../src/requirements/requirements-gate.js";
import { thrownBy } from "../helpers/expect-code.js";

const CONTRACT = "0x8a90CAb2b38dba80c64b7734e58Ee1dB38B8992e";
const WALLET = "0x000000000000000000000000000000000000dEaD";

describe("RequirementsGate.resolve", () => {
  it("answers a call without requirements with the validator's own, normalized once", () => {
    const gate = new RequirementsGate({ chain: "ethereum" });
    const resolved = gate.resolve(undefined);
    expect(resolved).toEqual(normalizeRequirements({ chain: "ethereum" }));
    expect(gate.resolve(undefined)).toBe(resolved);
  });

  it("answers with no requirements at all when neither the validator nor the call has any", () => {
    expect(new RequirementsGate(undefined).resolve(undefined)).toEqual(
      normalizeRequirements(undefined),
    );
    expect(new RequirementsGate(undefined).resolve({})).toEqual(normalizeRequirements({}));
  });

  it("merges the call's requirements over the validator's, key by key", () => {
    const gate = new RequirementsGate({ chain: "ethereum", allowedWallets: [WALLET] });
    const resolved = gate.resolve({ chain: "solana", contractAddress: CONTRACT });
    expect(resolved).toEqual(
      normalizeRequirements({
        chain: "solana",
        allowedWallets: [WALLET],
        contractAddress: CONTRACT,
      }),
    );
  });

  it("keeps the validator's value where the call's is undefined", () => {
    const gate = new RequirementsGate({ chain: "ethereum" });
    expect(gate.resolve({ chain: undefined } as unknown as Requirements).chain).toBe("ethereum");
  });

  it("remembers the normalized form of a requirements object passed again", () => {
    const gate = new RequirementsGate({ chain: "ethereum" });
    const route: Requirements = { contractAddress: CONTRACT, minTokenBalance: "2" };
    const first = gate.resolve(route);
    expect(gate.resolve(route)).toBe(first);
    // Another object with the same content is normalized on its own.
    const other = gate.resolve({ contractAddress: CONTRACT, minTokenBalance: "2" });
    expect(other).not.toBe(first);
    expect(other).toEqual(first);
  });

  it("normalizes an object again once it changed", () => {
    const gate = new RequirementsGate(undefined);
    const route: Requirements = { contractAddress: CONTRACT, minTokenBalance: "2" };
    const before = gate.resolve(route);
    route.minTokenBalance = "3";
    const after = gate.resolve(route);
    expect(after).not.toBe(before);
    expect(after.minimum?.toString()).toBe("3");
    expect(gate.resolve(route)).toBe(after);
  });

  it("refuses malformed requirements of the validator at construction", () => {
    expect(() => new RequirementsGate({ minTokenBalance: "1" })).toThrow(TypeError);
    expect(() => new RequirementsGate({ chain: "" })).toThrow(TypeError);
    expect(() => new RequirementsGate({ nope: 1 } as Requirements)).toThrow(
      new TypeError(
        "requirements.nope is not a requirement; requirements are chain, contractAddress, minTokenBalance, tokenIds, collection, creatorAddress, allowedWallets",
      ),
    );
  });

  it("refuses malformed requirements of a call, every time", () => {
    const gate = new RequirementsGate({ chain: "ethereum" });
    const malformed = { minTokenBalance: "-1", contractAddress: CONTRACT } as Requirements;
    expect(() => gate.resolve(malformed)).toThrow(TypeError);
    expect(() => gate.resolve(malformed)).toThrow(TypeError);
  });

  it.each([
    ["a string", "ethereum"],
    ["a number", 1],
    ["an array", []],
  ])("refuses requirements that are %s with a TypeError", (_label, value) => {
    const gate = new RequirementsGate(undefined);
    expect(() => gate.resolve(value as unknown as Requirements)).toThrow(TypeError);
    expect(() => gate.resolve(value as unknown as Requirements)).toThrow(TypeError);
  });
});

describe("enforceVerdict", () => {
  it("lets a passing verdict through", () => {
    expect(() => enforceVerdict({ ok: true })).not.toThrow();
  });

  it("throws ERR_REQUIREMENTS_NOT_MET (403) with every failure and their messages", () => {
    const result: RequirementsResult = {
      ok: false,
      failures: [
        { requirement: "chain", reason: "mismatch", message: "The chain is wrong" },
        {
          requirement: "tokenBalance",
          reason: "insufficient_balance",
          message: "Not enough tokens",
          uncounted: ["contractAddress"],
        },
      ],
    };
    const error = thrownBy(() => enforceVerdict(result));
    expect(error.code).toBe("ERR_REQUIREMENTS_NOT_MET");
    expect(error.status).toBe(403);
    expect(error.message).toBe("Requirements not met: The chain is wrong; Not enough tokens");
    expect(error.failures).toBe(result.ok ? undefined : result.failures);
  });
});
