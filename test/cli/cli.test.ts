/**
 * The built CLI, run as a child process exactly as users run it: `node dist/cli/main.js`.
 * Children are spawned asynchronously so that loopback servers in this process can answer them.
 */
import { execFileSync, spawn } from "node:child_process";
import { once } from "node:events";
import { closeSync, existsSync, openSync, readFileSync } from "node:fs";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestIssuer, type JwksServer } from "../../src/testing/index.js";

const root = fileURLToPath(new URL("../../", import.meta.url));
const main = join(root, "dist", "cli", "main.js");
const fixtureJwks = join(root, "fixtures", "jwks.json");

interface FixtureCase {
  name: string;
  token: string;
  expect: string;
}
const fixtures = JSON.parse(readFileSync(join(root, "fixtures", "tokens.json"), "utf8")) as {
  projectId: string;
  cases: FixtureCase[];
};
function fixture(name: string): string {
  const found = fixtures.cases.find((item) => item.name === name);
  if (found === undefined) throw new Error(`no fixture named ${name}`);
  return found.token;
}
const { projectId } = fixtures;
const VALID = fixture("signed in, no requirements");
const EXPIRED = fixture("expired");
const OTHER_PROJECT = fixture("another project's token");
const HOLDS_2_5 = fixture("holds 2.5, needs 1 (checksum vs lower-case address)");
const CONTRACT = "0x8a90cab2b38dba80c64b7734e58ee1db38b8992e";
const FIXTURE_WALLET = "0x8F7A3f0E6b2B4dB2cE1f5A9d4C3b2A1908F7e6D5";

/** The fixture token with one signature character changed. */
function tamper(token: string): string {
  const at = token.lastIndexOf(".") + 10;
  const swapped = token[at] === "A" ? "B" : "A";
  return `${token.slice(0, at)}${swapped}${token.slice(at + 1)}`;
}

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

interface CliOptions {
  /** Variables added to an environment cleared of PICKET_* ones. */
  env?: Record<string, string>;
  /** A file descriptor for standard output instead of a pipe. */
  stdoutFd?: number;
}

/** This process's environment without the variables the CLI reads. */
function cleanEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env = { ...process.env };
  delete env.PICKET_PROJECT_ID;
  delete env.PICKET_JWKS_URI;
  return { ...env, ...extra };
}

/** Runs the built CLI; standard input gets `input` (or nothing) and is then closed. */
function cli(args: readonly string[], input?: string, options: CliOptions = {}): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [main, ...args], {
      cwd: root,
      env: cleanEnv(options.env),
      stdio: ["pipe", options.stdoutFd ?? "pipe", "pipe"],
      timeout: 15_000,
    });
    let stdout = "";
    let stderr = "";
    child.stdout?.setEncoding("utf8").on("data", (chunk: string) => {
      stdout += chunk;
    });
    child.stderr?.setEncoding("utf8").on("data", (chunk: string) => {
      stderr += chunk;
    });
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stdout, stderr }));
    child.stdin?.end(input ?? "");
  });
}

const offline = ["--project-id", projectId, "--jwks", "fixtures/jwks.json"];

beforeAll(() => {
  if (!existsSync(main)) {
    execFileSync("npm", ["run", "build"], { cwd: root, stdio: "ignore" });
  }
}, 120_000);

