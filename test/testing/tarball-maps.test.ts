/**
 * The published tarball holds no dangling source maps: every `.map` it ships has its sources in
 * it too, and every `sourceMappingURL` comment in a shipped file names a map that is shipped.
 */
import { execFile as execFileCallback, execFileSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { join, posix } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { beforeAll, describe, expect, it } from "vitest";

const execFile = promisify(execFileCallback);
const root = fileURLToPath(new URL("../../", import.meta.url));
const MAPPING_URL = /[#@] sourceMappingURL=(\S+)/g;

/** The file a reference in `from` (a path inside the package) points at, or `undefined` off-package. */
function resolveInPackage(from: string, reference: string): string | undefined {
  if (/^[a-z][a-z\d+.-]*:/i.test(reference) || reference.startsWith("/")) return undefined;
  const resolved = posix.normalize(posix.join(posix.dirname(from), reference));
  return resolved.startsWith("../") ? `outside the package: ${resolved}` : resolved;
}

describe("the tarball's source maps", () => {
  let files: Set<string>;

  beforeAll(async () => {
    if (!existsSync(join(root, "dist", "index.js"))) {
      execFileSync("npm", ["run", "build"], { cwd: root, stdio: "ignore" });
    }
    const { stdout } = await execFile("npm", ["pack", "--dry-run", "--json"], { cwd: root });
    const [packed] = JSON.parse(stdout) as { files: { path: string }[] }[];
    files = new Set((packed?.files ?? []).map((file) => file.path));
  }, 120_000);

  it("lists the built package", () => {
    expect(files).toContain("dist/index.js");
    expect(files).toContain("dist/index.d.ts");
  });

  it("ships no map without the sources it points at", () => {
    const dangling: string[] = [];
    for (const map of [...files].filter((path) => path.endsWith(".map"))) {
      const { sources = [], sourceRoot = "" } = JSON.parse(
        readFileSync(join(root, map), "utf8"),
      ) as { sources?: string[]; sourceRoot?: string };
      for (const source of sources) {
        const target = resolveInPackage(map, posix.join(sourceRoot, source));
        if (target === undefined || !files.has(target)) dangling.push(`${map} -> ${source}`);
      }
    }
    expect(dangling).toEqual([]);
  });

  it("names no map in a sourceMappingURL comment that it does not ship", () => {
    const dangling: string[] = [];
    for (const file of [...files].filter((path) => /\.(c|m)?(js|ts)$/.test(path))) {
      const text = readFileSync(join(root, file), "utf8");
      for (const [, reference = ""] of text.matchAll(MAPPING_URL)) {
        if (reference.startsWith("data:")) continue;
        const target = resolveInPackage(file, reference);
        if (target === undefined || !files.has(target)) dangling.push(`${file} -> ${reference}`);
      }
    }
    expect(dangling).toEqual([]);
  });
});
