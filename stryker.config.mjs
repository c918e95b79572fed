// @ts-check
// Mutation testing of every folder the validation pipeline lives in: the options, the wiring, the
// pipeline and the verified-token cache (src/validator), token reading and signatures
// (src/verify), key import and caching (src/jwks), token-gating requirements (src/requirements),
// the shared leaves (src/shared), the Node platform and the algorithm table, and the API client and HTTP
// adapters built on them. Run with `npm run mutation`, or one folder with
// `npx stryker run --mutate 'src/verify/**/*.ts'`; the HTML and JSON reports land in
// reports/mutation/ (gitignored), with the incremental file that lets a rerun test only the
// mutants whose code or tests changed.
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
  mutate: [
    "src/*.ts",
    "src/verify/**/*.ts",
    "src/jwks/**/*.ts",
    "src/requirements/**/*.ts",
    "src/validator/**/*.ts",
    "src/shared/**/*.ts",
    "src/platform/node.ts",
    "src/platform/algorithms.ts",
    "src/client/**/*.ts",
    "src/http/**/*.ts",
  ],
  coverageAnalysis: "perTest",
  concurrency: 2,
  timeoutMS: 20_000,
  reporters: ["clear-text", "progress", "html", "json"],
  htmlReporter: { fileName: "reports/mutation/mutation.html" },
  jsonReporter: { fileName: "reports/mutation/mutation.json" },
  thresholds: { high: 90, low: 85, break: 85 },
  incremental: true,
  incrementalFile: "reports/mutation/stryker-incremental.json",
  tempDirName: ".stryker-tmp",
  cleanTempDir: true,
  ignorePatterns: ["dist", "coverage", "reports", "bench", "examples"],
};