describe("picket-validate verify", () => {
  it("exits 0 for a valid fixture token and says whose it is", async () => {
    const run = await cli(["verify", VALID, ...offline]);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain(`valid: ethereum:${FIXTURE_WALLET}`);
    expect(run.stderr).toBe("");
  });

  it.each([
    ["expired", EXPIRED, "ERR_TOKEN_EXPIRED"],
    ["tampered", tamper(VALID), "ERR_SIGNATURE_INVALID"],
    ["another project's", OTHER_PROJECT, "ERR_AUDIENCE_INVALID"],
    ["malformed", "not-a-jwt", "ERR_TOKEN_MALFORMED"],
  ])("exits 1 for the %s token, its code on stderr", async (_name, token, code) => {
    const run = await cli(["verify", token, ...offline]);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(new RegExp(`^${code}: `));
    expect(run.stdout).toBe("");
  });

  it.each([
    ["missing --project-id", ["verify", VALID, "--jwks", "fixtures/jwks.json"]],
    ["an unknown flag", ["verify", VALID, ...offline, "--frobnicate"]],
    ["an unknown command", ["frobnicate", VALID]],
    ["no command", []],
    ["--require without =", ["verify", VALID, ...offline, "--require", "minTokenBalance"]],
    [
      "--require with a bad amount",
      [
        "verify",
        HOLDS_2_5,
        ...offline,
        ...["--require", `contractAddress=${CONTRACT}`, "--require", "minTokenBalance=lots"],
      ],
    ],
    ["--require with an unknown key", ["verify", VALID, ...offline, "--require", "nope=1"]],
    ["two tokens", ["verify", VALID, VALID, ...offline]],
    ["no token and empty standard input", ["verify", ...offline]],
  ])("exits 2 with one line and a pointer to --help for %s", async (_name, args) => {
    const run = await cli(args);
    expect(run.code).toBe(2);
    const [what, pointer, ...rest] = run.stderr.split("\n");
    expect(what).toMatch(/^picket-validate: \S/);
    expect(pointer).toBe('Run "picket-validate --help" for usage.');
    expect(rest).toEqual([""]);
    expect(run.stderr).not.toContain("Usage:");
    expect(run.stderr).not.toMatch(/ERR_/);
  });

  it("accepts a pasted Bearer <token>, as argument and on standard input", async () => {
    const argument = await cli(["verify", `Bearer ${VALID}`, ...offline]);
    expect(argument.code).toBe(0);
    const piped = await cli(["verify", ...offline], `bearer   ${VALID}\n`);
    expect(piped.code).toBe(0);
    expect(piped.stdout).toContain(`valid: ethereum:${FIXTURE_WALLET}`);
  });

  it("prints a wallet carrying terminal escape sequences escaped", async () => {
    const issuer = createTestIssuer();
    const dir = await mkdtemp(join(tmpdir(), "picket-cli-"));
    const keys = join(dir, "jwks.json");
    await writeFile(keys, JSON.stringify(issuer.jwks));
    const token = issuer.sign({ walletAddress: "0x1\u001b]0;owned\u0007\u001b[2J\u009b31m" });
    const run = await cli(["verify", token, "--project-id", issuer.projectId, "--jwks", keys]);
    await rm(dir, { recursive: true, force: true });
    expect(run.code).toBe(0);
    expect(run.stdout).toContain("ethereum:0x1\\u001b]0;owned\\u0007\\u001b[2J\\u009b31m,");
    expect(run.stdout).not.toContain("\u0007");
    expect(run.stdout).not.toContain("\u009b");
    expect(run.stdout).not.toContain("\u001b");
  });

  it("reads PICKET_PROJECT_ID when --project-id is absent; the flag wins", async () => {
    const keys = ["--jwks", "fixtures/jwks.json"];
    const fromEnv = await cli(["verify", VALID, ...keys], undefined, {
      env: { PICKET_PROJECT_ID: projectId },
    });
    expect(fromEnv.code).toBe(0);
    const flagWins = await cli(["verify", VALID, ...keys, "--project-id", "other"], undefined, {
      env: { PICKET_PROJECT_ID: projectId },
    });
    expect(flagWins.code).toBe(1);
    expect(flagWins.stderr).toMatch(/^ERR_AUDIENCE_INVALID: /);
  });

  it("exits 2 with one line, no stack trace, for an unreadable --jwks file", async () => {
    const run = await cli([
      "verify",
      VALID,
      "--project-id",
      projectId,
      "--jwks",
      "fixtures/no-such-file.json",
    ]);
    expect(run.code).toBe(2);
    expect(run.stderr).toBe(
      "picket-validate: cannot read --jwks fixtures/no-such-file.json: ENOENT: no such file or directory\n",
    );
  });

  it("exits 2 with one line when standard output cannot be written", async () => {
    // A descriptor opened read-only: every write to it fails with EBADF.
    const fd = openSync(fixtureJwks, "r");
    try {
      const run = await cli(["verify", VALID, ...offline], undefined, { stdoutFd: fd });
      expect(run.code).toBe(2);
      expect(run.stderr).toBe(
        "picket-validate: cannot write to standard output: EBADF: bad file descriptor\n",
      );
    } finally {
      closeSync(fd);
    }
  });

  it("exits 2 with ERR_JWKS_UNAVAILABLE when a --jwks URL cannot be reached", async () => {
    const dead = createServer();
    dead.listen(0, "127.0.0.1");
    await once(dead, "listening");
    const { port } = dead.address() as AddressInfo;
    await new Promise<void>((resolve) => dead.close(() => resolve()));
    const run = await cli([
      "verify",
      VALID,
      "--project-id",
      projectId,
      "--jwks",
      `http://127.0.0.1:${port}/.well-known/jwks.json`,
    ]);
    expect(run.code).toBe(2);
    const [message, cause, ...rest] = run.stderr.split("\n");
    expect(message).toMatch(
      /^ERR_JWKS_UNAVAILABLE: .*http:\/\/127\.0\.0\.1:\d+\/\.well-known\/jwks\.json/,
    );
    expect(cause).toBe(`  cause: fetch failed: connect ECONNREFUSED 127.0.0.1:${port}`);
    expect(rest).toEqual([""]);
  });

  describe("--json", () => {
    it("prints the normalized claims on success", async () => {
      const run = await cli(["verify", VALID, ...offline, "--json"]);
      expect(run.code).toBe(0);
      const claims = JSON.parse(run.stdout) as Record<string, unknown>;
      expect(claims).toMatchObject({
        iss: "picketapi.com",
        aud: projectId,
        chain: "ethereum",
        walletAddress: FIXTURE_WALLET,
        exp: 4102444800,
      });
    });

    it("prints { error, message } on failure, and exits 1", async () => {
      const run = await cli(["verify", EXPIRED, ...offline, "--json"]);
      expect(run.code).toBe(1);
      expect(JSON.parse(run.stdout)).toEqual({
        error: "ERR_TOKEN_EXPIRED",
        message: expect.any(String),
      });
      expect(run.stderr).toMatch(/^ERR_TOKEN_EXPIRED: /);
    });
  });

  describe("token from standard input", () => {
    it('reads it for "-"', async () => {
      const run = await cli(["verify", "-", ...offline], `${VALID}\n`);
      expect(run.code).toBe(0);
      expect(run.stdout).toContain("valid: ethereum:");
    });

    it("reads it when no token argument is given", async () => {
      const run = await cli(["verify", ...offline, "--json"], `  ${VALID}\n`);
      expect(run.code).toBe(0);
      expect(JSON.parse(run.stdout)).toMatchObject({ walletAddress: FIXTURE_WALLET });
    });

    it("exits 1 for a bad token on standard input", async () => {
      const run = await cli(["verify", "-", ...offline], EXPIRED);
      expect(run.code).toBe(1);
      expect(run.stderr).toMatch(/^ERR_TOKEN_EXPIRED: /);
    });
  });

  describe("--require key=value, repeated", () => {
    it("exits 0 when the token meets them (checksummed vs lower-case contract)", async () => {
      const run = await cli([
        "verify",
        HOLDS_2_5,
        ...offline,
        ...["--require", `contractAddress=${CONTRACT}`, "--require", "minTokenBalance=2.5"],
      ]);
      expect(run.code).toBe(0);
    });

    it("exits 1 with ERR_REQUIREMENTS_NOT_MET when it does not", async () => {
      const run = await cli([
        "verify",
        HOLDS_2_5,
        ...offline,
        ...["--require", `contractAddress=${CONTRACT}`, "--require", "minTokenBalance=2.6"],
      ]);
      expect(run.code).toBe(1);
      expect(run.stderr).toMatch(/^ERR_REQUIREMENTS_NOT_MET: /);
    });

    it("applies every flag, not just the last one", async () => {
      // The balance alone would pass; the chain requirement must fail it.
      const run = await cli([
        "verify",
        HOLDS_2_5,
        ...offline,
        ...["--require", "chain=solana", "--require", `contractAddress=${CONTRACT}`],
      ]);
      expect(run.code).toBe(1);
      expect(run.stderr).toMatch(/^ERR_REQUIREMENTS_NOT_MET: /);
    });
  });
});

