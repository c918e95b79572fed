import { readFileSync } from "node:fs";
import { describe, expect, expectTypeOf, it } from "vitest";
import { describeMilliseconds } from "../../src/shared/parse-duration.js";
import type { JwksCacheOptions, TokenCacheOptions, ValidatorOptions } from "../../src/types.js";
import {
  knownOptionKeys,
  OPTION_DEFAULT_LIST,
  OPTION_DEFAULTS,
  type OptionDefault,
  type OptionDefaults,
} from "../../src/validator/defaults.js";
import { resolveOptions } from "../../src/validator/resolve-options.js";

const README = readFileSync(new URL("../../README.md", import.meta.url), "utf8");

type Head<K> = K extends `${infer H}.${string}` ? H : K;
type Tail<K, G extends string> = K extends `${G}.${infer T}` ? T : never;

/** The first markdown table after a heading, as rows of cells keyed by the header's names. */
function firstTableAfter(heading: string): Record<string, string>[] {
  const lines = README.split("\n");
  const start = lines.indexOf(heading);
  expect(start, heading).toBeGreaterThan(-1);
  const first = lines.findIndex((line, index) => index > start && line.startsWith("|"));
  const end = lines.findIndex((line, index) => index > first && !line.startsWith("|"));
  const [header, , ...rows] = lines.slice(first, end).map((line) =>
    line
      .slice(1, -1)
      .split(" | ")
      .map((cell) => cell.trim()),
  );
  return rows.map((cells) =>
    Object.fromEntries((header as string[]).map((name, index) => [name, cells[index] ?? ""])),
  );
}

function literal(value: unknown): string {
  if (typeof value === "number") {
    return value >= 10_000 ? String(value).replace(/\B(?=(\d{3})+$)/g, "_") : String(value);
  }
  if (Array.isArray(value) || typeof value === "string") return JSON.stringify(value);
  const members = Object.entries(value as object).map(
    ([key, member]) => `${key}: ${literal(member)}`,
  );
  return `{ ${members.join(", ")} }`;
}

function inPeopleUnits(value: number, unit: OptionDefault<unknown>["unit"]): string {
  if (unit === "milliseconds") return ` (${describeMilliseconds(value)})`;
  if (unit === "bytes" && value >= 1_048_576 && value % 1_048_576 === 0) {
    return ` (${value / 1_048_576} MiB)`;
  }
  return "";
}

/** The default cell the README must show for one entry of the table. */
function defaultCell(entry: OptionDefault<unknown>): string {
  if (entry.required) return "required";
  if (entry.shownAs !== undefined) return `\`${entry.shownAs}\``;
  if (entry.value === undefined) return "none";
  const people = typeof entry.value === "number" ? inPeopleUnits(entry.value, entry.unit) : "";
  return `\`${literal(entry.value)}\`${people}`;
}

function unitCell(entries: readonly OptionDefault<unknown>[]): string {
  const units = [...new Set(entries.flatMap((entry) => (entry.unit ? [entry.unit] : [])))];
  if (units.length === 0) return "—";
  const [only] = entries;
  if (entries.length !== 1 || only === undefined) return units.join(", ");
  const off = only.zeroTurnsOff === true ? "0 (off) or " : "";
  const floor = only.min === undefined ? "" : `, ${off}at least ${only.min}`;
  const ceiling = only.max === undefined ? "" : `, at most ${literal(only.max)}`;
  return `${units.join(", ")}${floor}${ceiling}`;
}

function entriesOf(group: string): OptionDefault<unknown>[] {
  return OPTION_DEFAULT_LIST.filter((entry) => entry.name.startsWith(`${group}.`));
}

