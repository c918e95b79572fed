/**
 * The demo: validates the fixture tokens offline against the fixture key set, with and without
 * requirements, and prints which pass and which fail with what code. No network is touched.
 *
 *   npm run demo
 */
import { readFileSync } from "node:fs";
import { createValidator, isPicketValidationError, type Requirements } from "../src/index.js";

interface FixtureCase {
  name: string;
  token: string;
  requirements?: Requirements;
  expect: string;
}

const fixtures = new URL("../fixtures/", import.meta.url);
const jwks = JSON.parse(readFileSync(new URL("jwks.json", fixtures), "utf8"));
const { projectId, cases } = JSON.parse(readFileSync(new URL("tokens.json", fixtures), "utf8")) as {
  projectId: string;
  cases: FixtureCase[];
};

const validator = createValidator({ projectId, jwks });
await validator.ready();

let mismatches = 0;
const rows: string[][] = [];
for (const fixture of cases) {
  let outcome: string;
  let detail: string;
  const started = process.hrtime.bigint();
  try {
    const user = await validator.validate(fixture.token, fixture.requirements);
    outcome = "valid";
    detail = `${user.chain}:${shorten(user.walletAddress)}`;
  } catch (error) {
    if (!isPicketValidationError(error)) throw error;
    outcome = error.code;
    detail = error.message;
  }
  const micros = Number(process.hrtime.bigint() - started) / 1000;
  const ok = outcome === fixture.expect;
  if (!ok) mismatches += 1;
  rows.push([ok ? "ok" : "MISMATCH", fixture.name, outcome, `${micros.toFixed(0)} µs`, detail]);
}

const widths = [8, 52, 24, 9];
console.log(
  `picket-validate demo: ${cases.length} fixture tokens for project ${projectId}, keys from fixtures/jwks.json (offline)\n`,
);
for (const row of rows) {
  console.log(row.map((cell, index) => cell.padEnd(widths[index] ?? 0)).join("  "));
}
console.log(`\n${cases.length - mismatches} of ${cases.length} verdicts as expected`);
process.exitCode = mismatches === 0 ? 0 : 1;

function shorten(address: string): string {
  return address.length > 14 ? `${address.slice(0, 6)}…${address.slice(-4)}` : address;
}
