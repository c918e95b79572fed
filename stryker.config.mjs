// @ts-check
// Mutation testing of the security-critical code: token parsing and signature checks (src/verify),
// key import and caching (src/jwks), and token-gating requirements (src/requirements).
// Run with `npm run mutation`; the HTML and JSON reports land in reports/mutation/ (gitignored).
import { existsSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const root = dirname(fileURLToPath(import.meta.url));

// Stryker runs the tests in a copy of the project under .stryker-tmp/, where `../shared/vectors`
// no longer points at the Wycheproof vectors: name the directory once, here, for every worker.
if (process.env.PICKET_VECTORS_DIR === undefined) {
  const vectors = resolve(root, "../shared/vectors");
  if (existsSync(vectors)) process.env.PICKET_VECTORS_DIR = vectors;
}

/** @type {import("@stryker-mutator/api/core").PartialStrykerOptions} */
export default {
  testRunner: "vitest",
  vitest: { configFile: "vitest.stryker.config.ts", related: false },
  mutate: ["src/verify/**/*.ts", "src/jwks/**/*.ts", "src/requirements/**/*.ts"],
  coverageAnalysis: "perTest",
  concurrency: 2,
  timeoutMS: 20_000,
  reporters: ["clear-text", "progress", "html", "json"],
  htmlReporter: { fileName: "reports/mutation/mutation.html" },
  jsonReporter: { fileName: "reports/mutation/mutation.json" },
  thresholds: { high: 90, low: 85, break: 85 },
  tempDirName: ".stryker-tmp",
  cleanTempDir: true,
  ignorePatterns: ["dist", "coverage", "reports", "bench", "examples"],
};
