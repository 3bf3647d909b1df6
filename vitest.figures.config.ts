import { defineConfig } from "vitest/config";
import base from "./vitest.config.js";

// `npm run bench:deploy`: the real engines timed on one machine in one run (test/deploy/figures/*.run.ts),
// writing docs/benchmarks/deploy.json; never part of `vitest run`. Spread, not mergeConfig (see
// vitest.reliability.config.ts).
export default defineConfig({
  ...base,
  test: {
    ...base.test,
    include: ["test/deploy/figures/**/*.run.ts"],
    fileParallelism: false,
    testTimeout: 60 * 60_000,
    hookTimeout: 60 * 60_000,
  },
});
