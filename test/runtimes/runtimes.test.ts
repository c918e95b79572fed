/**
 * The behaviour suite on every runtime the package claims, against the package as packed: Node,
 * Bun and Deno with their own module resolution, Vercel's edge-runtime and Cloudflare's workerd
 * on bundles built with their export conditions. Under CI=true a missing runtime fails; elsewhere
 * it is skipped with a message.
 */
import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { writeFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { mintFixtures } from "./mint-fixtures.js";
import {
  bundleSuite,
  EDGE_LIGHT,
  RUN_TIMEOUT_MS,
  runInEdgeRuntime,
  runInProcess,
  runInWorkerd,
  WORKERD,
} from "./run-suite.js";
import { createScratchProject, ROOT, type ScratchProject } from "./scratch-project.js";
import {
  expectSuiteReport,
  type RuntimeName,
  type SuiteReport,
  validateSyncVerdict,
} from "./suite-report.js";
import { NONCE_PATH, ROTATING_PATH, startSuiteServer, UNAVAILABLE_PATH } from "./suite-server.js";

const CI = process.env.CI === "true";
const bin = (name: string) => join(ROOT, "node_modules", ".bin", name);

/** Why a runtime cannot run here, or `undefined` when it can. */
function missingBinary(name: string): string | undefined {
  const path = bin(name);
  if (!existsSync(path)) return `${path} is not installed`;
  try {
    execFileSync(path, ["--version"], { stdio: "ignore", timeout: 30_000 });
    return undefined;
  } catch (error) {
    return `${path} --version failed: ${String(error)}`;
  }
}

function missingModule(name: string): string | undefined {
  try {
    createRequire(join(ROOT, "package.json")).resolve(name);
    return undefined;
  } catch {
    return `the npm package ${name} is not installed`;
  }
}

interface Runtime {
  name: RuntimeName;
  missing: string | undefined;
  run(dir: string): Promise<SuiteReport>;
}

const RUNTIMES: readonly Runtime[] = [
  { name: "node", missing: undefined, run: (dir) => runInProcess(dir, process.execPath, []) },
  { name: "bun", missing: missingBinary("bun"), run: (dir) => runInProcess(dir, bin("bun"), []) },
  {
    name: "deno",
    missing: missingBinary("deno"),
    run: (dir) => runInProcess(dir, bin("deno"), ["run", "--allow-net=127.0.0.1", "--allow-read"]),
  },
  {
    name: "edge-runtime",
    missing: missingModule("edge-runtime"),
    run: async (dir) => runInEdgeRuntime(await bundleSuite(dir, EDGE_LIGHT)),
  },
  {
    name: "workerd",
    missing: missingModule("miniflare") ?? missingBinary("workerd"),
    run: async (dir) => runInWorkerd(await bundleSuite(dir, WORKERD)),
  },
];

describe("the behaviour suite on each runtime", () => {
  const minted = mintFixtures();
  let project: ScratchProject;

  beforeAll(async () => {
    project = await createScratchProject();
  }, 120_000);

  afterAll(async () => {
    await project?.remove();
  });

  for (const runtime of RUNTIMES) {
    const skip = runtime.missing !== undefined && !CI;
    if (skip) console.warn(`skipping ${runtime.name}: ${runtime.missing}`);
    it.skipIf(skip)(
      `passes on ${runtime.name}`,
      async () => {
        if (runtime.missing !== undefined)
          throw new Error(`CI runs every runtime: ${runtime.missing}`);
        const server = await startSuiteServer(minted);
        try {
          await project.writeFixtures(server.fixtures);
          const started = performance.now();
          const report = await runtime.run(project.dir);
          const elapsed = Math.round(performance.now() - started);
          expectSuiteReport(report, runtime.name, server.fixtures);
          // The refetch and the outage really reached the loopback server, once each as expected.
          expect(server.requests(ROTATING_PATH)).toBe(2);
          expect(server.requests(UNAVAILABLE_PATH)).toBe(1);
          expect(server.requests(NONCE_PATH)).toBe(2);
          console.log(
            `${runtime.name}: ${report.results.length} cases in ${elapsed} ms; validateSync ${validateSyncVerdict(report)}`,
          );
        } finally {
          await server.close();
        }
      },
      RUN_TIMEOUT_MS + 30_000,
    );
  }

  it("refuses a bundle that imports a Node built-in", async () => {
    await writeFile(join(project.dir, "entry-builtin.js"), 'import "node:crypto";\n');
    await expect(
      bundleSuite(project.dir, { ...EDGE_LIGHT, entry: "entry-builtin.js" }),
    ).rejects.toThrow(/Node built-in "node:crypto" imported by/);
  });
});
