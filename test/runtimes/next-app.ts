/**
 * examples/nextjs as a user builds and runs it: copied to a scratch folder, the packed package
 * installed into it, `next build`, then `next start` on a free loopback port. Either as it is, with
 * proxy.ts (Node.js runtime), or as its Edge variant: middleware.edge.ts renamed to middleware.ts
 * and proxy.ts removed, as its README says (Next refuses to build an app that has both).
 */
import { type ChildProcess, execFile as execFileCallback, spawn } from "node:child_process";
import { cp, mkdir, mkdtemp, readdir, readFile, rename, rm, writeFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { createServer } from "node:net";
import { join } from "node:path";
import { promisify } from "node:util";
import { transform } from "esbuild";
import { installBuiltPackage, ROOT } from "./scratch-project.js";

const execFile = promisify(execFileCallback);
const NEXT_BIN = join(ROOT, "node_modules", "next", "dist", "bin", "next");
export const BUILD_TIMEOUT_MS = 300_000;
const START_TIMEOUT_MS = 60_000;

/** Environment of every `next` command: no telemetry, and no Picket settings inherited. */
function nextEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, NEXT_TELEMETRY_DISABLED: "1", ...extra };
  for (const name of ["PICKET_PROJECT_ID", "PICKET_JWKS"]) if (!(name in extra)) delete env[name];
  return env;
}

/** The example's two ways to gate /api: proxy.ts, or the Edge runtime's middleware.ts. */
export type NextVariant = "proxy" | "edge-middleware";

/**
 * Copies the example into the repository's ignored .scratch/ folder, where Node and Turbopack
 * find next and react in this repository's node_modules, and installs the packed package.
 */
export async function prepareNextApp(
  variant: NextVariant,
): Promise<{ dir: string; transpiled: boolean }> {
  await mkdir(join(ROOT, ".scratch"), { recursive: true });
  const dir = await mkdtemp(join(ROOT, ".scratch", `nextjs-${variant}-`));
  await cp(join(ROOT, "examples", "nextjs"), dir, { recursive: true });
  if (variant === "edge-middleware") {
    await rm(join(dir, "proxy.ts"));
    await rename(join(dir, "middleware.edge.ts"), join(dir, "middleware.ts"));
  }
  await writeFile(
    join(dir, "package.json"),
    JSON.stringify({ name: "picket-nextjs-example", private: true }),
  );
  await installBuiltPackage(dir);
  const transpiled = !hasReactTypes();
  if (transpiled) await transpileToJavaScript(dir);
  return { dir, transpiled };
}

function hasReactTypes(): boolean {
  try {
    createRequire(join(ROOT, "package.json")).resolve("@types/react/package.json");
    return true;
  } catch {
    return false;
  }
}

/**
 * Next's TypeScript setup insists on @types/react and installs it when missing. Without it,
 * the example's sources go in as JavaScript (types stripped by esbuild, code unchanged); the
 * repository's typecheck covers their types.
 */
async function transpileToJavaScript(dir: string): Promise<void> {
  await rm(join(dir, "tsconfig.json"));
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  for (const entry of entries) {
    if (
      !entry.isFile() ||
      !entry.name.endsWith(".ts") ||
      entry.parentPath.includes("node_modules")
    ) {
      continue;
    }
    const source = join(entry.parentPath, entry.name);
    // No `format`: esbuild then keeps each export where it is, as Next parses `config` and `runtime`.
    const { code } = await transform(await readFile(source, "utf8"), { loader: "ts" });
    await writeFile(source.replace(/\.ts$/, ".js"), code);
    await rm(source);
  }
}

/** Runs `next build` without any Picket settings, as a CI build of the app would. */
export async function buildNextApp(dir: string): Promise<string> {
  const { stdout, stderr } = await execFile(process.execPath, [NEXT_BIN, "build"], {
    cwd: dir,
    env: nextEnv(),
    timeout: BUILD_TIMEOUT_MS,
    maxBuffer: 16 * 1024 * 1024,
  });
  return `${stdout}${stderr}`;
}

/** A running `next start`. */
export interface NextServer {
  readonly url: string;
  /** Everything the server printed so far. */
  output(): string;
  stop(): Promise<void>;
}

/** Starts `next start` on a free 127.0.0.1 port and resolves once it says it is ready. */
export async function startNextApp(dir: string, env: Record<string, string>): Promise<NextServer> {
  const port = await freePort();
  const child = spawn(
    process.execPath,
    [NEXT_BIN, "start", "--port", String(port), "--hostname", "127.0.0.1"],
    { cwd: dir, env: nextEnv(env), stdio: ["ignore", "pipe", "pipe"] },
  );
  let output = "";
  child.stdout?.on("data", (chunk) => {
    output += String(chunk);
  });
  child.stderr?.on("data", (chunk) => {
    output += String(chunk);
  });
  const server: NextServer = {
    url: `http://127.0.0.1:${port}`,
    output: () => output,
    stop: () => stopChild(child),
  };
  try {
    await untilReady(child, () => output);
  } catch (error) {
    await server.stop();
    throw error;
  }
  return server;
}

function untilReady(child: ChildProcess, output: () => string): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      reject(new Error(`next start was not ready within ${START_TIMEOUT_MS} ms:\n${output()}`));
    }, START_TIMEOUT_MS);
    const settle = (error?: Error) => {
      clearTimeout(timer);
      child.stdout?.off("data", onData);
      child.off("exit", onExit);
      if (error === undefined) resolve();
      else reject(error);
    };
    const onData = () => {
      if (/\bReady\b/.test(output())) settle();
    };
    const onExit = (code: number | null) =>
      settle(new Error(`next start exited (${code}):\n${output()}`));
    child.stdout?.on("data", onData);
    child.once("exit", onExit);
  });
}

function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const force = setTimeout(() => child.kill("SIGKILL"), 10_000);
    child.once("exit", () => {
      clearTimeout(force);
      resolve();
    });
    child.kill("SIGTERM");
  });
}

/** A port nothing listens on right now: bound on 127.0.0.1 and released. */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once("error", reject);
    probe.listen(0, "127.0.0.1", () => {
      const address = probe.address();
      probe.close(() => resolve(typeof address === "object" && address ? address.port : 0));
    });
  });
}
