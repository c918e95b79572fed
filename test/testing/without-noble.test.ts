/**
 * `picket-validate/testing` for users who have not installed the optional noble packages: the
 * built entry is imported in a child process whose module resolution refuses `@noble/*`.
 */
import { execFile, execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { promisify } from "node:util";
import { beforeAll, describe, expect, it } from "vitest";

const root = fileURLToPath(new URL("../../", import.meta.url));
const entry = join(root, "dist", "testing", "index.js");

beforeAll(() => {
  if (!existsSync(entry)) execFileSync("npm", ["run", "build"], { cwd: root, stdio: "ignore" });
}, 120_000);

// Resolution hooks that make every @noble package look uninstalled.
const HOOKS = `export async function resolve(specifier, context, next) {
  if (specifier.startsWith("@noble/")) {
    const error = new Error("Cannot find package '" + specifier + "'");
    error.code = "ERR_MODULE_NOT_FOUND";
    throw error;
  }
  return next(specifier, context);
}`;

const SCRIPT = (entryUrl: string) => `
const testing = await import(${JSON.stringify(entryUrl)});
const outcome = {};
outcome.token = typeof testing.createTestIssuer().sign() === "string";
try { testing.testWallet("ethereum"); outcome.wallet = "made"; } catch (error) { outcome.wallet = error.name + ": " + error.message; }
outcome.stand = await testing.servePicket().then(
  async (stand) => { await stand.close(); return "started"; },
  (error) => error.name + ": " + error.message,
);
console.log(JSON.stringify(outcome));
`;

describe("picket-validate/testing without @noble/curves and @noble/hashes", () => {
  it("still mints tokens; testWallet and servePicket fail with the install command", async () => {
    const directory = await mkdtemp(join(tmpdir(), "without-noble-"));
    try {
      const hooks = join(directory, "hooks.mjs");
      const register = join(directory, "register.mjs");
      const script = join(directory, "script.mjs");
      await writeFile(hooks, HOOKS);
      await writeFile(
        register,
        `import { register } from "node:module";\nregister(${JSON.stringify(pathToFileURL(hooks).href)});\n`,
      );
      await writeFile(script, SCRIPT(pathToFileURL(entry).href));
      const { stdout } = await promisify(execFile)(
        process.execPath,
        ["--import", pathToFileURL(register).href, script],
        { cwd: directory, timeout: 30_000 },
      );
      const outcome = JSON.parse(stdout) as Record<string, unknown>;
      expect(outcome.token).toBe(true);
      for (const failure of [outcome.wallet, outcome.stand]) {
        expect(failure).toMatch(/^TypeError: .*npm i -D @noble\/curves @noble\/hashes/);
      }
      expect(outcome.wallet).toMatch(/^TypeError: testWallet needs/);
      expect(outcome.stand).toMatch(/^TypeError: servePicket needs/);
    } finally {
      await rm(directory, { recursive: true, force: true });
    }
  }, 60_000);
});
