/**
 * `picket-validate serve`: in-process for its options and start-up failures, and the built CLI
 * as a child process for the signals that stop it.
 */
import { execFileSync, spawn } from "node:child_process";
import { once } from "node:events";
import { existsSync } from "node:fs";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { createServer } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { CliIo } from "../../src/cli/cli-io.js";
import { runCli } from "../../src/cli/run-cli.js";
import { serveCommand } from "../../src/cli/serve-command.js";
import { createTestIssuer } from "../../src/testing/index.js";
import { bearer, closeServer, get, listenOnLoopback } from "../helpers/http.js";

const CONTRACT = "0x8a90cab2b38dba80c64b7734e58ee1db38b8992e";
const issuer = createTestIssuer();
let dir: string;
let jwksFile: string;
let configFile: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "picket-serve-"));
  jwksFile = join(dir, "jwks.json");
  configFile = join(dir, "config.json");
  await writeFile(jwksFile, JSON.stringify(issuer.jwks));
  await writeFile(
    configFile,
    JSON.stringify({
      cookie: "picket_token",
      policies: { holders: { contractAddress: CONTRACT } },
    }),
  );
});
afterAll(() => rm(dir, { recursive: true, force: true }));

/** An in-memory CliIo; `listening` settles with the service's URL once it logs it. */
function memoryIo(env: Record<string, string> = {}) {
  const out = { stdout: "", stderr: "" };
  let announce: (url: string) => void = () => undefined;
  const listening = new Promise<string>((resolve) => {
    announce = resolve;
  });
  const io: CliIo = {
    readStdin: async () => undefined,
    stdout: (text) => {
      out.stdout += text;
    },
    stderr: (text) => {
      out.stderr += text;
      const url = /"event":"listening","url":"([^"]+)"/.exec(text)?.[1];
      if (url !== undefined) announce(url);
    },
    env,
  };
  return { io, out, listening };
}

async function failure(args: string[], env: Record<string, string> = {}) {
  const { io, out } = memoryIo(env);
  const status = await runCli(["serve", ...args], io);
  return { status, stderr: out.stderr };
}

describe("serve: start-up mistakes are status 2 and one line", () => {
  it("needs a project ID", async () => {
    const { status, stderr } = await failure(["--jwks", jwksFile]);
    expect(status).toBe(2);
    expect(stderr).toContain("serve needs --project-id (or PICKET_PROJECT_ID)");
  });

  it.each([["70000"], ["http"], ["1.5"]])("refuses --port %s", async (port) => {
    const { status, stderr } = await failure([
      "--project-id",
      "p",
      "--jwks",
      jwksFile,
      "--port",
      port,
    ]);
    expect(status).toBe(2);
    expect(stderr).toContain("--port (or PORT) must be a port number");
  });

  it.each([
    [
      { cookei: "x" },
      "options.cookei is not an option of the service's config; did you mean cookie?",
    ],
    [
      { policies: { gold: { minTokenBalance: 1 } } },
      "policies.gold: requirements.minTokenBalance needs",
    ],
    [{ policies: { gold: { tokenIds: [] } } }, "policies.gold:"],
    [[], "must be a JSON object"],
  ])("refuses the config %j", async (config, message) => {
    const file = join(dir, "bad.json");
    await writeFile(file, JSON.stringify(config));
    const { status, stderr } = await failure([
      "--project-id",
      "p",
      "--jwks",
      jwksFile,
      "--config",
      file,
    ]);
    expect(status).toBe(2);
    expect(stderr).toBe(
      `picket-validate: --config ${file}: ${stderr.split(": ").slice(2).join(": ")}`,
    );
    expect(stderr).toContain(message);
    expect(stderr.trimEnd().split("\n")).toHaveLength(1);
  });

  it("refuses a cookie name that is not one", async () => {
    const file = join(dir, "cookie.json");
    await writeFile(file, JSON.stringify({ cookie: "a b" }));
    const { status, stderr } = await failure([
      "--project-id",
      "p",
      "--jwks",
      jwksFile,
      "--config",
      file,
    ]);
    expect(status).toBe(2);
    expect(stderr).toBe(
      "picket-validate: cannot start the service: createValidationServer: options.cookie must be a cookie name (RFC 6265 token characters)\n",
    );
  });

  it("refuses a config that is not JSON, or not there", async () => {
    const file = join(dir, "not.json");
    await writeFile(file, "{");
    expect(
      (await failure(["--project-id", "p", "--jwks", jwksFile, "--config", file])).stderr,
    ).toContain("is not JSON");
    const missing = await failure([
      "--project-id",
      "p",
      "--jwks",
      jwksFile,
      "--config",
      join(dir, "none"),
    ]);
    expect(missing.stderr).toContain("ENOENT");
  });

  it("does not start without keys: one line naming the key set", async () => {
    const down = createServer((_request, response) => {
      response.writeHead(503);
      response.end();
    });
    const origin = await listenOnLoopback(down);
    try {
      const { status, stderr } = await failure(["--project-id", "p"], {
        PICKET_JWKS_URI: `${origin}/jwks.json`,
      });
      expect(status).toBe(2);
      expect(stderr).toMatch(
        /^picket-validate: cannot load keys from http:\/\/127\.0\.0\.1:\d+\/jwks\.json: /,
      );
      expect(stderr.trimEnd().split("\n")).toHaveLength(1);
    } finally {
      await closeServer(down);
    }
  });
});

