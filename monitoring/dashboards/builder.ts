/**
 * A small Grafana dashboard builder: rows of 24-column panels laid out left to right, ids assigned
 * in order, every panel and target bound to the `datasource` template variable.
 */

/** The dashboard's datasource template variable; panels refer to it, import and provisioning set it. */
export const DATASOURCE_VARIABLE = "datasource";
/** The import input (Dashboards → Import → "Select Prometheus data source") that sets the variable. */
export const DATASOURCE_INPUT = "DS_PROMETHEUS";

const DS = { type: "prometheus", uid: `\${${DATASOURCE_VARIABLE}}` } as const;

export type Unit = "reqps" | "percentunit" | "s" | "bytes" | "short" | "currencyUSD" | "ops";

export interface Target {
  readonly expr: string;
  /** Legend, e.g. `{{route}}`. */
  readonly legend: string;
}

export interface PanelSpec {
  readonly title: string;
  readonly description?: string;
  readonly type?: "timeseries" | "stat";
  readonly unit: Unit;
  readonly targets: readonly Target[];
  /** Width in grid columns (of 24). Defaults to 8. */
  readonly width?: number;
}

export interface RowSpec {
  readonly title: string;
  readonly panels: readonly PanelSpec[];
}

const HEIGHT = 8;

export interface GridPos {
  h: number;
  w: number;
  x: number;
  y: number;
}

/** Grafana panels (rows included) with ids and grid positions. */
export function layout(rows: readonly RowSpec[]): Record<string, unknown>[] {
  const panels: Record<string, unknown>[] = [];
  let id = 1;
  let y = 0;
  for (const row of rows) {
    panels.push({
      id: id++,
      type: "row",
      title: row.title,
      collapsed: false,
      gridPos: { h: 1, w: 24, x: 0, y },
      panels: [],
    });
    y += 1;
    let x = 0;
    for (const p of row.panels) {
      const w = p.width ?? 8;
      if (x + w > 24) {
        x = 0;
        y += HEIGHT;
      }
      panels.push({
        id: id++,
        type: p.type ?? "timeseries",
        title: p.title,
        ...(p.description ? { description: p.description } : {}),
        datasource: DS,
        gridPos: { h: HEIGHT, w, x, y },
        fieldConfig: { defaults: { unit: p.unit }, overrides: [] },
        options:
          p.type === "stat"
            ? { reduceOptions: { calcs: ["lastNotNull"] } }
            : { legend: { displayMode: "list" } },
        targets: p.targets.map((t, i) => ({
          refId: String.fromCharCode(65 + i),
          datasource: DS,
          expr: t.expr,
          legendFormat: t.legend,
        })),
      });
      x += w;
    }
    y += HEIGHT;
  }
  return panels;
}

/** A complete dashboard, importable (the DS_PROMETHEUS input) and provisionable (the variable). */
export function dashboard(opts: {
  uid: string;
  title: string;
  tags: readonly string[];
  rows: readonly RowSpec[];
}) {
  return {
    __inputs: [
      {
        name: DATASOURCE_INPUT,
        label: "Prometheus",
        description: "The Prometheus that scrapes mcp-backend",
        type: "datasource",
        pluginId: "prometheus",
        pluginName: "Prometheus",
      },
    ],
    __requires: [
      { type: "datasource", id: "prometheus", name: "Prometheus", version: "1.0.0" },
      { type: "panel", id: "timeseries", name: "Time series", version: "" },
      { type: "panel", id: "stat", name: "Stat", version: "" },
    ],
    uid: opts.uid,
    title: opts.title,
    tags: [...opts.tags],
    timezone: "browser",
    schemaVersion: 39,
    version: 1,
    editable: true,
    refresh: "30s",
    time: { from: "now-6h", to: "now" },
    templating: {
      list: [
        {
          name: DATASOURCE_VARIABLE,
          label: "Data source",
          type: "datasource",
          query: "prometheus",
          // Import replaces the input with the chosen data source; a provisioned copy, where the input
          // is never replaced, falls back to the default data source (the provisioned Prometheus).
          current: { text: `\${${DATASOURCE_INPUT}}`, value: `\${${DATASOURCE_INPUT}}` },
          hide: 0,
          refresh: 1,
          regex: "",
        },
      ],
    },
    annotations: { list: [] },
    panels: layout(opts.rows),
  };
}
