import { defineConfig } from "vitest/config";

// The test set Stryker runs against each mutant of src/verify, src/jwks and src/requirements: the
// suites that exercise that code, without the HTTP adapters, the CLI, the API client or the
// packaging checks (slow, and they add nothing to those folders). The fuzz test is left out
// too: its random inputs would make kills differ from one run to the next.
export default defineConfig({
  test: {
    include: [
      "test/verify/**/*.test.ts",
      "test/jwks/**/*.test.ts",
      "test/requirements/**/*.test.ts",
      "test/cache/**/*.test.ts",
      "test/conformance/**/*.test.ts",
      "test/security/**/*.test.ts",
    ],
    exclude: ["test/security/fuzz.test.ts"],
    testTimeout: 20_000,
  },
});