describe("OPTION_DEFAULTS", () => {
  it("names every entry by its own key", () => {
    for (const [key, entry] of Object.entries(OPTION_DEFAULTS)) expect(entry.name).toBe(key);
    expect(OPTION_DEFAULT_LIST).toEqual(Object.values(OPTION_DEFAULTS));
  });

  it("is frozen all the way down", () => {
    expect(Object.isFrozen(OPTION_DEFAULTS)).toBe(true);
    expect(Object.isFrozen(OPTION_DEFAULT_LIST)).toBe(true);
    for (const entry of OPTION_DEFAULT_LIST) expect(Object.isFrozen(entry), entry.name).toBe(true);
    expect(Object.isFrozen(OPTION_DEFAULTS.algorithms.value)).toBe(true);
    expect(() => {
      (OPTION_DEFAULTS["jwksCache.maxAge"] as { value: number }).value = 600;
    }).toThrow(TypeError);
    expect(() => {
      (OPTION_DEFAULTS.algorithms.value as string[]).push("HS256");
    }).toThrow(TypeError);
  });

  it("covers exactly the keys of ValidatorOptions, JwksCacheOptions and TokenCacheOptions", () => {
    expectTypeOf<Head<keyof OptionDefaults>>().toEqualTypeOf<keyof ValidatorOptions>();
    expectTypeOf<Tail<keyof OptionDefaults, "jwksCache">>().toEqualTypeOf<keyof JwksCacheOptions>();
    expectTypeOf<Tail<keyof OptionDefaults, "tokenCache">>().toEqualTypeOf<
      keyof TokenCacheOptions
    >();
    expect(knownOptionKeys("jwksCache")).toEqual([
      "maxAge",
      "staleIfError",
      "cooldown",
      "timeout",
      "maxKeys",
      "maxBytes",
    ]);
    expect(knownOptionKeys("tokenCache")).toEqual(["max"]);
    expect(knownOptionKeys("")).toContain("jwksCache");
  });

  it("is what the options resolver applies", () => {
    const resolved = resolveOptions({ projectId: "p" });
    const d = OPTION_DEFAULTS;
    expect(resolved.issuer).toBe(d.issuer.value);
    expect(resolved.jwksUri).toBe(d.jwksUri.value);
    expect([...resolved.algorithms.keys()]).toEqual(d.algorithms.value);
    expect(resolved.clockTolerance).toBe(d.clockTolerance.value);
    expect(resolved.futureSkew).toBe(d.futureSkew.value);
    expect(resolved.maxTokenAge).toBe(d.maxTokenAge.value);
    expect(resolved.clock).toBe(d.clock.value);
    expect(resolved.fetch).toBe(globalThis.fetch);
    expect(resolved.maxTokenBytes).toBe(d.maxTokenBytes.value);
    expect(resolved.tokenCacheMax).toBe(d["tokenCache.max"].value);
    expect(resolved.jwksCache).toEqual({
      maxAge: d["jwksCache.maxAge"].value,
      staleIfError: d["jwksCache.staleIfError"].value,
      cooldown: d["jwksCache.cooldown"].value,
      timeout: d["jwksCache.timeout"].value,
      maxKeys: d["jwksCache.maxKeys"].value,
      maxBytes: d["jwksCache.maxBytes"].value,
    });
  });

  it("gives both key-cache floors as 1 s, and they are enforced", () => {
    expect(OPTION_DEFAULTS["jwksCache.maxAge"].min).toBe(1_000);
    expect(OPTION_DEFAULTS["jwksCache.cooldown"].min).toBe(1_000);
    for (const entry of OPTION_DEFAULT_LIST.filter((option) => option.min !== undefined)) {
      const [group, key] = entry.name.split(".") as [string, string];
      const at = { projectId: "p", [group]: { [key]: entry.min } } as ValidatorOptions;
      const under = { projectId: "p", [group]: { [key]: (entry.min as number) - 1 } };
      expect(() => resolveOptions(at)).not.toThrow();
      expect(() => resolveOptions(under as ValidatorOptions)).toThrow(TypeError);
    }
  });
});

describe("the README's option tables", () => {
  it('"## Options" lists every top-level option with its default and unit', () => {
    const rows = firstTableAfter("## Options");
    expect(rows.map((row) => row.option)).toEqual(knownOptionKeys("").map((key) => `\`${key}\``));
    for (const row of rows) {
      const name = (row.option as string).slice(1, -1);
      const own = OPTION_DEFAULT_LIST.find((entry) => entry.name === name);
      const children = entriesOf(name);
      if (own !== undefined) {
        expect(row.default, name).toBe(defaultCell(own));
        expect(row.unit, name).toBe(unitCell([own]));
      } else if (name === "jwksCache") {
        expect(row.default).toBe("see [The JWKS cache](#the-jwks-cache)");
        expect(row.unit).toBe(unitCell(children));
      } else {
        const value = Object.fromEntries(
          children.map((entry) => [entry.name.slice(name.length + 1), entry.value]),
        );
        expect(row.default, name).toBe(`\`${literal(value)}\``);
        expect(row.unit, name).toBe(unitCell(children));
      }
    }
  });

  it('"## The JWKS cache" lists every jwksCache field with its default, unit and floor', () => {
    const rows = firstTableAfter("## The JWKS cache");
    const entries = entriesOf("jwksCache");
    expect(rows.map((row) => row.field)).toEqual(
      entries.map((entry) => `\`${entry.name.slice("jwksCache.".length)}\``),
    );
    for (const [index, entry] of entries.entries()) {
      expect(rows[index]?.default, entry.name).toBe(defaultCell(entry));
      expect(rows[index]?.unit, entry.name).toBe(unitCell([entry]));
    }
  });

  it("says that PICKET_JWKS_URI is a constant, with its value", () => {
    expect(README).toContain(`\`PICKET_JWKS_URI\` is \`"${OPTION_DEFAULTS.jwksUri.value}"\``);
    expect(README).toMatch(/constants\*\* exported by the package, not environment\s+variables/);
  });
});
