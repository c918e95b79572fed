import { describe, expect, it, vi } from "vitest";
import type { PicketAccessToken, Requirements } from "../../src/index.js";
import { normalizeRequirements } from "../../src/requirements/normalize-requirements.js";
import { RequirementsGate } from "../../src/requirements/requirements-gate.js";

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

describe("RequirementsGate.resolve, for an object passed again", () => {
  const route = () => ({ contractAddress: CONTRACT, tokenIds: [1, 2] }) as Record<string, unknown>;

  it("compares arrays by element: an equal array put in place of the old one still matches", () => {
    const gate = new RequirementsGate(undefined);
    const requirements = route();
    const first = gate.resolve(requirements as Requirements);
    requirements.tokenIds = [1, 2];
    expect(gate.resolve(requirements as Requirements)).toBe(first);
  });

  it.each<[string, (requirements: Record<string, unknown>) => void]>([
    [
      "a changed value",
      (r) => {
        r.contractAddress = WALLET;
      },
    ],
    [
      "an added key",
      (r) => {
        r.chain = "ethereum";
      },
    ],
    ["a removed key", (r) => void delete r.contractAddress],
    [
      "a removed key replaced by another",
      (r) => {
        delete r.contractAddress;
        r.chain = "ethereum";
      },
    ],
    [
      "a changed array element",
      (r) => {
        (r.tokenIds as number[])[1] = 3;
      },
    ],
    ["a longer array", (r) => void (r.tokenIds as number[]).push(3)],
    [
      "an array replaced by another value",
      (r) => {
        r.tokenIds = "1";
      },
    ],
  ])("forgets it after %s", (_label, change) => {
    const gate = new RequirementsGate(undefined);
    const requirements = route();
    const first = gate.resolve(requirements as Requirements);
    change(requirements);
    let again: unknown;
    try {
      again = gate.resolve(requirements as Requirements);
    } catch (error) {
      again = error;
    }
    expect(again).not.toBe(first);
  });

  it("refuses requirements with inherited members every time: only a plain object is read", () => {
    const gate = new RequirementsGate(undefined);
    const requirements = Object.assign(Object.create({ chain: "inherited" }), {
      contractAddress: CONTRACT,
    }) as Requirements;
    expect(() => gate.resolve(requirements)).toThrow(/plain object/);
    expect(() => gate.resolve(requirements)).toThrow(/plain object/);
  });

  it("trusts a deeply frozen object without comparing", () => {
    const gate = new RequirementsGate(undefined);
    const tokenIds = Object.freeze([1, 2]);
    const requirements = Object.freeze({ contractAddress: CONTRACT, tokenIds });
    const first = gate.resolve(requirements);
    const entries = vi.spyOn(Object, "entries");
    expect(gate.resolve(requirements)).toBe(first);
    expect(entries).not.toHaveBeenCalled();
    entries.mockRestore();
  });

  it("still compares a frozen object's mutable array", () => {
    const gate = new RequirementsGate(undefined);
    const tokenIds = [1, 2];
    const requirements = Object.freeze({ contractAddress: CONTRACT, tokenIds });
    const first = gate.resolve(requirements);
    tokenIds.push(3);
    const again = gate.resolve(requirements);
    expect(again).not.toBe(first);
    expect(again.decimalIds).toEqual(new Set([1n, 2n, 3n]));
  });
});

describe("RequirementsGate.judge and judgeAgain", () => {
  const gate = new RequirementsGate(undefined);
  const holder = (balance: string) =>
    Object.freeze({
      sub: WALLET,
      chain: "ethereum",
      tokenBalances: { contractAddress: { [CONTRACT]: balance } },
    }) as unknown as PicketAccessToken;
  const needsTwo = gate.resolve({ contractAddress: CONTRACT, minTokenBalance: "2" });

  it("passes claims that meet the requirements", () => {
    expect(gate.judge(holder("2"), needsTwo)).toBeUndefined();
    expect(gate.judgeAgain(holder("2"), needsTwo)).toBeUndefined();
  });

  it("refuses with ERR_REQUIREMENTS_NOT_MET (403), every failure and their messages", () => {
    for (const judged of [
      gate.judge(holder("1"), needsTwo),
      gate.judgeAgain(holder("1"), needsTwo),
    ]) {
      expect(judged?.code).toBe("ERR_REQUIREMENTS_NOT_MET");
      expect(judged?.status).toBe(403);
      expect(judged?.message).toBe("Requirements not met: The wallet holds 1; needs at least 2");
      expect(judged?.failures.map((failure) => failure.requirement)).toEqual(["tokenBalance"]);
    }
  });

  it("judges the same claims again from memory, under the same requirements only", () => {
    const claims = holder("1");
    const first = gate.judgeAgain(claims, needsTwo);
    expect(gate.judgeAgain(claims, needsTwo)?.failures).toBe(first?.failures);
    const needsOne = gate.resolve({ contractAddress: CONTRACT, minTokenBalance: "1" });
    expect(gate.judgeAgain(claims, needsOne)).toBeUndefined();
    expect(gate.judgeAgain(claims, needsTwo)?.code).toBe("ERR_REQUIREMENTS_NOT_MET");
  });
});
