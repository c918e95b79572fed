import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

// The test set Stryker runs against each mutant: the suites of the folders it mutates (see
// stryker.config.mjs), without the CLI, the test issuer, the examples, the packaging checks and
// the architecture test (they exercise no mutated code, or read the source text, which Stryker
// rewrites). The fuzz test is left out too: its random inputs would make kills differ from one
// run to the next. MUTATION_TESTS narrows the set to the top-level suites and some folders
// (`MUTATION_TESTS=verify,conformance npx stryker run --mutate 'src/verify/**/*.ts'`): a mutant
// of a module-level constant reruns the whole set, so one folder's run is much faster with its
// own suites.
const ALL_FOLDERS = [
  "verify",
  "jwks",
  "requirements",
  "validator",
  "shared",
  "platform",
  "client",
  "http",
  "conformance",
  "security",
];
const folders = process.env.MUTATION_TESTS?.split(",").filter((folder) => folder !== "");

export default defineConfig({
  resolve: {
    alias: { "#platform": fileURLToPath(new URL("./src/platform/node.ts", import.meta.url)) },
  },
  test: {
    include: [
      "test/*.test.ts",
      ...(folders ?? ALL_FOLDERS).map((folder) => `test/${folder}/**/*.test.ts`),
    ],
    exclude: ["test/security/fuzz.test.ts", "test/architecture.test.ts"],
    testTimeout: 20_000,
  },
});
