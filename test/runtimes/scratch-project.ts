/**
 * Scratch projects that hold the package exactly as npm would install it: `npm pack` of the
 * built package, unpacked into node_modules/picket-validate, with its runtime dependencies
 * linked from this repository's node_modules (no network, no install step).
 */
import { execFile as execFileCallback, execFileSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { copyFile, mkdir, mkdtemp, rm, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";

const execFile = promisify(execFileCallback);

/** The repository root. */
export const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const HERE = fileURLToPath(new URL(".", import.meta.url));

/** The suite and its entry modules, copied into every scratch project. */
const SUITE_FILES = ["behaviour-suite.js", "entry-process.js", "entry-edge.js", "entry-worker.js"];

/** Builds dist/ when it is missing; the npm scripts build first, so this is for direct runs. */
export function ensureBuilt(): void {
  if (!existsSync(join(ROOT, "dist", "index.js"))) {
    execFileSync("npm", ["run", "build"], { cwd: ROOT, stdio: "ignore" });
  }
}

/**
 * Packs the built package and installs it into `dir`/node_modules: the tarball's files only,
 * and each runtime dependency as a link to this repository's copy.
 */
export async function installBuiltPackage(dir: string): Promise<void> {
  ensureBuilt();
  const { stdout } = await execFile("npm", ["pack", "--json", "--pack-destination", dir], {
    cwd: ROOT,
    timeout: 60_000,
  });
  const [packed] = JSON.parse(stdout) as { filename: string }[];
  const tarball = join(dir, packed?.filename ?? "");
  const target = join(dir, "node_modules", "picket-validate");
  await mkdir(target, { recursive: true });
  await execFile("tar", ["-xzf", tarball, "-C", target, "--strip-components=1"]);
  await rm(tarball);
  const manifest = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as {
    dependencies?: Record<string, string>;
  };
  for (const dependency of Object.keys(manifest.dependencies ?? {})) {
    await linkFromRoot(dir, dependency);
  }
}

/** Makes this repository's copy of a package resolvable from `dir`. */
async function linkFromRoot(dir: string, name: string): Promise<void> {
  const link = join(dir, "node_modules", name);
  await mkdir(dirname(link), { recursive: true });
  await symlink(join(ROOT, "node_modules", name), link, "dir");
}

/** A scratch ESM project with the built package and Hono installed and the suite's files beside it. */
export interface ScratchProject {
  readonly dir: string;
  /** Writes the fixtures module the entries import. */
  writeFixtures(fixtures: unknown): Promise<void>;
  remove(): Promise<void>;
}

export async function createScratchProject(): Promise<ScratchProject> {
  const dir = await mkdtemp(join(tmpdir(), "picket-runtimes-"));
  await writeFile(
    join(dir, "package.json"),
    JSON.stringify({ name: "picket-runtime-suite", private: true, type: "module" }),
  );
  await installBuiltPackage(dir);
  // The suite also runs the Hono middleware, whose framework an app installs itself.
  await linkFromRoot(dir, "hono");
  for (const file of SUITE_FILES) await copyFile(join(HERE, file), join(dir, file));
  return {
    dir,
    writeFixtures: (fixtures) =>
      writeFile(join(dir, "fixtures.js"), `export default ${JSON.stringify(fixtures)};\n`),
    remove: () => rm(dir, { recursive: true, force: true }),
  };
}
