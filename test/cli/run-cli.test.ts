import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { type CliIo, runCli } from "../../src/cli/run-cli.js";
import { createTestIssuer } from "../../src/testing/index.js";

const fixtures = JSON.parse(readFileSync("fixtures/tokens.json", "utf8")) as {
  projectId: string;
  cases: { name: string; token: string; expect: string }[];
};
const valid = fixtures.cases.find((c) => c.expect === "valid")?.token as string;
const expired = fixtures.cases.find((c) => c.expect === "ERR_TOKEN_EXPIRED")?.token as string;
const offline = ["--project-id", fixtures.projectId, "--jwks", "fixtures/jwks.json"];
const scratch = mkdtempSync(join(tmpdir(), "picket-cli-"));

afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** Runs the CLI in-process with captured output; `stdin` is what standard input holds. */
async function run(argv: string[], stdin?: string) {
  let stdout = "";
  let stderr = "";
  const io: CliIo = {
    readStdin: async () => stdin,
    stdout: (text) => {
      stdout += text;
    },
    stderr: (text) => {
      stderr += text;
    },
  };
  const code = await runCli(argv, io);
  return { code, stdout, stderr };
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
    }
  });

  it("verifies offline: 0 with the wallet, 1 with the code, --json either way", async () => {
    const ok = await run(["verify", valid, ...offline]);
    expect(ok).toMatchObject({ code: 0, stderr: "" });
    expect(ok.stdout).toMatch(/^valid: ethereum:0x/);
    const json = await run(["verify", valid, ...offline, "--json"]);
    expect(JSON.parse(json.stdout)).toMatchObject({ aud: fixtures.projectId, chain: "ethereum" });
    const bad = await run(["verify", expired, ...offline, "--json"]);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/^ERR_TOKEN_EXPIRED: /);
    expect(JSON.parse(bad.stdout)).toMatchObject({ error: "ERR_TOKEN_EXPIRED" });
  });

  it("reads the token from standard input for - and when absent", async () => {
    expect((await run(["verify", "-", ...offline], `${valid}\n`)).code).toBe(0);
    expect((await run(["verify", ...offline], valid)).code).toBe(0);
    expect((await run(["verify", ...offline], "  \n")).code).toBe(2);
    expect((await run(["verify", ...offline], undefined)).code).toBe(2);
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

  it("answers 2 for usage and configuration errors", async () => {
    const cases = [
      [],
      ["nope"],
      ["verify", valid],
      ["verify", valid, ...offline, "--bogus"],
      ["verify", valid, ...offline, "--require", "x"],
      ["verify", valid, "--project-id", "p", "--jwks", join(scratch, "missing.json")],
      ["verify", valid, "--project-id", "p", "--jwks", "package.json"],
      ["verify", valid, "--project-id", "p", "--jwks", "http://example.com/jwks.json"],
      ["jwks", "--uri", "http://example.com/jwks.json"],
    ];
    for (const argv of cases) {
      const result = await run(argv);
      expect(result.code, argv.join(" ")).toBe(2);
      expect(result.stderr).toContain("Usage:");
    }
  });

  it("refuses a --jwks file that is not JSON as a configuration error", async () => {
    const result = await run(["verify", valid, "--project-id", "p", "--jwks", "README.md"]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("is not JSON");
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
      expect(saved.stderr).toMatch(/saved 1 usable keys/);
      const printed = await run(["jwks", "--uri", server.jwksUri]);
      expect(JSON.parse(printed.stdout).keys[0].kid).toBe("cli-key");
    } finally {
      await server.close();
    }
    const token = issuer.sign();
    const result = await run(["verify", token, "--project-id", issuer.projectId, "--jwks", out]);
    expect(result.code).toBe(0);
  });

  it("reports an unreachable key server with the JWKS code (exit 2)", async () => {
    const issuer = createTestIssuer();
    const server = await issuer.serve();
    const uri = server.jwksUri;
    await server.close();
    const fetched = await run(["jwks", "--uri", uri]);
    expect(fetched.code).toBe(2);
    expect(fetched.stderr).toMatch(/^ERR_JWKS_UNAVAILABLE/);
    const verified = await run([
      "verify",
      issuer.sign(),
      "--project-id",
      issuer.projectId,
      "--jwks",
      uri,
    ]);
    expect(verified.code).toBe(2);
  });
});
