/**
 * `picket-validate/testing` for users who have not installed the optional noble packages: the
 * built package is copied to a directory whose node_modules holds its dependencies but no
 * `@noble/*`, and its testing entry is imported there, and required from CommonJS.
 */
import { execFile, execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { cp, mkdir, mkdtemp, rm, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { beforeAll, describe, expect, it } from "vitest";

const root = fileURLToPath(new URL("../../", import.meta.url));
const DEPENDENCIES = ["jose", "bignumber.js", "lru-cache"];

beforeAll(() => {
  if (!existsSync(join(root, "dist", "testing", "index.js"))) {
    execFileSync("npm", ["run", "build"], { cwd: root, stdio: "ignore" });
  }
}, 120_000);

const SCRIPT = `
const testing = await import("picket-validate/testing");
const outcome = {};
outcome.token = typeof testing.createTestIssuer().sign() === "string";
try { testing.testWallet("ethereum"); outcome.wallet = "made"; } catch (error) { outcome.wallet = error.name + ": " + error.message; }
outcome.stand = await testing.servePicket().then(
  async (stand) => { await stand.close(); return "started"; },
  (error) => error.name + ": " + error.message,
);
console.log(JSON.stringify(outcome));
`;

const CJS = `
const testing = require("picket-validate/testing");
console.log(typeof testing.createTestIssuer().sign());
`;

describe("picket-validate/testing without @noble/curves and @noble/hashes", () => {
  it("still mints tokens (imported or required); testWallet and servePicket name the install command", async () => {
    const directory = await mkdtemp(join(tmpdir(), "without-noble-"));
    try {
      const modules = join(directory, "node_modules");
      const installed = join(modules, "picket-validate");
      await mkdir(installed, { recursive: true });
      await cp(join(root, "dist"), join(installed, "dist"), { recursive: true });
      await cp(join(root, "package.json"), join(installed, "package.json"));
      for (const name of DEPENDENCIES) {
        await symlink(join(root, "node_modules", name), join(modules, name), "dir");
      }
      await writeFile(join(directory, "script.mjs"), SCRIPT);
      await writeFile(join(directory, "script.cjs"), CJS);
      const node = (file: string) =>
        promisify(execFile)(process.execPath, [file], { cwd: directory, timeout: 30_000 });

      const outcome = JSON.parse((await node("script.mjs")).stdout) as Record<string, unknown>;
      expect(outcome.token).toBe(true);
      expect(outcome.wallet).toMatch(
        /^TypeError: testWallet needs .*npm i -D @noble\/curves @noble\/hashes/,
      );
      expect(outcome.stand).toMatch(
        /^TypeError: servePicket needs .*npm i -D @noble\/curves @noble\/hashes/,
      );
      expect((await node("script.cjs")).stdout.trim()).toBe("string");
    } finally {
      await rm(directory, { recursive: true, force: true });
    }
  }, 60_000);
});
