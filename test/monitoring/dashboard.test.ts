import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { ROWS } from "../../monitoring/dashboards/mcp-backend.js";

interface Panel {
  id: number;
  type: string;
  title: string;
  gridPos: { h: number; w: number; x: number; y: number };
  datasource?: { type: string; uid: string };
  targets?: { expr: string; refId: string; legendFormat?: string; datasource?: { uid: string } }[];
  fieldConfig?: { defaults: { unit?: string } };
}

const dashboard = JSON.parse(
  readFileSync("monitoring/generated/reference/grafana/mcp-backend-dashboard.json", "utf8"),
) as {
  panels: Panel[];
  __inputs: { name: string; type: string; pluginId: string }[];
  templating: { list: { name: string; type: string; query: string }[] };
  uid: string;
};

/** The reference's seven rows ("Grafana Dashboards"), in order. */
/** What panels refer to: the `datasource` template variable. */
const DS_UID = ["$", "{datasource}"].join("");

const REFERENCE_ROWS = ["Overview", "Performance", "Cache", "Database", "LLM", "System", "Business"];

describe("mcp-backend dashboard", () => {
  it("has the reference's seven rows in order, each with panels", () => {
    const rows = dashboard.panels.filter((p) => p.type === "row");
    expect(rows.map((r) => r.title)).toEqual(REFERENCE_ROWS);
    const idx = dashboard.panels.map((p) => p.type);
    for (let i = 0; i < idx.length; i++) if (idx[i] === "row") expect(idx[i + 1]).not.toBe("row");
  });

  it("has unique panel ids and grid positions inside 24 columns without overlap", () => {
    const ids = dashboard.panels.map((p) => p.id);
    expect(new Set(ids).size).toBe(ids.length);
    const cells = new Set<string>();
    for (const p of dashboard.panels) {
      const g = p.gridPos;
      expect(g.x + g.w).toBeLessThanOrEqual(24);
      for (let x = g.x; x < g.x + g.w; x++)
        for (let y = g.y; y < g.y + g.h; y++) {
          expect(cells.has(`${x},${y}`), `${p.title} overlaps at ${x},${y}`).toBe(false);
          cells.add(`${x},${y}`);
        }
    }
  });

  it("binds every panel and target to the datasource variable and gives each panel a query", () => {
    for (const p of dashboard.panels.filter((x) => x.type !== "row")) {
      expect(p.datasource).toEqual({ type: "prometheus", uid: DS_UID });
      expect(p.targets?.length, p.title).toBeGreaterThan(0);
      for (const t of p.targets ?? []) {
        expect(t.expr.length).toBeGreaterThan(0);
        expect(t.datasource?.uid).toBe(DS_UID);
      }
    }
  });

  it("is importable by the reference's steps: a Prometheus datasource input and variable", () => {
    expect(dashboard.__inputs).toContainEqual(
      expect.objectContaining({ name: "DS_PROMETHEUS", type: "datasource", pluginId: "prometheus" }),
    );
    expect(dashboard.templating.list).toContainEqual(
      expect.objectContaining({ name: "datasource", type: "datasource", query: "prometheus" }),
    );
  });

  it("shows the latency percentiles P50, P95 and P99", () => {
    const exprs = dashboard.panels.flatMap((p) => p.targets ?? []).map((t) => t.expr);
    for (const q of ["0.5", "0.95", "0.99"])
      expect(exprs.some((e) => e.includes(`histogram_quantile(${q}, sum by (le)`))).toBe(true);
  });

  it("holds every panel of ROWS, in order, with its type, unit, queries and legends", () => {
    const built = dashboard.panels.map((p) =>
      p.type === "row"
        ? { row: p.title }
        : {
            title: p.title,
            type: p.type,
            unit: p.fieldConfig?.defaults.unit,
            targets: p.targets?.map((t) => ({ expr: t.expr, legend: t.legendFormat })),
          },
    );
    const specified = ROWS.flatMap((r) => [
      { row: r.title },
      ...r.panels.map((p) => ({
        title: p.title,
        type: p.type ?? "timeseries",
        unit: p.unit,
        targets: p.targets.map((t) => ({ expr: t.expr, legend: t.legend })),
      })),
    ]);
    expect(built).toEqual(specified);
  });
});
