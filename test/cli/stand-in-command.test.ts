/**
 * `picket-validate stand-in`, run from the build as users run it: a child process in the
 * foreground, reached over loopback HTTP, stopped with SIGTERM.
 */
import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { once } from "node:events";
import { existsSync } from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { testWallet } from "../../src/testing/index.js";

const root = fileURLToPath(new URL("../../", import.meta.url));
const main = join(root, "dist", "cli", "main.js");
const CONTRACT = "0x8a90cab2b38dba80c64b7734e58ee1db38b8992e";

beforeAll(() => {
  if (!existsSync(main)) execFileSync("npm", ["run", "build"], { cwd: root, stdio: "ignore" });
}, 120_000);

let child: ChildProcess | undefined;
afterEach(() => {
  child?.kill("SIGKILL");
  child = undefined;
});

/** Starts the command and resolves with what it printed once it is listening. */
function startStandIn(args: readonly string[]): Promise<Record<string, string>> {
  const started = spawn(process.execPath, [main, "stand-in", ...args], {
    cwd: root,
    stdio: ["ignore", "pipe", "pipe"],
    timeout: 20_000,
  });
  child = started;
  return new Promise((resolve, reject) => {
    let stdout = "";
    started.stdout?.setEncoding("utf8").on("data", (chunk: string) => {
      stdout += chunk;
      if (!stdout.includes("balances:")) return;
      const fields = Object.fromEntries(
        stdout
          .split("\n")
          .map((line) => /^([a-zA-Z ]+):\s+(.*)$/.exec(line))
          .filter((match) => match !== null)
          .map((match) => [match[1] as string, match[2] as string]),
      );
      resolve(fields);
    });
    started.on("close", (code) => reject(new Error(`stand-in exited ${code} before listening`)));
  });
}

const basic = (key: string) => `Basic ${Buffer.from(key).toString("base64")}`;

describe("picket-validate stand-in", () => {
  it("prints how to reach it, takes balances over HTTP, answers Picket's API, and stops on SIGTERM", async () => {
    const printed = await startStandIn(["--project-id", "proj-1", "--secret-key", "sk_test_cli"]);
    expect(printed["project ID"]).toBe("proj-1");
    expect(printed["secret key"]).toBe("sk_test_cli");
    const baseUrl = printed["base URL"] as string;
    expect(baseUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/api\/v1$/);
    expect(printed["JWKS URL"]).toBe(`${baseUrl}/.well-known/jwks.json`);

    const wallet = testWallet("ethereum").address;
    const balances = `${new URL(baseUrl).origin}/__stand-in/balances`;
    const update = { chain: "ethereum", wallet, contractAddress: CONTRACT, amount: "4" };
    const refused = await fetch(balances, { method: "POST", body: JSON.stringify(update) });
    expect(refused.status).toBe(401);
    const set = await fetch(balances, {
      method: "POST",
      headers: { authorization: basic("sk_test_cli") },
      body: JSON.stringify(update),
    });
    expect(set.status).toBe(200);
    const malformed = await fetch(balances, {
      method: "POST",
      headers: { authorization: basic("sk_test_cli") },
      body: JSON.stringify({ ...update, amount: "four" }),
    });
    expect(malformed.status).toBe(400);

    const ownership = await fetch(`${baseUrl}/chains/ethereum/wallets/${wallet}/tokenOwnership`, {
      method: "POST",
      headers: { authorization: basic("sk_test_cli") },
      body: JSON.stringify({ contractAddress: CONTRACT, minTokenBalance: "4" }),
    });
    expect(await ownership.json()).toMatchObject({ allowed: true, tokenBalance: "4" });

    const running = child as ChildProcess;
    const closed = once(running, "close");
    running.kill("SIGTERM");
    const [code] = await closed;
    expect(code).toBe(0);
  });

  it("listens on the --port it is given", async () => {
    const probe = createServer();
    await new Promise<void>((resolve) => probe.listen(0, "127.0.0.1", resolve));
    const { port } = probe.address() as AddressInfo;
    await new Promise<void>((resolve) => probe.close(() => resolve()));
    const printed = await startStandIn(["--port", String(port)]);
    expect(printed["base URL"]).toBe(`http://127.0.0.1:${port}/api/v1`);
  });

  it.each([
    ["a port out of range", ["--port", "70000"], /--port must be a port number/],
    ["an unknown flag", ["--portt", "1"], /--portt/],
    ["an argument", ["extra"], /takes no argument/],
  ])("exits 2 with one line for %s", async (_name, args, message) => {
    const run = spawn(process.execPath, [main, "stand-in", ...args], {
      cwd: root,
      stdio: ["ignore", "pipe", "pipe"],
      timeout: 15_000,
    });
    let stderr = "";
    run.stderr?.setEncoding("utf8").on("data", (chunk: string) => {
      stderr += chunk;
    });
    const [code] = await once(run, "close");
    expect(code).toBe(2);
    expect(stderr).toMatch(message);
  });

  it("exits 2 when the port is taken", async () => {
    const taken = createServer();
    await new Promise<void>((resolve) => taken.listen(0, "127.0.0.1", resolve));
    const { port } = taken.address() as AddressInfo;
    try {
      const run = spawn(process.execPath, [main, "stand-in", "--port", String(port)], {
        cwd: root,
        stdio: ["ignore", "pipe", "pipe"],
        timeout: 15_000,
      });
      let stderr = "";
      run.stderr?.setEncoding("utf8").on("data", (chunk: string) => {
        stderr += chunk;
      });
      const [code] = await once(run, "close");
      expect(code).toBe(2);
      expect(stderr).toMatch(/cannot start the stand-in: .*EADDRINUSE/);
    } finally {
      await new Promise<void>((resolve) => taken.close(() => resolve()));
    }
  });
});
