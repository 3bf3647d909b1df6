/** docs/observability.md lists every metric the app registers, with its catalogued type and labels. */
import { readFileSync } from "node:fs";
import path from "node:path";
import { APP_METRICS } from "@mcp-stack/contract";
import { describe, expect, it } from "vitest";

const DOC = readFileSync(path.resolve(import.meta.dirname, "../../../docs/observability.md"), "utf8");

describe("docs/observability.md", () => {
  it.each(Object.values(APP_METRICS).map((m) => [m.name, m] as const))("documents %s", (name, metric) => {
    const row = DOC.split("\n").find((line) => line.startsWith(`| \`${name}\` |`));
    expect(row, `no table row for ${name}`).toBeDefined();
    const cells = row!.split("|").map((c) => c.trim());
    expect(cells[2]).toBe(metric.type);
    expect(cells[3]).toBe(metric.labelNames.length === 0 ? "—" : metric.labelNames.join(", "));
  });
});