describe("picket-validate decode", () => {
  it("prints the header and claims, with a NOT VERIFIED warning on stderr", async () => {
    const run = await cli(["decode", EXPIRED]);
    expect(run.code).toBe(0);
    const decoded = JSON.parse(run.stdout) as {
      header: Record<string, unknown>;
      claims: Record<string, unknown>;
    };
    expect(decoded.header).toEqual({ alg: "ES256", typ: "JWT" });
    expect(decoded.claims).toMatchObject({ aud: projectId, exp: 1767222000 });
    expect(run.stderr).toMatch(/WARNING/);
    expect(run.stderr).toMatch(/NOTHING WAS VERIFIED/);
  });

  it("reads the token from standard input", async () => {
    const run = await cli(["decode"], VALID);
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout).claims.walletAddress).toBe(FIXTURE_WALLET);
  });

  it("exits 1 for something that is not a token", async () => {
    const run = await cli(["decode", "not-a-jwt"]);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain("ERR_TOKEN_MALFORMED");
  });
});

describe("picket-validate jwks", () => {
  const issuer = createTestIssuer();
  let server: JwksServer | undefined;
  let dir: string;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "picket-cli-"));
    server = await issuer.serve();
  });

  afterAll(async () => {
    await server?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it("saves the key set to a file that verify then uses offline", async () => {
    const out = join(dir, "keys.json");
    const saved = await cli(["jwks", "--uri", server?.jwksUri ?? "", "--out", out]);
    expect(saved.code).toBe(0);
    expect(saved.stderr).toBe(`saved 1 usable key (0 ignored) from ${server?.jwksUri} to ${out}\n`);
    expect(server?.requests).toBe(1);
    const written = JSON.parse(await readFile(out, "utf8")) as { keys: unknown[] };
    expect(written).toEqual(issuer.jwks);

    // No key server from here on: the file alone must do.
    await server?.close();
    server = undefined;
    const token = issuer.sign();
    const run = await cli(["verify", token, "--project-id", issuer.projectId, "--jwks", out]);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain(`valid: ethereum:${issuer.walletAddress}`);
    // The fixture keys, by contrast, do not verify this issuer's token.
    const other = await cli([
      "verify",
      token,
      "--project-id",
      issuer.projectId,
      "--jwks",
      fixtureJwks,
    ]);
    expect(other.code).toBe(1);
  });

  it("prints the key set to stdout without --out", async () => {
    const again = await issuer.serve();
    try {
      const run = await cli(["jwks", "--uri", again.jwksUri]);
      expect(run.code).toBe(0);
      expect(JSON.parse(run.stdout)).toEqual(issuer.jwks);
    } finally {
      await again.close();
    }
  });

  it("exits 2 with one line, no stack trace, when --out cannot be written", async () => {
    const again = await issuer.serve();
    const run = await cli(["jwks", "--uri", again.jwksUri, "--out", "/nonexistent/x.json"]);
    await again.close();
    expect(run.code).toBe(2);
    expect(run.stderr).toBe(
      "picket-validate: cannot write --out /nonexistent/x.json: ENOENT: no such file or directory\n",
    );
  });

  it("fetches from PICKET_JWKS_URI without --uri; --uri wins over it", async () => {
    const again = await issuer.serve();
    try {
      const env = { PICKET_JWKS_URI: again.jwksUri };
      const fromEnv = await cli(["jwks"], undefined, { env });
      expect(fromEnv.code).toBe(0);
      expect(JSON.parse(fromEnv.stdout)).toEqual(issuer.jwks);
      expect(again.requests).toBe(1);
      const flagWins = await cli(["jwks", "--uri", "http://example.com/jwks.json"], undefined, {
        env,
      });
      expect(flagWins.code).toBe(2);
      expect(flagWins.stderr).toMatch(/^picket-validate: --uri must be an https: URL/);
      expect(again.requests).toBe(1);
    } finally {
      await again.close();
    }
  });

  it("refuses a plain-http key server that is not loopback (exit 2)", async () => {
    const run = await cli(["jwks", "--uri", "http://example.com/.well-known/jwks.json"]);
    expect(run.code).toBe(2);
  });
});

