import { defineConfig } from "vitest/config";

/** `npm run test:next`: the Next.js example end to end, apart from `npm test` for its build time. */
export default defineConfig({
  test: {
    include: ["test/runtimes/*.e2e.ts"],
    reporters: ["default", "./test/helpers/closing-line-reporter.ts"],
    pool: "forks",
    testTimeout: 20_000,
  },
});
