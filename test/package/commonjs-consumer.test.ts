/**
 * The packed package's types as CommonJS TypeScript projects see them: a `.cts` file under
 * `module: node16` (package.json `exports`, `require` condition) and a CommonJS `.ts` file under
 * `moduleResolution: node10` (no `exports`: `types` and `typesVersions`), each importing every
 * entry point that package.json exports, compiled by `tsc` without skipLibCheck.
 */
import { execFile as execFileCallback } from "node:child_process";
import { readFileSync } from "node:fs";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { installBuiltPackage, ROOT } from "../runtimes/scratch-project.js";

const execFile = promisify(execFileCallback);
const TSC = join(ROOT, "node_modules", "typescript", "bin", "tsc");

interface ExportTarget {
  require: { types: string };
  types: string;
}

/** package.json `exports` entries with modules, read from it so that a new entry is covered. */
const ENTRIES = Object.entries(
  (JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as { exports: object }).exports,
)
  .filter((entry): entry is [string, ExportTarget] => typeof entry[1] === "object")
  .map(([subpath, target]) => ({ specifier: `picket-validate${subpath.slice(1)}`, target }));
const SPECIFIERS = ENTRIES.map((entry) => entry.specifier);

/**
 * A consumer importing every entry point, using the core's types (a wrong call must be an error,
 * which `any` types would not give) and, in a `.cts` file, `import … = require()`.
 */
function consumer(kind: "node16" | "node10"): string {
  const imports = SPECIFIERS.map((specifier, index) =>
    kind === "node16"
      ? `import entry${index} = require("${specifier}");`
      : `import * as entry${index} from "${specifier}";`,
  );
  const entries = SPECIFIERS.map((_, index) => `entry${index}`).join(", ");
  return `${imports.join("\n")}
import { createValidator, type Validator } from "picket-validate";
import { isPicketApiError } from "picket-validate/client";

export const entries: readonly object[] = [${entries}];
export const validator: Validator = createValidator({ projectId: "p" });
export const isApiError: (error: unknown) => boolean = isPicketApiError;
// @ts-expect-error: the project ID is a string; were the types \`any\`, this line would fail.
createValidator({ projectId: 42 });
`;
}

const COMPILER_OPTIONS = {
  strict: true,
  noEmit: true,
  skipLibCheck: false,
  target: "ES2022",
  lib: ["ES2023", "DOM"],
  types: ["node"],
};

const PROJECTS = {
  node16: {
    file: "consumer.cts",
    options: { module: "node16", moduleResolution: "node16" },
  },
  node10: {
    file: "consumer.ts",
    // esModuleInterop as `tsc --init` sets it: fastify's pino types need it under node10.
    options: { module: "commonjs", moduleResolution: "node10", esModuleInterop: true },
  },
} as const;

/** Runs `tsc --listFiles`; without skipLibCheck it also checks every declaration file it reads. */
async function compile(dir: string, project: string): Promise<string> {
  const run = execFile(process.execPath, [TSC, "-p", project, "--listFiles"], {
    cwd: dir,
    timeout: 120_000,
    maxBuffer: 16 * 1024 * 1024,
  });
  return (await run.catch((error: { stdout?: string }) => error)).stdout ?? "";
}

describe("the packed package's types for CommonJS TypeScript consumers", () => {
  let dir = "";
  /** What `tsc --listFiles` printed for each project: its files, then any error. */
  const outputs: Record<string, string> = {};

  beforeAll(async () => {
    // Inside the repository, so that the consumers find @types/node and the frameworks' types.
    await mkdir(join(ROOT, ".scratch"), { recursive: true });
    dir = await mkdtemp(join(ROOT, ".scratch", "commonjs-consumer-"));
    await writeFile(
      join(dir, "package.json"),
      JSON.stringify({ name: "commonjs-consumer", private: true, type: "commonjs" }),
    );
    await installBuiltPackage(dir);
    for (const [kind, { file, options }] of Object.entries(PROJECTS)) {
      await writeFile(join(dir, file), consumer(kind as keyof typeof PROJECTS));
      await writeFile(
        join(dir, `tsconfig.${kind}.json`),
        JSON.stringify({ compilerOptions: { ...COMPILER_OPTIONS, ...options }, files: [file] }),
      );
      outputs[kind] = await compile(dir, `tsconfig.${kind}.json`);
    }
  }, 300_000);

  afterAll(async () => {
    if (dir !== "") await rm(dir, { recursive: true, force: true });
  });

  it("imports more than the root", () => {
    expect(SPECIFIERS).toEqual(
      expect.arrayContaining(["picket-validate", "picket-validate/express"]),
    );
  });

  it.each(Object.keys(PROJECTS))("compiles under %s without an error", (kind) => {
    const lines = outputs[kind]?.split("\n").filter((line) => line !== "") ?? [];
    expect(lines.filter((line) => !line.startsWith("/"))).toEqual([]);
    expect(lines).toContain(join(dir, PROJECTS[kind as keyof typeof PROJECTS].file));
  });

  it("types require() under node16 with each entry's CommonJS declarations", () => {
    const files = outputs.node16 ?? "";
    for (const { target } of ENTRIES) {
      expect(files).toContain(join(dir, "node_modules", "picket-validate", target.require.types));
    }
    expect(files).not.toMatch(/picket-validate\/dist\/\S*\.d\.ts$/m);
  });

  it("types every subpath under node10", () => {
    const files = outputs.node10 ?? "";
    for (const { specifier, target } of ENTRIES) {
      expect(files, specifier).toContain(
        join(dir, "node_modules", "picket-validate", target.types),
      );
    }
  });
});
