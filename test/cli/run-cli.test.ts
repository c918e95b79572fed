import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { type CliIo, runCli } from "../../src/cli/run-cli.js";
import { createTestIssuer } from "../../src/testing/index.js";
import { deadUrl, json, serveLoopback } from "./loopback-server.js";

const fixtures = JSON.parse(readFileSync("fixtures/tokens.json", "utf8")) as {
  projectId: string;
  cases: { name: string; token: string; expect: string }[];
};
const valid = fixtures.cases.find((c) => c.expect === "valid")?.token as string;
const expired = fixtures.cases.find((c) => c.expect === "ERR_TOKEN_EXPIRED")?.token as string;
const offline = ["--project-id", fixtures.projectId, "--jwks", "fixtures/jwks.json"];
const { version } = JSON.parse(readFileSync("package.json", "utf8")) as { version: string };
const scratch = mkdtempSync(join(tmpdir(), "picket-cli-"));
const POINTER = 'Run "picket-validate --help" for usage.\n';
// Raw control characters a terminal would act on; the newlines the CLI writes itself excepted.
// biome-ignore lint/suspicious/noControlCharactersInRegex: finding them is the point
const RAW_CONTROL = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u2028\u2029]/;

afterAll(() => rmSync(scratch, { recursive: true, force: true }));

interface RunOptions {
  stdin?: string;
  env?: Record<string, string>;
  stdout?: CliIo["stdout"];
  readStdin?: CliIo["readStdin"];
}

/** Runs the CLI in-process with captured output and an environment of `env` only. */
async function run(argv: string[], options: RunOptions = {}) {
  let stdout = "";
  let stderr = "";
  const io: CliIo = {
    readStdin: options.readStdin ?? (async () => options.stdin),
    stdout:
      options.stdout ??
      ((text) => {
        stdout += text;
      }),
    stderr: (text) => {
      stderr += text;
    },
    env: options.env ?? {},
  };
  const code = await runCli(argv, io);
  return { code, stdout, stderr };
}

function lines(text: string): string[] {
  return text.split("\n").filter((line) => line !== "");
}

