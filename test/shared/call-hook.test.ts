import { describe, expect, it } from "vitest";
import { callHook } from "../../src/shared/call-hook.js";

describe("callHook", () => {
  it("passes the arguments and swallows a synchronous throw", () => {
    const seen: unknown[] = [];
    callHook(
      (a: number, b: string) => {
        seen.push(a, b);
        throw new Error("boom");
      },
      1,
      "x",
    );
    expect(seen).toEqual([1, "x"]);
  });

  it("handles the rejection of an async hook, so that no unhandled rejection is raised", async () => {
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown): void => {
      unhandled.push(reason);
    };
    process.on("unhandledRejection", onUnhandled);
    try {
      callHook(async () => {
        throw new Error("metrics backend down");
      });
      let thenCalled = false;
      callHook(() => ({
        // biome-ignore lint/suspicious/noThenProperty: a hand-made thenable is what this test needs
        then(_: unknown, onRejected: (reason: unknown) => void) {
          thenCalled = true;
          onRejected(new Error("thenable rejects"));
        },
      }));
      expect(thenCalled).toBe(true);
      await new Promise((resolve) => setImmediate(resolve));
      await new Promise((resolve) => setImmediate(resolve));
      expect(unhandled).toEqual([]);
    } finally {
      process.off("unhandledRejection", onUnhandled);
    }
  });

  it("handles the rejection of a thenable that is a function", () => {
    let rejected = false;
    const thenable = Object.assign(() => undefined, {
      // biome-ignore lint/suspicious/noThenProperty: a callable thenable is what this test needs
      then(_: unknown, onRejected: (reason: unknown) => void) {
        rejected = true;
        onRejected(new Error("callable thenable rejects"));
      },
    });
    callHook(() => thenable);
    expect(rejected).toBe(true);
  });

  it("does nothing without a hook", () => {
    expect(() => callHook(undefined)).not.toThrow();
  });
});