describe("picket-validate --version", () => {
  it("prints the version from package.json for --version and -v", async () => {
    const { version } = JSON.parse(readFileSync(join(root, "package.json"), "utf8")) as {
      version: string;
    };
    for (const flag of ["--version", "-v"]) {
      const run = await cli([flag]);
      expect(run).toEqual({ code: 0, stdout: `${version}\n`, stderr: "" });
    }
  });
});

describe("picket-validate verify --require tokenIds=<mint>,<mint> (Solana)", () => {
  it("passes a token holding one of the mints", async () => {
    const issuer = createTestIssuer();
    const wallet = "9WzDXwBbmkg8ZTbNMqUxvQRAyrZzDsGYdLVL9zYtAWWM";
    const mint = "78AZe2223PknLYT9mn2VCJPAsdvuB6LzFAhgQeVoxddW";
    const token = issuer.sign({
      sub: `solana:${wallet}`,
      chain: "solana",
      walletAddress: wallet,
      displayAddress: wallet,
      tokenBalances: { tokenIds: { [mint]: "1" } },
    });
    const dir = await mkdtemp(join(tmpdir(), "picket-cli-"));
    const keys = join(dir, "jwks.json");
    await writeFile(keys, JSON.stringify(issuer.jwks));
    try {
      const run = await cli(
        [
          "verify",
          token,
          "--jwks",
          keys,
          "--require",
          `tokenIds=${mint},2dQG4YYunFrbJjzW6UTcUmePs8UDy5jz43H6uSCZSAcS`,
          "--require",
          "minTokenBalance=1",
        ],
        undefined,
        { env: { PICKET_PROJECT_ID: issuer.projectId } },
      );
      expect(run.stderr).toBe("");
      expect(run.code).toBe(0);
      expect(run.stdout).toContain(`valid: solana:${wallet}`);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe("picket-validate --help", () => {
  it("prints the usage and exits 0", async () => {
    const run = await cli(["--help"]);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain("Usage:");
    expect(run.stdout).toContain("picket-validate verify");
    expect(run.stderr).toBe("");
  });

  it("also answers per command", async () => {
    const run = await cli(["verify", "--help"]);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain("Usage:");
  });
});
