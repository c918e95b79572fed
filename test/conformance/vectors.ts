import { existsSync, readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { expect, it } from "vitest";

/**
 * Where the third-party vectors live: the directory named by `PICKET_VECTORS_DIR`, else
 * `../shared/vectors` beside the project root. They are read in place, never copied into the repo.
 */
export function vectorsDir(): string {
  const fromEnv = process.env.PICKET_VECTORS_DIR;
  if (fromEnv !== undefined && fromEnv !== "") return resolve(fromEnv);
  const projectRoot = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
  return resolve(projectRoot, "../shared/vectors");
}

/** One Wycheproof test case; the fields besides these depend on the file. */
export interface WycheproofCase {
  tcId: number;
  comment: string;
  flags: string[];
  result: "valid" | "invalid" | "acceptable";
  [field: string]: unknown;
}

/** One group of cases sharing a key. */
export interface WycheproofGroup<T extends WycheproofCase = WycheproofCase> {
  comment?: string;
  tests: T[];
  [field: string]: unknown;
}

/** A Wycheproof test-vector file. */
export interface WycheproofFile<T extends WycheproofCase = WycheproofCase> {
  numberOfTests: number;
  testGroups: WycheproofGroup<T>[];
  [field: string]: unknown;
}

/** The loaded file, or why it could not be loaded. */
export type Loaded<T extends WycheproofCase> =
  | { ok: true; path: string; file: WycheproofFile<T> }
  | { ok: false; path: string; reason: string };

/** Loads `wycheproof/<name>` from {@link vectorsDir}, without throwing. */
export function loadWycheproof<T extends WycheproofCase = WycheproofCase>(name: string): Loaded<T> {
  const path = join(vectorsDir(), "wycheproof", name);
  if (!existsSync(path)) {
    return {
      ok: false,
      path,
      reason: `${path} does not exist (set PICKET_VECTORS_DIR to the directory holding wycheproof/)`,
    };
  }
  try {
    const file = JSON.parse(readFileSync(path, "utf8")) as WycheproofFile<T>;
    if (!Array.isArray(file.testGroups) || typeof file.numberOfTests !== "number") {
      return { ok: false, path, reason: `${path} is not a Wycheproof test-vector file` };
    }
    return { ok: true, path, file };
  } catch (error) {
    return { ok: false, path, reason: `${path} could not be read: ${String(error)}` };
  }
}

/** Whether this run is CI's, where missing vectors fail instead of skipping. */
export const IN_CI = process.env.CI === "true";

/**
 * Registers the stand-in test for a vector file that could not be loaded: a skipped test whose
 * name says why, or, on CI (`CI=true`), a failing one.
 */
export function registerMissing(name: string, reason: string): void {
  if (IN_CI) {
    it(`Wycheproof ${name} is present (required when CI=true)`, () => {
      expect.fail(`Wycheproof vectors missing on CI: ${reason}`);
    });
    return;
  }
  console.warn(`[conformance] SKIPPING Wycheproof ${name}: ${reason}`);
  it.skip(`SKIPPED: Wycheproof ${name} not found: ${reason}`, () => undefined);
}

/** Every case of a file, with its group. */
export function casesOf<T extends WycheproofCase>(
  file: WycheproofFile<T>,
): { group: WycheproofGroup<T>; test: T }[] {
  return file.testGroups.flatMap((group) => group.tests.map((test) => ({ group, test })));
}

/**
 * Counts the cases that ran per file and checks at the end that none was left out: the file's
 * `numberOfTests`, and the cases its groups really hold, must both equal the cases that ran.
 */
export class CaseCounter {
  readonly #ran = new Set<number>();
  readonly #name: string;
  readonly #file: WycheproofFile;

  constructor(name: string, file: WycheproofFile) {
    this.#name = name;
    this.#file = file;
  }

  /** Marks a case as run (once per case, whichever checks it goes through). */
  ran(tcId: number): void {
    this.#ran.add(tcId);
  }

  /** Prints `ran/held` and asserts that every case ran. */
  assertAllRan(): void {
    const held = casesOf(this.#file).length;
    console.info(
      `[conformance] ${this.#name}: ran ${this.#ran.size}/${held} cases (numberOfTests ${this.#file.numberOfTests})`,
    );
    expect(held, `${this.#name}: numberOfTests disagrees with its groups`).toBe(
      this.#file.numberOfTests,
    );
    expect(this.#ran.size, `${this.#name}: fewer cases ran than the file holds`).toBe(held);
  }
}
