/**
 * scripts/commonjs-entries.mjs on a small package of its own: what it writes for each `exports`
 * entry, and the build failure for an entry without its `require` condition.
 */
import { execFile as execFileCallback } from "node:child_process";
import { copyFile, mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { ROOT } from "../runtimes/scratch-project.js";

const execFile = promisify(execFileCallback);

/** An entry as package.json lists it, with or without the CommonJS condition. */
function entry(path: string, withRequire = true): object {
  const esm = { types: `./dist/${path}.d.ts`, default: `./dist/${path}.js` };
  return withRequire
    ? { require: { types: `./dist/${path}.d.cts`, default: `./dist/${path}.cjs` }, ...esm }
    : esm;
}

describe("scripts/commonjs-entries.mjs", () => {
  let dir = "";
  const run = () => execFile(process.execPath, [join(dir, "scripts", "commonjs-entries.mjs")]);
  const read = (path: string) => readFile(join(dir, path), "utf8");

  beforeEach(async () => {
    // Inside the repository, where the script finds typescript.
    await mkdir(join(ROOT, ".scratch"), { recursive: true });
    dir = await mkdtemp(join(ROOT, ".scratch", "commonjs-entries-"));
    await mkdir(join(dir, "scripts"));
    await copyFile(
      join(ROOT, "scripts", "commonjs-entries.mjs"),
      join(dir, "scripts", "commonjs-entries.mjs"),
    );
    await mkdir(join(dir, "dist", "http"), { recursive: true });
    await writeFile(
      join(dir, "dist", "index.d.ts"),
      '/** import { x } from "./not-code.js"; */\nexport { type Key, Holder } from "./types.js";\n',
    );
    await writeFile(
      join(dir, "dist", "types.d.ts"),
      'import type { JWK } from "jose";\nimport BigNumber from "bignumber.js";\nimport type { Server } from "node:http";\n' +
        "export type Key = JWK;\nexport declare class Holder { balance: BigNumber; server?: Server }\n",
    );
    await writeFile(join(dir, "dist", "index.js"), "export const Holder = 1;\nexport default 2;\n");
    await writeFile(join(dir, "dist", "http", "guard.js"), "export function guard() {}\n");
    await writeFile(
      join(dir, "dist", "http", "guard.d.ts"),
      'import type { Key } from "../types.js";\nexport declare function guard(key: Key): void;\n',
    );
  });

  afterEach(async () => {
    if (dir !== "") await rm(dir, { recursive: true, force: true });
  });

  async function writeManifest(exports: object): Promise<void> {
    await writeFile(join(dir, "package.json"), JSON.stringify({ name: "p", exports }));
  }

  it("writes each entry's .cjs, its CommonJS declarations and the node10 stubs", async () => {
    await writeManifest({
      ".": entry("index"),
      "./guard": entry("http/guard"),
      "./package.json": "./package.json",
    });
    await run();
    expect(await read("dist/index.cjs")).toBe(
      '"use strict";\nObject.defineProperty(exports, "__esModule", { value: true });\n' +
        'const entry = require("./index.js");\nexports.Holder = entry.Holder;\nexports.default = entry.default;\n',
    );
    expect(await read("dist/http/guard.cjs")).toContain(
      'require("./guard.js");\nexports.guard = entry.guard;',
    );
    expect(await read("dist/index.d.cts")).toBe(
      '/** import { x } from "./not-code.js"; */\nexport { type Key, Holder } from "./types.cjs";\n',
    );
    expect(await read("dist/types.d.cts")).toBe(
      'import type { JWK } from "jose" with { "resolution-mode": "import" };\n' +
        'import type BigNumber from "bignumber.js" with { "resolution-mode": "import" };\n' +
        'import type { Server } from "node:http";\n' +
        "export type Key = JWK;\nexport declare class Holder { balance: BigNumber; server?: Server }\n",
    );
    expect(await read("dist/http/guard.d.cts")).toContain('from "../types.cjs"');
    expect(await read("dist/node10/guard.d.ts")).toBe('export * from "../http/guard.js";\n');
    await expect(read("dist/node10/index.d.ts")).rejects.toMatchObject({ code: "ENOENT" });
  });

  it("fails, naming the entry and the condition to add, when an entry has no require condition", async () => {
    await writeManifest({ ".": entry("index"), "./guard": entry("http/guard", false) });
    await expect(run()).rejects.toMatchObject({
      code: 1,
      stderr: expect.stringContaining(
        'package.json exports["./guard"] must start with the CommonJS condition, before "types":\n' +
          '  "require": {"types":"./dist/http/guard.d.cts","default":"./dist/http/guard.cjs"},',
      ),
    });
  });

  it("fails when the require condition comes after types, where TypeScript never reaches it", async () => {
    const { require, ...esm } = entry("index") as { require: object };
    await writeManifest({ ".": { ...esm, require } });
    await expect(run()).rejects.toMatchObject({ code: 1 });
  });
});
