import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    // Pulumi mocks and PGlite are process-global; forks keep test files isolated from each other.
    pool: "forks",
    testTimeout: 60_000,
    hookTimeout: 120_000,
  },
});
