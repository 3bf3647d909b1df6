import { defineConfig } from "vitest/config";
import base from "./vitest.config.js";

// `npm run test:reliability`: the long load, fault, loss and fuzz runs (test/reliability/*.run.ts),
// one file at a time (they measure the machine), never part of `vitest run`. Spread, not
// mergeConfig: that would append to `include` instead of replacing it.
export default defineConfig({
  ...base,
  test: {
    ...base.test,
    include: ["test/reliability/**/*.run.ts"],
    fileParallelism: false,
    testTimeout: 600_000,
    hookTimeout: 300_000,
  },
});
