/**
 * What the behaviour suite reports, and what every runtime must have seen: one table of
 * outcomes by case name, plus the details that show each case tested what it says.
 */
import { expect } from "vitest";
import type { SuiteFixtures } from "./mint-fixtures.js";
import { NONCE } from "./suite-server.js";

/** One case as the suite saw it: "ok", an error code, or another error's name. */
export interface CaseResult {
  name: string;
  outcome: string;
  status?: number;
  failures?: string[];
  message?: string;
  code?: string | null;
  detail?: unknown;
}

export interface SuiteReport {
  environment: { runtime: string; userAgent: string | null; buffer: string; process: string };
  results: CaseResult[];
}

/** The runtimes the suite runs on, as the suite itself names them. */
export type RuntimeName = "node" | "bun" | "deno" | "edge-runtime" | "workerd";

const NOT_MET = "ERR_REQUIREMENTS_NOT_MET";

/** Every case's outcome, the same on every runtime (validateSync is judged apart). */
export const EXPECTED_OUTCOMES: Readonly<Record<string, string>> = {
  "valid token": "ok",
  "contractAddress and minTokenBalance met": "ok",
  "minTokenBalance short by a fraction": NOT_MET,
  "solana tokenIds met": "ok",
  "solana tokenIds without balance": NOT_MET,
  "collection met": "ok",
  "creatorAddress met": "ok",
  "allowedWallets lists the wallet": "ok",
  "allowedWallets lists others only": NOT_MET,
  "chain met": "ok",
  "chain mismatch": NOT_MET,
  expired: "ERR_TOKEN_EXPIRED",
  "wrong audience": "ERR_AUDIENCE_INVALID",
  "forged signature": "ERR_SIGNATURE_INVALID",
  "tampered payload": "ERR_SIGNATURE_INVALID",
  "malformed token": "ERR_TOKEN_MALFORMED",
  "unknown kid refetch": "ok",
  "jwks endpoint answers 503": "ERR_JWKS_UNAVAILABLE",
  "jwks endpoint refuses connections": "ERR_JWKS_UNAVAILABLE",
  checkRequirements: "ok",
  decodeUnverified: "ok",
  "decodeUnverified of a malformed token": "ERR_TOKEN_MALFORMED",
  "fetch authenticate": "ok",
  "fetch withPicket": "ok",
  "hono picketAuth": "ok",
  "client nonce": "ok",
  "client with a wrong secret key": "PicketApiError",
};

/** Runtimes with Node's globals; the others must run without `Buffer`. */
const WITH_NODE_GLOBALS: readonly RuntimeName[] = ["node", "bun", "deno"];

/** The names of the cases and their outcomes, for one readable assertion. */
export function outcomes(report: SuiteReport): Record<string, string> {
  return Object.fromEntries(
    report.results
      .filter((result) => result.name !== "validateSync")
      .map((result) => [result.name, result.outcome]),
  );
}

function find(report: SuiteReport, name: string): CaseResult {
  const result = report.results.find((candidate) => candidate.name === name);
  if (result === undefined) throw new Error(`the report has no case "${name}"`);
  return result;
}

/** Asserts everything the suite's report must show on `runtime`. */
export function expectSuiteReport(
  report: SuiteReport,
  runtime: RuntimeName,
  fixtures: SuiteFixtures,
): void {
  expect.soft(report.environment.runtime).toBe(runtime);
  if (!WITH_NODE_GLOBALS.includes(runtime))
    expect.soft(report.environment.buffer).toBe("undefined");
  expect.soft(outcomes(report)).toEqual(EXPECTED_OUTCOMES);
  expectDetails(report, fixtures);
  expectValidateSync(find(report, "validateSync"), runtime, fixtures);
}

function expectDetails(report: SuiteReport, fixtures: SuiteFixtures): void {
  const holder = { chain: "ethereum", walletAddress: fixtures.walletAddress };
  expect.soft(find(report, "valid token").detail).toEqual({ ...holder, tokenBalance: null });
  expect.soft(find(report, "contractAddress and minTokenBalance met").detail).toEqual({
    ...holder,
    tokenBalance: "2.5",
  });
  expect.soft(find(report, "solana tokenIds met").detail).toMatchObject({
    chain: "solana",
    walletAddress: fixtures.solanaWallet,
  });
  expect
    .soft(find(report, "minTokenBalance short by a fraction").failures)
    .toEqual(["tokenBalance:insufficient_balance"]);
  expect
    .soft(find(report, "allowedWallets lists others only").failures)
    .toContain("allowedWallets:not_listed");
  expect.soft(find(report, "chain mismatch").failures).toEqual(["chain:mismatch"]);
  expect.soft(find(report, "expired").status).toBe(401);
  expect.soft(find(report, "jwks endpoint answers 503").status).toBe(503);
  expect.soft(find(report, "unknown kid refetch").detail).toEqual({
    before: { ...holder, tokenBalance: null },
    duringCooldown: "ERR_KEY_NOT_FOUND",
    after: { ...holder, tokenBalance: null },
    events: ["fetch:initial", "cooldown", "fetch:unknown_kid"],
  });
  expect.soft(find(report, "checkRequirements").detail).toEqual({
    met: true,
    unmet: ["tokenBalance:insufficient_balance"],
  });
  expect.soft(find(report, "decodeUnverified").detail).toMatchObject({
    alg: "ES256",
    audienceMatches: true,
  });
  expect.soft(find(report, "fetch authenticate").detail).toEqual({ ...holder, tokenBalance: null });
  expectThreeCallers(find(report, "fetch withPicket").detail, fixtures);
  expectThreeCallers(find(report, "hono picketAuth").detail, fixtures);
  expect.soft(find(report, "client nonce").detail).toEqual({ nonce: NONCE });
  expect.soft(find(report, "client with a wrong secret key")).toMatchObject({
    status: 401,
    code: "api_key_invalid",
  });
}

function expectThreeCallers(detail: unknown, fixtures: SuiteFixtures): void {
  expect.soft(detail).toEqual({
    anonymous: {
      status: 401,
      challenge: expect.stringMatching(/^Bearer /),
      body: expect.objectContaining({ error: "ERR_TOKEN_MISSING" }),
    },
    holder: {
      status: 200,
      challenge: null,
      body: { walletAddress: fixtures.walletAddress },
    },
    visitor: {
      status: 403,
      challenge: expect.stringContaining('error="insufficient_scope"'),
      body: expect.objectContaining({ error: NOT_MET }),
    },
  });
}

/**
 * Node has a synchronous verifier and must validate; elsewhere validateSync either works the
 * same or throws a TypeError that points to validate() (`validate(` in its message).
 */
function expectValidateSync(
  result: CaseResult,
  runtime: RuntimeName,
  fixtures: SuiteFixtures,
): void {
  if (runtime === "node" || result.outcome === "ok") {
    expect.soft(result).toMatchObject({
      outcome: "ok",
      detail: { walletAddress: fixtures.walletAddress },
    });
    return;
  }
  expect
    .soft(result)
    .toMatchObject({ outcome: "TypeError", message: expect.stringMatching(/\bvalidate\(/) });
}

/** What validateSync did on a runtime, for the log line of each run. */
export function validateSyncVerdict(report: SuiteReport): string {
  const result = find(report, "validateSync");
  return result.outcome === "ok" ? "works" : `${result.outcome}: ${result.message ?? ""}`;
}
