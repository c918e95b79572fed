/**
 * Runs the behaviour suite of a scratch project in one runtime and returns its report: as a
 * child process (Node, Bun, Deno), or bundled the way a bundler for the runtime loads the
 * package (esbuild with that runtime's export conditions) and evaluated in Vercel's edge-runtime
 * VM or in workerd through miniflare. Every run is bounded in time.
 */
import { execFile as execFileCallback } from "node:child_process";
import { builtinModules } from "node:module";
import { join } from "node:path";
import { promisify } from "node:util";
import { build, type Plugin } from "esbuild";
import type { SuiteReport } from "./suite-report.js";

const execFile = promisify(execFileCallback);

/** Longest a runtime may take for the whole suite, start-up included. */
export const RUN_TIMEOUT_MS = 60_000;
const MARKER = "PICKET_SUITE_REPORT ";
/** No colours, prompts, update checks or telemetry: the runs reach nothing but loopback. */
const QUIET_ENV = {
  NO_COLOR: "1",
  DENO_NO_PROMPT: "1",
  DENO_NO_UPDATE_CHECK: "1",
  DO_NOT_TRACK: "1",
};

/** Runs entry-process.js with a command (`node`, `bun`, `deno run ...`) in the project. */
export async function runInProcess(
  dir: string,
  command: string,
  args: readonly string[],
): Promise<SuiteReport> {
  let stdout: string;
  try {
    ({ stdout } = await execFile(command, [...args, "entry-process.js"], {
      cwd: dir,
      timeout: RUN_TIMEOUT_MS,
      maxBuffer: 16 * 1024 * 1024,
      env: { ...process.env, ...QUIET_ENV },
    }));
  } catch (error) {
    const { stderr, stdout: partial } = error as { stderr?: string; stdout?: string };
    throw new Error(`${command} failed: ${stderr || partial || String(error)}`);
  }
  const line = stdout.split("\n").find((candidate) => candidate.startsWith(MARKER));
  if (line === undefined) throw new Error(`${command} printed no report:\n${stdout}`);
  return JSON.parse(line.slice(MARKER.length)) as SuiteReport;
}

/** How a bundler for one runtime resolves the package. */
export interface BundleTarget {
  entry: string;
  conditions: readonly string[];
  format: "iife" | "esm";
}

/** Vercel's Edge runtime (Next.js middleware and edge routes): `edge-light` first. */
export const EDGE_LIGHT: BundleTarget = {
  entry: "entry-edge.js",
  conditions: ["edge-light", "worker", "browser"],
  format: "iife",
};

/** Cloudflare Workers (wrangler's conditions): `workerd` first. */
export const WORKERD: BundleTarget = {
  entry: "entry-worker.js",
  conditions: ["workerd", "worker", "browser"],
  format: "esm",
};

/**
 * Bundles an entry of the project for a target. esbuild adds `import` and `default` to the
 * conditions; platform `neutral` leaves Node's built-ins unresolved, and the plugin below turns
 * any import of one into a build error that names the importer.
 */
export async function bundleSuite(dir: string, target: BundleTarget): Promise<string> {
  const result = await build({
    absWorkingDir: dir,
    entryPoints: [join(dir, target.entry)],
    bundle: true,
    write: false,
    platform: "neutral",
    mainFields: ["module", "main"],
    conditions: [...target.conditions],
    format: target.format,
    ...(target.format === "iife" ? { globalName: "picketSuite" } : {}),
    target: "es2022",
    logLevel: "silent",
    plugins: [refuseNodeBuiltins],
  });
  const [output] = result.outputFiles;
  if (output === undefined) throw new Error("esbuild wrote no bundle");
  return output.text;
}

const BUILTINS = new Set(builtinModules);

const refuseNodeBuiltins: Plugin = {
  name: "refuse-node-builtins",
  setup(context) {
    context.onResolve({ filter: /^[a-z_:/]+$/ }, (args) => {
      const bare = args.path.replace(/^node:/, "");
      if (!args.path.startsWith("node:") && !BUILTINS.has(bare.split("/")[0] ?? "")) return;
      return {
        errors: [{ text: `Node built-in "${args.path}" imported by ${args.importer}` }],
      };
    });
  },
};

/** Evaluates an `EDGE_LIGHT` bundle in a fresh EdgeVM and awaits `picketSuite.run()`. */
export async function runInEdgeRuntime(bundle: string): Promise<SuiteReport> {
  const { EdgeRuntime } = await import("edge-runtime");
  const runtime = new EdgeRuntime();
  runtime.evaluate(bundle);
  const json = await withTimeout(
    runtime.evaluate("picketSuite.run()") as Promise<string>,
    "edge-runtime",
  );
  return JSON.parse(json) as SuiteReport;
}

/** Runs a `WORKERD` bundle as a module worker in workerd, through miniflare, for one request. */
export async function runInWorkerd(bundle: string): Promise<SuiteReport> {
  const { Miniflare } = await import("miniflare");
  const worker = new Miniflare({
    modules: true,
    script: bundle,
    compatibilityDate: "2025-07-18",
    // Miniflare would otherwise download Cloudflare's request metadata (`request.cf`).
    cf: false,
  });
  try {
    const response = await withTimeout(worker.dispatchFetch("http://localhost/"), "workerd");
    const body = await response.text();
    if (!response.ok) throw new Error(`workerd answered ${response.status}: ${body}`);
    return JSON.parse(body) as SuiteReport;
  } finally {
    await worker.dispose();
  }
}

function withTimeout<T>(pending: Promise<T>, name: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(
      () => reject(new Error(`${name} did not finish within ${RUN_TIMEOUT_MS} ms`)),
      RUN_TIMEOUT_MS,
    );
  });
  return Promise.race([pending, timeout]).finally(() => clearTimeout(timer));
}
