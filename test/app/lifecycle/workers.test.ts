/** WORKERS: the reference's `(2 × cpu_cores) + 1` for 0/auto, and one process with embedded PGlite. */
import { describe, expect, it } from "vitest";
import { planWorkers, resolveWorkers } from "../../../app/src/cluster.js";
import { loadConfig } from "../../../app/src/config.js";

/** The reference's "Calculate Workers" examples. */
const REFERENCE_EXAMPLES: [cores: number, workers: number][] = [
  [2, 5],
  [4, 9],
  [8, 17],
];

describe("WORKERS", () => {
  it.each(REFERENCE_EXAMPLES)("auto with %i cores runs %i workers", (cores, workers) => {
    const config = loadConfig({ WORKERS: "auto", DATABASE_URL: "postgres://u@h/db" });
    expect(resolveWorkers(config.runtime.workers, cores)).toBe(workers);
    expect(planWorkers(config, cores)).toEqual({ workers });
    expect(resolveWorkers(loadConfig({ WORKERS: "0" }).runtime.workers, cores)).toBe(workers);
  });

  it("keeps an explicit count, and defaults to one process", () => {
    expect(planWorkers(loadConfig({ WORKERS: "4", DATABASE_URL: "postgres://u@h/db" }), 2)).toEqual({
      workers: 4,
    });
    expect(planWorkers(loadConfig({}), 8)).toEqual({ workers: 1 });
  });

  it("runs embedded PGlite in one process whatever WORKERS says, and says why", () => {
    const plan = planWorkers(loadConfig({ WORKERS: "4" }), 2);
    expect(plan.workers).toBe(1);
    expect(plan.warning).toMatch(/PGlite.*one process/);
  });

  it("rejects a count that is neither a number nor auto", () => {
    expect(() => loadConfig({ WORKERS: "many" })).toThrow(/WORKERS/);
    expect(() => loadConfig({ WORKERS: "-1" })).toThrow(/WORKERS/);
  });
});
