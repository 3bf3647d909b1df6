import { defineConfig } from "vitest/config";
import base from "./vitest.config.js";

// `npm run test:faults`: issue 26's long fault runs over staging and prod (test/deploy/faults/*.run.ts),
// never part of `vitest run`; their short versions are test/deploy/faults/*.test.ts.
export default defineConfig({
  ...base,
  test: {
    ...base.test,
    include: ["test/deploy/faults/**/*.run.ts"],
    fileParallelism: false,
    // One stack's runs: bounded by FAULTS_BUDGET_MINUTES, this only stops a hung engine.
    testTimeout: 8 * 60 * 60_000,
    hookTimeout: 60 * 60_000,
  },
});
