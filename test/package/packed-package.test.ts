/**
 * The package as users get it: `npm pack`, installed into scratch ESM and CommonJS projects, every
 * entry point imported and required, the bin run from node_modules/.bin, and the published shape
 * checked by publint and @arethetypeswrong/cli (every resolution mode, no rule ignored).
 */
import { execFile as execFileCallback, execFileSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const execFile = promisify(execFileCallback);
const root = fileURLToPath(new URL("../../", import.meta.url));
const bin = (name: string) => join(root, "node_modules", ".bin", name);
const { projectId, cases } = JSON.parse(
  readFileSync(join(root, "fixtures", "tokens.json"), "utf8"),
) as { projectId: string; cases: { name: string; token: string }[] };
const validToken = cases.find((item) => item.name === "signed in, no requirements")?.token ?? "";

/** Every entry point and the named exports it must have. */
const ENTRY_POINTS: Record<string, readonly string[]> = {
  "picket-validate": [
    "createValidator",
    "checkRequirements",
    "decodeUnverified",
    "parseBearer",
    "PicketValidationError",
    "isPicketValidationError",
    "ERROR_STATUS",
    "PICKET_ISSUER",
    "PICKET_JWKS_URI",
  ],
  "picket-validate/testing": ["createTestIssuer", "serveJwks"],
  "picket-validate/express": ["picketAuth"],
  "picket-validate/fastify": ["picketPlugin", "picketPreHandler"],
  "picket-validate/fetch": ["authenticate", "withPicket", "picketErrorResponse"],
  "picket-validate/hono": ["picketAuth"],
  "picket-validate/client": [
    "createPicketClient",
    "PicketApiError",
    "isPicketApiError",
    "authorize",
    "Picket",
  ],
  "picket-validate/server": ["createValidationServer"],
};

/**
 * Loads every entry point (with `import` or `require`), prints each one's export names as JSON,
 * then mints and validates a token through the installed package, runtime dependencies included.
 */
function checkScript(kind: "esm" | "cjs"): string {
  const load = kind === "esm" ? "await import(specifier)" : "require(specifier)";
  const body = `
const specifiers = ${JSON.stringify(Object.keys(ENTRY_POINTS))};
const found = {};
for (const specifier of specifiers) {
  try {
    found[specifier] = Object.keys(${load}).sort();
  } catch (error) {
    found[specifier] = { error: String(error && error.code || error) };
  }
}
const core = ${kind === "esm" ? 'await import("picket-validate")' : 'require("picket-validate")'};
const testing = ${kind === "esm" ? 'await import("picket-validate/testing")' : 'require("picket-validate/testing")'};
const issuer = testing.createTestIssuer();
const validator = core.createValidator({ projectId: issuer.projectId, jwks: issuer.jwks });
const claims = await validator.validate(
  issuer.sign({ contractAddress: "0x8a90cab2b38dba80c64b7734e58ee1db38b8992e", tokenBalance: "2.5" }),
  { contractAddress: "0x8A90CAB2B38DBA80C64B7734E58EE1DB38B8992E", minTokenBalance: "2.5" },
);
let refused = "";
try {
  await validator.validate(issuer.sign({ aud: "other" }));
} catch (error) {
  refused = core.isPicketValidationError(error) ? error.code : String(error);
}
console.log(JSON.stringify({
  found,
  issuer: core.PICKET_ISSUER,
  walletAddress: claims.walletAddress === issuer.walletAddress,
  refused,
}));
`;
  return kind === "esm"
    ? body
    : `(async () => {${body}})().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});`;
}

interface CheckResult {
  found: Record<string, string[] | { error: string }>;
  issuer: string;
  walletAddress: boolean;
  refused: string;
}

describe("the packed package", () => {
  let dir: string;
  let tarball: string;
  const projects = { esm: "", cjs: "" };

  beforeAll(async () => {
    if (
      !existsSync(join(root, "dist", "index.js")) ||
      !existsSync(join(root, "dist", "cli", "main.js"))
    ) {
      execFileSync("npm", ["run", "build"], { cwd: root, stdio: "ignore" });
    }
    dir = await mkdtemp(join(tmpdir(), "picket-pack-"));
    const { stdout } = await execFile("npm", ["pack", "--json", "--pack-destination", dir], {
      cwd: root,
    });
    const [packed] = JSON.parse(stdout) as { filename: string }[];
    tarball = join(dir, packed?.filename ?? "");
    await Promise.all(
      (["esm", "cjs"] as const).map(async (kind) => {
        const project = join(dir, kind);
        projects[kind] = project;
        await mkdir(project);
        await writeFile(
          join(project, "package.json"),
          JSON.stringify({
            name: `scratch-${kind}`,
            private: true,
            type: kind === "esm" ? "module" : "commonjs",
          }),
        );
        await writeFile(
          join(project, kind === "esm" ? "check.mjs" : "check.cjs"),
          checkScript(kind),
        );
        await execFile("npm", ["install", "--prefer-offline", "--no-audit", "--no-fund", tarball], {
          cwd: project,
          timeout: 100_000,
        });
      }),
    );
  }, 120_000);

  afterAll(async () => {
    if (dir !== undefined) await rm(dir, { recursive: true, force: true });
  });

  it("ships dist, the README and package.json, and no sources, tests or fixtures", async () => {
    const { stdout } = await execFile("tar", ["-tzf", tarball]);
    const files = stdout.split("\n").filter((line) => line !== "");
    expect(files).toContain("package/package.json");
    expect(files).toContain("package/README.md");
    expect(files).toContain("package/dist/index.js");
    expect(files).toContain("package/dist/index.d.ts");
    expect(files).toContain("package/dist/cli/main.js");
    expect(
      files.filter((file) => !/^package\/(dist\/|README\.md$|package\.json$|LICENSE)/.test(file)),
    ).toEqual([]);
    expect(files.some((file) => file.includes("fixture-private"))).toBe(false);
  });

  it.each(["esm", "cjs"] as const)(
    "loads every entry point with %s and works end to end",
    async (kind) => {
      const script = kind === "esm" ? "check.mjs" : "check.cjs";
      const { stdout } = await execFile(process.execPath, [script], { cwd: projects[kind] });
      const result = JSON.parse(stdout.trim().split("\n").at(-1) ?? "") as CheckResult;
      for (const [specifier, names] of Object.entries(ENTRY_POINTS)) {
        const exported = result.found[specifier];
        expect(exported, `${kind} ${specifier}`).toBeInstanceOf(Array);
        expect(exported, `${kind} ${specifier}`).toEqual(expect.arrayContaining([...names]));
      }
      expect(result.issuer).toBe("picketapi.com");
      expect(result.walletAddress).toBe(true);
      expect(result.refused).toBe("ERR_AUDIENCE_INVALID");
    },
  );

  it("installs the runtime dependencies but not the optional framework peers", () => {
    const modules = join(projects.esm, "node_modules");
    for (const dependency of ["jose", "lru-cache", "bignumber.js"]) {
      expect(existsSync(join(modules, dependency)), dependency).toBe(true);
    }
    // The adapters loaded above without them: express and fastify stay optional.
    expect(existsSync(join(modules, "express"))).toBe(false);
    expect(existsSync(join(modules, "fastify"))).toBe(false);
  });

  it("runs the CLI from node_modules/.bin", async () => {
    const cliBin = join(projects.cjs, "node_modules", ".bin", "picket-validate");
    const help = await execFile(cliBin, ["--help"], { cwd: projects.cjs });
    expect(help.stdout).toContain("Usage:");
    const verified = await execFile(
      cliBin,
      [
        "verify",
        validToken,
        "--project-id",
        projectId,
        "--jwks",
        join(root, "fixtures", "jwks.json"),
      ],
      { cwd: projects.cjs },
    );
    expect(verified.stdout).toMatch(/^valid: ethereum:0x/);
    await expect(
      execFile(
        cliBin,
        [
          "verify",
          validToken,
          "--project-id",
          "someone-else",
          "--jwks",
          join(root, "fixtures", "jwks.json"),
        ],
        {
          cwd: projects.cjs,
        },
      ),
    ).rejects.toMatchObject({ code: 1, stderr: expect.stringMatching(/^ERR_AUDIENCE_INVALID/) });
  });

  it("passes publint", async () => {
    const { stdout } = await execFile(bin("publint"), ["run", tarball, "--strict"], { cwd: root });
    expect(stdout).not.toMatch(/Errors:|Warnings:/);
  });

  it("passes @arethetypeswrong/cli on its strict profile: node10, node16 from CJS and ESM, bundler", async () => {
    const { stdout } = await execFile(
      bin("attw"),
      [tarball, "--profile", "strict", "--format", "json"],
      { cwd: root, maxBuffer: 16 * 1024 * 1024 },
    );
    const report = JSON.parse(stdout) as {
      analysis: { entrypoints: Record<string, unknown> };
      problems: Record<string, unknown[]>;
    };
    expect(Object.keys(report.analysis.entrypoints)).toEqual(
      expect.arrayContaining(
        Object.keys(ENTRY_POINTS).map((specifier) => specifier.replace(/^picket-validate/, ".")),
      ),
    );
    expect(Object.values(report.problems).flat()).toEqual([]);
  });
});
