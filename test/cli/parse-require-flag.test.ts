import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { afterAll, describe, expect, it, vi } from "vitest";
import { parseRequireFlags } from "../../src/cli/parse-require-flag.js";
import { runCli } from "../../src/cli/run-cli.js";
import { createTestIssuer } from "../../src/testing/index.js";
import type { Requirements } from "../../src/types.js";
import type { Validator } from "../../src/validator/create-validator.js";

// The real validator, with every requirements object that reaches `validate` recorded.
const reached = vi.hoisted(() => [] as unknown[]);
vi.mock("../../src/validator/create-validator.js", async (importOriginal) => {
  const real = await importOriginal<typeof import("../../src/validator/create-validator.js")>();
  return {
    ...real,
    createValidator: (...args: Parameters<typeof real.createValidator>): Validator => {
      const validator = real.createValidator(...args);
      return new Proxy(validator, {
        get(target, key, receiver) {
          if (key !== "validate") return Reflect.get(target, key, receiver);
          return (token: string, requirements?: Requirements) => {
            reached.push(requirements);
            return target.validate(token, requirements);
          };
        },
      });
    },
  };
});

// Solana SPL mints, from Picket's Solana token-gating guide.
const MINT = "78AZe2223PknLYT9mn2VCJPAsdvuB6LzFAhgQeVoxddW";
const OTHER_MINT = "2dQG4YYunFrbJjzW6UTcUmePs8UDy5jz43H6uSCZSAcS";
const SOLANA_WALLET = "9WzDXwBbmkg8ZTbNMqUxvQRAyrZzDsGYdLVL9zYtAWWM";

async function run(argv: string[]) {
  let stdout = "";
  let stderr = "";
  const code = await runCli(argv, {
    readStdin: async () => undefined,
    stdout: (text) => {
      stdout += text;
    },
    stderr: (text) => {
      stderr += text;
    },
    env: {},
  });
  return { code, stdout, stderr };
}

describe("parseRequireFlags", () => {
  it("keeps every value a string, and splits the list keys on commas", () => {
    expect(
      parseRequireFlags([
        `tokenIds=${MINT}, ${OTHER_MINT},`,
        "minTokenBalance=1",
        "collection=a,b",
        "allowedWallets=0x1",
        "chain=solana",
      ]),
    ).toEqual({
      tokenIds: [MINT, OTHER_MINT],
      minTokenBalance: "1",
      collection: ["a", "b"],
      allowedWallets: ["0x1"],
      chain: "solana",
    });
    expect(parseRequireFlags(["tokenIds=1,007"])).toEqual({ tokenIds: ["1", "007"] });
  });

  it("adds a repeated list key to its list, and refuses a repeated single value", () => {
    expect(parseRequireFlags([`tokenIds=${MINT}`, `tokenIds=${OTHER_MINT}`])).toEqual({
      tokenIds: [MINT, OTHER_MINT],
    });
    expect(() => parseRequireFlags(["chain=solana", "chain=ethereum"])).toThrow(
      "--require chain is given twice",
    );
  });

  it("is undefined without flags, and keeps __proto__ an own (unknown) key", () => {
    expect(parseRequireFlags([])).toBeUndefined();
    const parsed = parseRequireFlags(["__proto__=x"]) as Record<string, unknown>;
    expect(Object.getPrototypeOf(parsed)).toBe(Object.prototype);
    expect(Object.keys(parsed)).toEqual(["__proto__"]);
  });
});

describe("verify --require tokenIds=<mint>,<mint>", () => {
  const issuer = createTestIssuer();
  const solanaToken = (balance: string) =>
    issuer.sign({
      sub: `solana:${SOLANA_WALLET}`,
      chain: "solana",
      walletAddress: SOLANA_WALLET,
      displayAddress: SOLANA_WALLET,
      tokenBalances: { tokenIds: { [MINT]: balance } },
    });
  const keys = join(mkdtempSync(join(tmpdir(), "picket-cli-mint-")), "jwks.json");
  writeFileSync(keys, JSON.stringify(issuer.jwks));
  afterAll(() => rmSync(dirname(keys), { recursive: true, force: true }));

  it("hands the validator the mint addresses as strings", async () => {
    reached.length = 0;
    await run([
      "verify",
      solanaToken("1"),
      "--project-id",
      issuer.projectId,
      "--jwks",
      keys,
      "--require",
      `tokenIds=${MINT},${OTHER_MINT}`,
      "--require",
      "minTokenBalance=1",
    ]);
    expect(reached).toEqual([{ tokenIds: [MINT, OTHER_MINT], minTokenBalance: "1" }]);
  });

  it("passes a holder of the mint and refuses one short of it", async () => {
    const flags = ["--require", `tokenIds=${MINT},${OTHER_MINT}`, "--require", "minTokenBalance=1"];
    const args = ["--project-id", issuer.projectId, "--jwks", keys, ...flags];
    const holder = await run(["verify", solanaToken("1"), ...args]);
    expect(holder.stderr).toBe("");
    expect(holder).toMatchObject({ code: 0, stdout: expect.stringMatching(/^valid: solana:/) });
    const short = await run(["verify", solanaToken("0.5"), ...args]);
    expect(short.code).toBe(1);
    expect(short.stderr).toMatch(/^ERR_REQUIREMENTS_NOT_MET: /);
  });
});