describe("runCli", () => {
  it("prints the usage for --help and for help after a command", async () => {
    for (const argv of [
      ["--help"],
      ["help"],
      ["verify", "--help"],
      ["decode", "-h"],
      ["jwks", "--help"],
    ]) {
      const result = await run(argv);
      expect(result.code).toBe(0);
      expect(result.stdout).toContain("Usage:");
      expect(result.stdout).toContain("PICKET_PROJECT_ID");
    }
  });

  it("prints the package version for --version and -v", async () => {
    for (const flag of ["--version", "-v"]) {
      expect(await run([flag])).toEqual({ code: 0, stdout: `${version}\n`, stderr: "" });
    }
  });

  it("verifies offline: 0 with the wallet, 1 with the code, --json either way", async () => {
    const ok = await run(["verify", valid, ...offline]);
    expect(ok).toMatchObject({ code: 0, stderr: "" });
    expect(ok.stdout).toMatch(/^valid: ethereum:0x/);
    const asJson = await run(["verify", valid, ...offline, "--json"]);
    expect(JSON.parse(asJson.stdout)).toMatchObject({
      aud: fixtures.projectId,
      chain: "ethereum",
    });
    const bad = await run(["verify", expired, ...offline, "--json"]);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/^ERR_TOKEN_EXPIRED: /);
    expect(JSON.parse(bad.stdout)).toMatchObject({ error: "ERR_TOKEN_EXPIRED" });
  });

  it("reads the token from standard input for - and when absent", async () => {
    expect((await run(["verify", "-", ...offline], { stdin: `${valid}\n` })).code).toBe(0);
    expect((await run(["verify", ...offline], { stdin: valid })).code).toBe(0);
    expect((await run(["verify", ...offline], { stdin: "  \n" })).code).toBe(2);
    expect((await run(["verify", ...offline])).code).toBe(2);
  });

  it("accepts a pasted Bearer <token>, in any case and spacing, as argument or on stdin", async () => {
    for (const pasted of [`Bearer ${valid}`, `bearer   ${valid}`, `BEARER\t${valid} `]) {
      const result = await run(["verify", pasted, ...offline]);
      expect(result.code, pasted.slice(0, 10)).toBe(0);
      expect(result.stdout).toMatch(/^valid: /);
    }
    const piped = await run(["verify", ...offline], { stdin: `  bEaReR ${valid}\n` });
    expect(piped.code).toBe(0);
    expect((await run(["decode", `Bearer ${valid}`])).code).toBe(0);
    const bare = await run(["verify", "Bearer ", ...offline]);
    expect(bare.code).toBe(2);
    expect(bare.stderr).toContain("the token is empty");
  });

  it("shows an expiry past what a Date can hold as the number", async () => {
    const issuer = createTestIssuer();
    const path = join(scratch, "far-keys.json");
    writeFileSync(path, JSON.stringify(issuer.jwks));
    const token = issuer.sign({ exp: 1e300 });
    const result = await run(["verify", token, "--project-id", issuer.projectId, "--jwks", path]);
    expect(result.stderr).toBe("");
    expect(result.stdout).toBe(`valid: ethereum:${issuer.walletAddress}, expires at 1e+300\n`);
  });

  it("applies --require, with lists split on commas", async () => {
    const listed = await run([
      "verify",
      valid,
      ...offline,
      "--require",
      "allowedWallets=0x0000000000000000000000000000000000000001,0x8F7A3f0E6b2B4dB2cE1f5A9d4C3b2A1908F7e6D5",
    ]);
    expect(listed.code).toBe(0);
    const unlisted = await run([
      "verify",
      valid,
      ...offline,
      "--require",
      "allowedWallets=0x0000000000000000000000000000000000000001",
    ]);
    expect(unlisted.code).toBe(1);
    expect(unlisted.stderr).toMatch(/^ERR_REQUIREMENTS_NOT_MET/);
  });

  it("answers a usage error with one line and a pointer to --help (exit 2)", async () => {
    const cases: [string[], string][] = [
      [[], "no command given"],
      [["nope"], "unknown command nope"],
      [["verfy", valid], "unknown command verfy; did you mean verify?"],
      [["verify", valid], "verify needs --project-id (or PICKET_PROJECT_ID)"],
      [
        ["verify", valid, ...offline, "--bogus"],
        "unknown flag --bogus; its flags are --project-id, --jwks, --issuer, --require, --json, --help",
      ],
      [
        ["verify", valid, ...offline, "--requre", "x=1"],
        "unknown flag --requre; did you mean --require?",
      ],
      [["jwks", "--uir", "https://a.example"], "unknown flag --uir; did you mean --uri?"],
      [["verify", valid, ...offline, "--require", "x"], "--require x: expected key=value"],
      [
        ["verify", valid, ...offline, "--require", "chain=a", "--require", "chain=b"],
        "--require chain is given twice",
      ],
      [
        ["verify", valid, ...offline, "--require", "minTokenBalance=lots"],
        "requirements.minTokenBalance",
      ],
      [
        ["verify", valid, "--project-id", "p", "--jwks", "http://example.com/jwks.json"],
        "--jwks must be an https: URL",
      ],
      [["jwks", "--uri", "http://example.com/jwks.json"], "--uri must be an https: URL"],
    ];
    for (const [argv, what] of cases) {
      const result = await run(argv);
      expect(result.code, argv.join(" ")).toBe(2);
      const [first, second, ...more] = result.stderr.split("\n");
      expect(first).toMatch(/^picket-validate: /);
      expect(first).toContain(what);
      expect(`${second}\n`).toBe(POINTER);
      expect(more).toEqual([""]);
      expect(result.stderr).not.toContain("Usage:");
    }
  });

  describe("I/O errors: exit 2, one line naming the path and the system's reason", () => {
    it("--jwks FILE that is missing, a directory, not JSON, or not a key set", async () => {
      const missing = join(scratch, "missing.json");
      const notJson = join(scratch, "not-json.json");
      writeFileSync(notJson, "# not json");
      const notKeySet = join(scratch, "not-key-set.json");
      writeFileSync(notKeySet, '{"kty":"EC"}');
      const cases: [string, string][] = [
        [missing, `cannot read --jwks ${missing}: ENOENT: no such file or directory`],
        [scratch, `cannot read --jwks ${scratch}: EISDIR: illegal operation on a directory`],
        [notJson, `--jwks ${notJson} is not JSON: `],
        [notKeySet, `--jwks ${notKeySet} is not a key set: no "keys" array`],
      ];
      for (const [path, message] of cases) {
        const result = await run(["verify", valid, "--project-id", "p", "--jwks", path]);
        expect(result.code, path).toBe(2);
        expect(lines(result.stderr)).toEqual([expect.stringContaining(message)]);
        expect(result.stderr).toMatch(/^picket-validate: /);
        expect(result.stderr).not.toContain(POINTER.trim());
        expect(result.stdout).toBe("");
      }
    });

    it("jwks --out into a directory that does not exist", async () => {
      const issuer = createTestIssuer();
      const server = await issuer.serve();
      try {
        const result = await run(["jwks", "--uri", server.jwksUri, "--out", "/nonexistent/x.json"]);
        expect(result.code).toBe(2);
        expect(result.stderr).toBe(
          "picket-validate: cannot write --out /nonexistent/x.json: ENOENT: no such file or directory\n",
        );
      } finally {
        await server.close();
      }
    });

    it("a failed write on standard output", async () => {
      const broken = Object.assign(new Error("EPIPE: broken pipe, write"), {
        code: "EPIPE",
        syscall: "write",
      });
      const result = await run(["verify", valid, ...offline], {
        stdout: () => Promise.reject(broken),
      });
      expect(result.code).toBe(2);
      expect(result.stderr).toBe(
        "picket-validate: cannot write to standard output: EPIPE: broken pipe\n",
      );
      const thrown = await run(["--version"], {
        stdout: () => {
          throw broken;
        },
      });
      expect(thrown.code).toBe(2);
      expect(lines(thrown.stderr)).toHaveLength(1);
    });

    it("standard input that cannot be read", async () => {
      const result = await run(["verify", ...offline], {
        readStdin: () => Promise.reject(new Error("more than 1048576 bytes")),
      });
      expect(result.code).toBe(2);
      expect(result.stderr).toBe(
        "picket-validate: cannot read standard input: more than 1048576 bytes\n",
      );
    });
  });

  describe("environment fallbacks", () => {
    it("PICKET_PROJECT_ID stands in for --project-id; the flag wins", async () => {
      const keys = ["--jwks", "fixtures/jwks.json"];
      const fromEnv = await run(["verify", valid, ...keys], {
        env: { PICKET_PROJECT_ID: fixtures.projectId },
      });
      expect(fromEnv.code).toBe(0);
      const flagWins = await run(["verify", valid, ...keys, "--project-id", "someone-else"], {
        env: { PICKET_PROJECT_ID: fixtures.projectId },
      });
      expect(flagWins.code).toBe(1);
      expect(flagWins.stderr).toMatch(/^ERR_AUDIENCE_INVALID: /);
      const empty = await run(["verify", valid, ...keys], { env: { PICKET_PROJECT_ID: "" } });
      expect(empty.code).toBe(2);
    });

    it("PICKET_JWKS_URI stands in for verify --jwks and jwks --uri; the flags win", async () => {
      const issuer = createTestIssuer();
      const server = await issuer.serve();
      const dead = await deadUrl();
      try {
        const env = { PICKET_JWKS_URI: server.jwksUri, PICKET_PROJECT_ID: issuer.projectId };
        expect((await run(["verify", issuer.sign()], { env })).code).toBe(0);
        expect(server.requests).toBe(1);
        const printed = await run(["jwks"], { env });
        expect(JSON.parse(printed.stdout)).toEqual(issuer.jwks);
        expect(server.requests).toBe(2);

        const deadEnv = { ...env, PICKET_JWKS_URI: dead };
        const saved = join(scratch, "env-keys.json");
        expect(
          (await run(["jwks", "--uri", server.jwksUri, "--out", saved], { env: deadEnv })).code,
        ).toBe(0);
        expect((await run(["verify", issuer.sign(), "--jwks", saved], { env: deadEnv })).code).toBe(
          0,
        );
        const viaFlag = await run(["verify", issuer.sign(), "--jwks", server.jwksUri], {
          env: deadEnv,
        });
        expect(viaFlag.code).toBe(0);
        expect(server.requests).toBe(4);
        const viaDeadEnv = await run(["verify", issuer.sign()], { env: deadEnv });
        expect(viaDeadEnv.code).toBe(2);
        expect(viaDeadEnv.stderr).toContain(dead);
      } finally {
        await server.close();
      }
    });

    it("refuses a PICKET_JWKS_URI that is not a secure URL, naming the variable", async () => {
      const env = { PICKET_JWKS_URI: "fixtures/jwks.json", PICKET_PROJECT_ID: "p" };
      for (const argv of [["verify", valid], ["jwks"]]) {
        const result = await run(argv, { env });
        expect(result.code).toBe(2);
        expect(result.stderr).toMatch(/^picket-validate: PICKET_JWKS_URI must be an https: URL/);
      }
    });
  });

  describe("escaping what tokens, key sets and servers carry", () => {
    const issuer = createTestIssuer();
    const hostile = "0xab\u001b[2J\u001b]0;owned\u0007\u009b31m\u007f\u2028\u202e";

    it("escapes the wallet in verify's summary line", async () => {
      const token = issuer.sign({ walletAddress: hostile });
      const options = { env: { PICKET_PROJECT_ID: issuer.projectId } };
      const path = join(scratch, "hostile-keys.json");
      writeFileSync(path, JSON.stringify(issuer.jwks));
      const result = await run(["verify", token, "--jwks", path], options);
      expect(result.code).toBe(0);
      expect(result.stdout).not.toMatch(RAW_CONTROL);
      expect(result.stdout).toContain(
        "ethereum:0xab\\u001b[2J\\u001b]0;owned\\u0007\\u009b31m\\u007f\\u2028\\u202e,",
      );
    });

    it("keeps --json and decode output valid JSON with C1 and separators escaped", async () => {
      const token = issuer.sign({ walletAddress: hostile, note: "\u0085\u2029" });
      const path = join(scratch, "hostile-keys.json");
      writeFileSync(path, JSON.stringify(issuer.jwks));
      const verified = await run([
        "verify",
        token,
        "--project-id",
        issuer.projectId,
        "--jwks",
        path,
        "--json",
      ]);
      const decoded = await run(["decode", token]);
      for (const result of [verified, decoded]) {
        expect(result.code).toBe(0);
        expect(result.stdout).not.toMatch(RAW_CONTROL);
        expect(result.stdout).toContain("\\u009b31m");
        expect(result.stdout).toContain("\\u2029");
      }
      expect(JSON.parse(verified.stdout).walletAddress).toBe(hostile);
      expect(JSON.parse(decoded.stdout).claims.note).toBe("\u0085\u2029");
    });

    it("escapes token content in error messages", async () => {
      const token = issuer.sign({}, { header: { alg: "\u009b2J\u001b[0m" } });
      const result = await run(["decode", "not.a.token"]);
      expect(result.code).toBe(1);
      const refused = await run(["verify", token, "--project-id", issuer.projectId]);
      expect(refused.code).toBe(1);
      expect(refused.stderr).toMatch(/^ERR_ALG_NOT_ALLOWED: /);
      expect(refused.stderr).not.toMatch(RAW_CONTROL);
      expect(refused.stderr).toContain("\\u009b2J");
    });

    it("escapes what a key server answers, in the message and in its cause", async () => {
      const typed = await serveLoopback(json("{}", "text/\u009b31mhtml"));
      const garbled = await serveLoopback(json("\u001b[31m{not json"));
      try {
        const wrongType = await run(["jwks", "--uri", typed.url]);
        expect(wrongType.code).toBe(2);
        expect(wrongType.stderr).toMatch(/^ERR_JWKS_INVALID: .*text\/\\u009b31mhtml/);
        const notJson = await run(["jwks", "--uri", garbled.url]);
        expect(notJson.code).toBe(2);
        const [message, cause, ...rest] = lines(notJson.stderr);
        expect(message).toBe(`ERR_JWKS_INVALID: The JWKS response of ${garbled.url} is not JSON`);
        expect(cause).toMatch(/^ {2}cause: .*\\u001b\[31m/);
        expect(rest).toEqual([]);
        expect(notJson.stderr).not.toMatch(RAW_CONTROL);
      } finally {
        await typed.close();
        await garbled.close();
      }
    });
  });

  it("decodes with a loud warning, and refuses what is not a token", async () => {
    const decoded = await run(["decode", valid]);
    expect(decoded.code).toBe(0);
    expect(decoded.stderr).toContain("NOTHING WAS VERIFIED");
    expect(JSON.parse(decoded.stdout).header).toMatchObject({ alg: "ES256" });
    const bad = await run(["decode", "not-a-token"]);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/ERR_TOKEN_MALFORMED/);
  });

  it("saves a key set that verify then uses offline, or prints it", async () => {
    const issuer = createTestIssuer({ kid: "cli-key" });
    const server = await issuer.serve();
    const out = join(scratch, "jwks.json");
    try {
      const saved = await run(["jwks", "--uri", server.jwksUri, "--out", out]);
      expect(saved.code).toBe(0);
      expect(saved.stderr).toBe(
        `saved 1 usable key (0 ignored) from ${server.jwksUri} to ${out}\n`,
      );
      const printed = await run(["jwks", "--uri", server.jwksUri]);
      expect(JSON.parse(printed.stdout).keys[0].kid).toBe("cli-key");
    } finally {
      await server.close();
    }
    const token = issuer.sign();
    const result = await run(["verify", token, "--project-id", issuer.projectId, "--jwks", out]);
    expect(result.code).toBe(0);
  });

  it("counts several usable keys in the plural, and says so when there are none", async () => {
    const keys = ["a", "b", "c"].flatMap((kid) => createTestIssuer({ kid }).jwks.keys);
    const three = await serveLoopback(json({ keys: [...keys, { kty: "oct", k: "AAAA" }] }));
    const none = await serveLoopback(json({ keys: [{ kty: "oct", k: "AAAA" }] }));
    const out = join(scratch, "three.json");
    try {
      const saved = await run(["jwks", "--uri", three.url, "--out", out]);
      expect(saved.stderr).toBe(`saved 3 usable keys (1 ignored) from ${three.url} to ${out}\n`);
      const empty = await run(["jwks", "--uri", none.url]);
      expect(empty.code).toBe(2);
      expect(empty.stderr).toMatch(/^ERR_JWKS_INVALID: The key set has no usable verification key/);
      expect(empty.stdout).toBe("");
    } finally {
      await three.close();
      await none.close();
    }
  });

  it("reports an unreachable key server with the code, the URL and the cause (exit 2)", async () => {
    const issuer = createTestIssuer();
    const uri = await deadUrl();
    const port = new URL(uri).port;
    const fetched = await run(["jwks", "--uri", uri]);
    const verified = await run([
      "verify",
      issuer.sign(),
      "--project-id",
      issuer.projectId,
      "--jwks",
      uri,
    ]);
    for (const result of [fetched, verified]) {
      expect(result.code).toBe(2);
      const [message, cause, ...rest] = lines(result.stderr);
      expect(message).toMatch(/^ERR_JWKS_UNAVAILABLE: /);
      expect(message).toContain(uri);
      expect(cause).toBe(`  cause: fetch failed: connect ECONNREFUSED 127.0.0.1:${port}`);
      expect(rest).toEqual([]);
    }
  });
});
