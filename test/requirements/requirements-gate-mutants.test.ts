import { describe, expect, it } from "vitest";
import type { Requirements } from "../../src/index.js";
import { normalizeRequirements } from "../../src/requirements/normalize-requirements.js";
import { RequirementsGate, sealRequirements } from "../../src/requirements/requirements-gate.js";

const CONTRACT = "0x8a90CAb2b38dba80c64b7734e58Ee1dB38B8992e";
const WALLET = "0x000000000000000000000000000000000000dEaD";
const OTHER_WALLET = "0x000000000000000000000000000000000000bEEF";

describe("sealRequirements", () => {
  it("leaves undefined values out of the sealed copy", () => {
    const sealed = sealRequirements(
      { chain: "ethereum", contractAddress: undefined } as unknown as Requirements,
      undefined,
    );
    expect(Object.keys(sealed)).toEqual(["chain"]);
    expect(Object.isFrozen(sealed)).toBe(true);
  });

  it("is used as sealed only by a validator over the same own requirements", () => {
    const sealed = sealRequirements({ contractAddress: CONTRACT }, undefined);
    const gate = new RequirementsGate({ chain: "solana" });
    const resolved = gate.resolve(sealed);
    expect(resolved.chain).toBe("solana");
    expect(resolved).toEqual(normalizeRequirements({ chain: "solana", contractAddress: CONTRACT }));
  });

  it("resolves to the one normalized form it was sealed with, in every validator over the same base", () => {
    const sealed = sealRequirements({ contractAddress: CONTRACT }, undefined);
    const first = new RequirementsGate(undefined).resolve(sealed);
    const second = new RequirementsGate(undefined).resolve(sealed);
    expect(first).toBe(second);
  });
});

describe("RequirementsGate with null requirements", () => {
  it("treats null own requirements as none", () => {
    const gate = new RequirementsGate(null);
    expect(gate.base).toBeUndefined();
    expect(gate.resolve(undefined)).toEqual(normalizeRequirements(undefined));
  });

  it("treats null per-call requirements as the validator's own", () => {
    const gate = new RequirementsGate({ chain: "ethereum" });
    const resolved = gate.resolve(null as unknown as Requirements);
    expect(resolved).toEqual(normalizeRequirements({ chain: "ethereum" }));
  });
});

describe("RequirementsGate memo of deeply frozen requirements", () => {
  function countingFrozen(requirements: Requirements): {
    proxy: Requirements;
    reads: () => number;
  } {
    let reads = 0;
    const target = Object.freeze({ ...requirements });
    const proxy = new Proxy(target, {
      get(object, key, receiver) {
        reads += 1;
        return Reflect.get(object, key, receiver);
      },
    });
    return { proxy, reads: () => reads };
  }

  it("trusts a frozen object with frozen arrays without reading it again", () => {
    const { proxy, reads } = countingFrozen({
      chain: "ethereum",
      allowedWallets: Object.freeze([WALLET]),
    });
    const gate = new RequirementsGate(undefined);
    const first = gate.resolve(proxy);
    const before = reads();
    expect(gate.resolve(proxy)).toBe(first);
    expect(reads()).toBe(before);
  });

  it("compares a frozen object whose array is not frozen with what it held", () => {
    const wallets = [WALLET];
    const { proxy, reads } = countingFrozen({ chain: "ethereum", allowedWallets: wallets });
    const gate = new RequirementsGate(undefined);
    const first = gate.resolve(proxy);
    wallets[0] = OTHER_WALLET;
    const before = reads();
    const second = gate.resolve(proxy);
    expect(reads()).toBeGreaterThan(before);
    expect(second).not.toBe(first);
    expect(second).toEqual(
      normalizeRequirements({ chain: "ethereum", allowedWallets: [OTHER_WALLET] }),
    );
  });
});

describe("RequirementsGate.judge", () => {
  it("lists every failure in the refusal's message, separated by semicolons", () => {
    const gate = new RequirementsGate(undefined);
    const requirements = gate.resolve({ chain: "ethereum", allowedWallets: [OTHER_WALLET] });
    const refusal = gate.judge({ chain: "solana", walletAddress: WALLET }, requirements);
    expect(refusal?.code).toBe("ERR_REQUIREMENTS_NOT_MET");
    const failures = refusal?.failures ?? [];
    expect(failures.length).toBeGreaterThan(1);
    expect(refusal?.message).toBe(
      `Requirements not met: ${failures.map((failure) => failure.message).join("; ")}`,
    );
  });
});

describe("RequirementsGate memo of unfrozen requirements", () => {
  it("reuses the normalized form of an unchanged object", () => {
    const gate = new RequirementsGate(undefined);
    const requirements: Requirements = { chain: "ethereum", allowedWallets: [WALLET] };
    expect(gate.resolve(requirements)).toBe(gate.resolve(requirements));
  });

  it("counts only own keys as what an object holds, not inherited enumerable ones", () => {
    const gate = new RequirementsGate(undefined);
    const requirements: Requirements = { chain: "ethereum" };
    const first = gate.resolve(requirements);
    Object.defineProperty(Object.prototype, "inheritedEnumerable", {
      value: 1,
      enumerable: true,
      configurable: true,
    });
    let again: unknown;
    try {
      again = gate.resolve(requirements);
    } finally {
      delete (Object.prototype as Record<string, unknown>).inheritedEnumerable;
    }
    expect(again).toBe(first);
  });
});
