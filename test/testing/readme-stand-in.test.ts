/**
 * The README's end-to-end example, run as written: the code block is cut from README.md, its
 * package imports pointed at the sources, and run with tsx in a child process.
 */
import { execFile } from "node:child_process";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";

const root = fileURLToPath(new URL("../../", import.meta.url));
const HEADING = "### End to end, with a stand-in of Picket";

async function readmeExample(): Promise<string> {
  const readme = await readFile(join(root, "README.md"), "utf8");
  const section = readme.slice(readme.indexOf(HEADING));
  const block = /```ts\n([\s\S]*?)```/.exec(section)?.[1];
  if (block === undefined) throw new Error(`no ts block under "${HEADING}"`);
  return block
    .replace('"picket-validate/client"', JSON.stringify(join(root, "src/client/index.ts")))
    .replace('"picket-validate/testing"', JSON.stringify(join(root, "src/testing/index.ts")));
}

describe("the README's stand-in example", () => {
  it("runs as written and asserts its own story", async () => {
    const code = await readmeExample();
    expect(code).toContain("servePicket()");
    expect(code).toContain("authorize(validator, client, accessToken, vip)");
    const directory = await mkdtemp(join(tmpdir(), "readme-stand-in-"));
    try {
      const file = join(directory, "example.mts");
      await writeFile(file, code);
      const tsx = join(root, "node_modules", ".bin", "tsx");
      const run = await promisify(execFile)(tsx, [file], { cwd: root, timeout: 60_000 });
      expect(run.stderr).toBe("");
    } finally {
      await rm(directory, { recursive: true, force: true });
    }
  }, 90_000);
});
