import { describe, expect, it } from "vitest";
import type { Requirements } from "../../src/index.js";
import { normalizeRequirements } from "../../src/requirements/normalize-requirements.js";
import { RequirementsMemo } from "../../src/requirements/requirements-memo.js";

const CONTRACT = "0x8a90cab2b38dba80c64b7734e58ee1db38b8992e";

describe("RequirementsMemo", () => {
  const normalized = normalizeRequirements({ contractAddress: CONTRACT, tokenIds: [1, 2] });

  it("remembers an object whose members are unchanged, arrays compared by element", () => {
    const memo = new RequirementsMemo();
    const requirements = { contractAddress: CONTRACT, tokenIds: [1, 2] };
    expect(memo.get(requirements)).toBeUndefined();
    memo.set(requirements, normalized);
    expect(memo.get(requirements)).toBe(normalized);
    expect(memo.get(requirements)).toBe(normalized);
    // Another object with the same content is another key.
    expect(memo.get({ contractAddress: CONTRACT, tokenIds: [1, 2] })).toBeUndefined();
    // An equal array put in place of the old one still matches.
    requirements.tokenIds = [1, 2];
    expect(memo.get(requirements)).toBe(normalized);
  });

  it.each<[string, (requirements: Record<string, unknown>) => void]>([
    [
      "a changed value",
      (r) => {
        r.contractAddress = "0xdef";
      },
    ],
    [
      "an added key",
      (r) => {
        r.chain = "ethereum";
      },
    ],
    [
      "a removed key",
      (r) => {
        delete r.contractAddress;
      },
    ],
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
    [
      "a longer array",
      (r) => {
        (r.tokenIds as number[]).push(3);
      },
    ],
    [
      "an array replaced by a non-array",
      (r) => {
        r.tokenIds = "1";
      },
    ],
  ])("forgets an object after %s", (_label, change) => {
    const memo = new RequirementsMemo();
    const requirements: Record<string, unknown> = { contractAddress: CONTRACT, tokenIds: [1, 2] };
    memo.set(requirements as Requirements, normalized);
    change(requirements);
    expect(memo.get(requirements as Requirements)).toBeUndefined();
  });

  it("ignores inherited members", () => {
    const memo = new RequirementsMemo();
    const requirements = Object.assign(Object.create({ chain: "inherited" }), {
      contractAddress: CONTRACT,
    }) as Requirements;
    memo.set(requirements, normalized);
    expect(memo.get(requirements)).toBe(normalized);
  });

  it("trusts deeply frozen requirements, and still compares a frozen object's mutable array", () => {
    const memo = new RequirementsMemo();
    const sealed = Object.freeze({ contractAddress: CONTRACT, tokenIds: Object.freeze([1, 2]) });
    memo.set(sealed, normalized);
    expect(memo.get(sealed)).toBe(normalized);
    const ids = [1, 2];
    const shallow = Object.freeze({ contractAddress: CONTRACT, tokenIds: ids });
    memo.set(shallow, normalized);
    ids.push(3);
    expect(memo.get(shallow)).toBeUndefined();
  });
});