describe("serve: running", () => {
  it("prints the usage for --help, and starts nothing", async () => {
    const { io, out } = memoryIo();
    expect(await serveCommand(["--help"], io, () => Promise.reject(new Error("started")))).toBe(0);
    expect(out.stdout).toContain("picket-validate serve --project-id ID");
  });

  it("serves with the flags, the config and PORT/HOST from the environment, until stopped", async () => {
    const { io, out, listening } = memoryIo({
      PICKET_PROJECT_ID: issuer.projectId,
      PORT: "0",
      HOST: "127.0.0.1",
    });
    let stop: () => void = () => undefined;
    const stopped = new Promise<void>((resolve) => {
      stop = resolve;
    });
    const status = serveCommand(["--jwks", jwksFile, "--config", configFile], io, () => stopped);
    const url = await listening;
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect((await get(`${url}/readyz`)).status).toBe(200);
    const holder = issuer.sign({ contractAddress: CONTRACT, tokenBalance: "1" });
    expect((await get(`${url}/forward-auth/holders`, bearer(issuer.sign()))).status).toBe(403);
    const viaCookie = await get(`${url}/forward-auth/holders`, undefined, {
      cookie: `picket_token=${holder}`,
    });
    expect(viaCookie.status).toBe(200);
    stop();
    expect(await status).toBe(0);
    const events = out.stderr
      .trimEnd()
      .split("\n")
      .map((line) => JSON.parse(line) as { event: string; code?: string });
    expect(events.map((entry) => entry.event)).toEqual(["listening", "refused", "stopping"]);
    expect(events[1]?.code).toBe("ERR_REQUIREMENTS_NOT_MET");
    expect(out.stderr).not.toContain(holder.slice(0, 20));
  });
});

describe("serve: the built CLI", () => {
  const root = fileURLToPath(new URL("../../", import.meta.url));
  const main = join(root, "dist", "cli", "main.js");
  beforeAll(() => {
    if (!existsSync(main)) execFileSync("npm", ["run", "build"], { cwd: root, stdio: "ignore" });
  });

  it("exits 2 with one line when the port is taken, keys fetched or not", async () => {
    const taken = createServer();
    const origin = await listenOnLoopback(taken);
    const keys = await issuer.serve();
    try {
      const child = spawn(
        process.execPath,
        [main, "serve", "--project-id", issuer.projectId, "--port", new URL(origin).port],
        {
          stdio: ["ignore", "ignore", "pipe"],
          env: { PATH: process.env.PATH ?? "", PICKET_JWKS_URI: keys.jwksUri },
        },
      );
      let stderr = "";
      child.stderr.on("data", (chunk: Buffer) => {
        stderr += chunk.toString();
      });
      const [code] = (await once(child, "exit")) as [number | null];
      expect(code).toBe(2);
      expect(stderr).toMatch(
        /^picket-validate: cannot listen on 127\.0\.0\.1:\d+: listen EADDRINUSE/,
      );
      expect(stderr.trimEnd().split("\n")).toHaveLength(1);
    } finally {
      await Promise.all([closeServer(taken), keys.close()]);
    }
  });

  it.each(["SIGTERM", "SIGINT"] as const)("exits 0 on %s", async (signal) => {
    const child = spawn(
      process.execPath,
      [main, "serve", "--project-id", issuer.projectId, "--jwks", jwksFile, "--port", "0"],
      { stdio: ["ignore", "ignore", "pipe"], env: { PATH: process.env.PATH ?? "" } },
    );
    let stderr = "";
    const url = await new Promise<string>((resolve, reject) => {
      child.stderr.on("data", (chunk: Buffer) => {
        stderr += chunk.toString();
        const found = /"url":"([^"]+)"/.exec(stderr)?.[1];
        if (found !== undefined) resolve(found);
      });
      child.once("exit", () => reject(new Error(`exited early: ${stderr}`)));
    });
    expect((await get(`${url}/forward-auth`, bearer(issuer.sign()))).status).toBe(200);
    child.kill(signal);
    const [code] = (await once(child, "exit")) as [number | null];
    expect(code).toBe(0);
    expect(stderr).toContain('"event":"stopping"');
  });
});
