/** The committed chart is what the committed figures draw, and the drawing follows the figures. */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { CHART_FILE, readResults, renderChart } from "../../../app/bench/chart.js";
import type { BenchResults } from "../../../app/bench/results.js";

const polylines = (svg: string) => [
  ...svg.matchAll(/<polyline class="series" data-name="([^"]+)" points="([^"]+)"/g),
];

describe("benchmark chart", () => {
  it("is up to date with docs/benchmarks/results.json (npm run bench:chart)", () => {
    expect(readFileSync(CHART_FILE, "utf8")).toBe(renderChart(readResults()));
  });

  it("draws one latency line per mode and engine and one recall line per engine and size", () => {
    const results = readResults();
    const lines = polylines(renderChart(results)).map((m) => m[1]);
    const sizes = results.runs.reduce((n, run) => n + run.sizes.length, 0);
    expect(lines.length).toBe(results.runs.length * 3 + sizes);
    for (const run of results.runs) expect(lines).toContain(`semantic, ${run.engine}`);
  });

  it("moves a point when its figure changes", () => {
    const results = readResults();
    const changed: BenchResults = structuredClone(results);
    const size = changed.runs[0]!.sizes[0]!;
    size.latency.hybrid.p95 *= 3;
    const name = `hybrid (bounded pool), ${changed.runs[0]!.engine}`;
    const points = (r: BenchResults) => polylines(renderChart(r)).find((m) => m[1] === name)?.[2];
    expect(points(changed)).toBeDefined();
    expect(points(changed)).not.toBe(points(results));
  });
});
