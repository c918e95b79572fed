/** Starts the benchmark's servers, each in a child process of its own (see `http-server.ts`). */
import { type ChildProcess, fork } from "node:child_process";
import type { AppName, AppSettings } from "./http-apps.js";

/** A server running in a child process. */
export interface ServerProcess {
  /** `http://127.0.0.1:<port>`. */
  url: string;
  /** Disconnects the child, which closes its server and exits; resolves once it has. */
  stop(): Promise<void>;
}

const SCRIPT = new URL("http-server.ts", import.meta.url).pathname;
const START_TIMEOUT_MS = 30_000;

/**
 * Forks `http-server.ts` for one server (inheriting this process's loader flags, so that it
 * runs TypeScript as this one does) and resolves once it listens.
 */
export function spawnServer(name: AppName, settings: AppSettings): Promise<ServerProcess> {
  const child = fork(SCRIPT, [name, JSON.stringify(settings)], { stdio: "inherit" });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill();
      reject(new Error(`${name} did not start within ${START_TIMEOUT_MS} ms`));
    }, START_TIMEOUT_MS);
    child.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`${name} exited with code ${code} before listening`));
    });
    child.once("message", (message) => {
      clearTimeout(timer);
      child.removeAllListeners("exit");
      const { port } = message as { port: number };
      resolve({ url: `http://127.0.0.1:${port}`, stop: () => stop(child) });
    });
  });
}

function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once("exit", () => resolve());
    child.disconnect();
  });
}
