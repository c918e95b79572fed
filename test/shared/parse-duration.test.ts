import { describe, expect, it } from "vitest";
import {
  checkDurationRange,
  describeMilliseconds,
  parseDuration,
} from "../../src/shared/parse-duration.js";

describe("parseDuration", () => {
  it.each([
    ["500ms", 500],
    ["30s", 30_000],
    ["10m", 600_000],
    ["24h", 86_400_000],
    ["1 day", 86_400_000],
    ["2 hours", 7_200_000],
    ["1.5h", 5_400_000],
    ["0.1s", 100],
    ["1.25s", 1_250],
    ["2.125 min", 127_500],
    ["1w", 604_800_000],
    ["0s", 0],
  ])("reads %j as %d milliseconds, the number it stands for", (text, milliseconds) => {
    expect(parseDuration(text, "milliseconds", "jwksCache.maxAge")).toBe(milliseconds);
    expect(parseDuration(milliseconds, "milliseconds", "jwksCache.maxAge")).toBe(milliseconds);
  });

  it.each([
    ["30s", 30],
    ["500ms", 0.5],
    ["10m", 600],
    ["12h", 43_200],
    ["1.1s", 1.1],
    ["0.3s", 0.3],
    ["1 day", 86_400],
  ])("reads %j as %d seconds, exactly as the number is written", (text, seconds) => {
    expect(parseDuration(text, "seconds", "clockTolerance")).toBe(seconds);
  });

  it.each([
    [["ms", "msec", "msecs", "millisecond", "milliseconds"], 1],
    [["s", "sec", "secs", "second", "seconds"], 1_000],
    [["m", "min", "mins", "minute", "minutes"], 60_000],
    [["h", "hr", "hrs", "hour", "hours"], 3_600_000],
    [["d", "day", "days"], 86_400_000],
    [["w", "week", "weeks"], 604_800_000],
  ])("reads every spelling of %j", (units, milliseconds) => {
    for (const unit of units) {
      expect(parseDuration(`2${unit}`, "milliseconds", "x"), unit).toBe(2 * milliseconds);
      expect(parseDuration(`2 ${unit}`, "milliseconds", "x"), unit).toBe(2 * milliseconds);
    }
  });

  it("returns numbers in the option's own unit unchanged", () => {
    for (const value of [0, 1, 1.5, 600, 86_400_000]) {
      expect(parseDuration(value, "seconds", "maxTokenAge")).toBe(value);
      expect(parseDuration(value, "milliseconds", "jwksCache.timeout")).toBe(value);
    }
  });

  it.each([
    "",
    "600",
    "10 ",
    " 10s",
    "10  s",
    "-5s",
    "+5s",
    "1e3ms",
    ".5s",
    "5.s",
    "0x10s",
    "1_000ms",
    "10M",
    "10 Minutes",
    "10x",
    "10 minz",
    "5constructor",
    "5__proto__",
    "5toString",
    "Infinity",
    "NaN s",
    "10s ago",
    "1h30m",
  ])("refuses the string %j with a TypeError naming the option and the forms", (text) => {
    expect(() => parseDuration(text, "milliseconds", "jwksCache.cooldown")).toThrow(
      new TypeError(
        `options.jwksCache.cooldown: ${JSON.stringify(text)} is not a duration; give a number of milliseconds or a string with a unit ("500ms", "30s", "10m", "24h", "1 day", "2 hours")`,
      ),
    );
  });

  it.each([-1, Number.NaN, Number.POSITIVE_INFINITY])(
    "refuses the number %d with a TypeError",
    (value) => {
      expect(() => parseDuration(value, "seconds", "clockTolerance")).toThrow(
        /^options\.clockTolerance must be a finite number >= 0 \(seconds\) or a string with a unit/,
      );
    },
  );

  it.each([true, null, {}, [], 10n, () => 1])(
    "refuses %o, which is neither a number nor a string",
    (value) => {
      expect(() => parseDuration(value, "seconds", "maxTokenAge")).toThrow(
        /^options\.maxTokenAge must be a number of seconds or a string with a unit \("500ms"/,
      );
    },
  );

  it("refuses a string whose value overflows", () => {
    expect(() => parseDuration(`${"9".repeat(400)}ms`, "milliseconds", "jwksCache.maxAge")).toThrow(
      /too long a duration/,
    );
  });
});

describe("describeMilliseconds", () => {
  it.each([
    [0, "0 s"],
    [600, "0.6 s"],
    [1_000, "1 s"],
    [5_000, "5 s"],
    [30_000, "30 s"],
    [90_000, "90 s"],
    [600_000, "10 min"],
    [5_400_000, "90 min"],
    [86_400_000, "24 h"],
  ])("writes %d ms as %j", (milliseconds, text) => {
    expect(describeMilliseconds(milliseconds)).toBe(text);
  });
});

describe("checkDurationRange", () => {
  const timeout = { name: "timeout", unit: "milliseconds", min: 100 } as const;

  it("returns a value within the range", () => {
    expect(checkDurationRange(100, timeout)).toBe(100);
    expect(checkDurationRange(300, { name: "clockTolerance", unit: "seconds", max: 300 })).toBe(
      300,
    );
    expect(checkDurationRange(0, { ...timeout, min: 1_000, zeroTurnsOff: true })).toBe(0);
  });

  it("names the unit, what the value amounts to, the bound and the likely value", () => {
    expect(() => checkDurationRange(5, timeout)).toThrow(
      new TypeError(
        "options.timeout is in milliseconds: 5 is 5 ms; it must be at least 100 ms; did you mean 5_000 (5 s)?",
      ),
    );
    expect(() => checkDurationRange(0.5, timeout, "500us")).toThrow(
      new TypeError(
        'options.timeout is in milliseconds: "500us" is 0.5 ms; it must be at least 100 ms',
      ),
    );
  });

  it("suggests nothing when the other unit does not fit either", () => {
    expect(() =>
      checkDurationRange(400_000_000, { name: "clockTolerance", unit: "seconds", max: 300 }),
    ).toThrow(
      new TypeError(
        "options.clockTolerance is in seconds: 400000000 is 4629.6 d; it must be at most 300 s (5 min)",
      ),
    );
  });
});
