import type * as cog from "@grafana/grafana-foundation-sdk/cog";
import {
  LegendDisplayMode,
  ReduceDataOptionsBuilder,
  VizLegendOptionsBuilder,
} from "@grafana/grafana-foundation-sdk/common";
import {
  type Dashboard,
  DashboardBuilder,
  DatasourceVariableBuilder,
  type Panel,
  RowBuilder,
  VariableHide,
} from "@grafana/grafana-foundation-sdk/dashboard";
import { DataqueryBuilder } from "@grafana/grafana-foundation-sdk/prometheus";
import { PanelBuilder as StatPanelBuilder } from "@grafana/grafana-foundation-sdk/stat";
import { PanelBuilder as TimeseriesPanelBuilder } from "@grafana/grafana-foundation-sdk/timeseries";

/**
 * Our dashboards as data (rows of PanelSpecs) turned into Grafana's dashboard model by the Grafana
 * Foundation SDK's builders: rows of 24-column panels laid out left to right, ids assigned in order,
 * every panel and target bound to the `datasource` template variable.
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

function panel(p: PanelSpec, id: number, gridPos: GridPos): cog.Builder<Panel> {
  const common = <B extends TimeseriesPanelBuilder | StatPanelBuilder>(b: B): B => {
    b.id(id).title(p.title).datasource(DS).gridPos(gridPos).unit(p.unit);
    if (p.description) b.description(p.description);
    for (const [i, t] of p.targets.entries())
      b.withTarget(
        new DataqueryBuilder()
          .refId(String.fromCharCode(65 + i))
          .datasource(DS)
          .expr(t.expr)
          .legendFormat(t.legend),
      );
    return b;
  };
  return p.type === "stat"
    ? common(new StatPanelBuilder()).reduceOptions(new ReduceDataOptionsBuilder().calcs(["lastNotNull"]))
    : common(new TimeseriesPanelBuilder()).legend(
        new VizLegendOptionsBuilder().displayMode(LegendDisplayMode.List).showLegend(true),
      );
}

/** Add the rows and their panels to `builder`, with ids and grid positions. */
function layout(builder: DashboardBuilder, rows: readonly RowSpec[]): void {
  let id = 1;
  let y = 0;
  for (const row of rows) {
    builder.withRow(new RowBuilder(row.title).id(id++).collapsed(false).gridPos({ h: 1, w: 24, x: 0, y }));
    y += 1;
    let x = 0;
    for (const p of row.panels) {
      const w = p.width ?? 8;
      if (x + w > 24) {
        x = 0;
        y += HEIGHT;
      }
      builder.withPanel(panel(p, id++, { h: HEIGHT, w, x, y }));
      x += w;
    }
    y += HEIGHT;
  }
}

/** Import metadata Grafana's dashboard model has no field for: the data source input and plugins used. */
const IMPORT_METADATA = {
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
};

/** A complete dashboard, importable (the DS_PROMETHEUS input) and provisionable (the variable). */
export function dashboard(opts: {
  uid: string;
  title: string;
  tags: readonly string[];
  rows: readonly RowSpec[];
}): typeof IMPORT_METADATA & Dashboard {
  const builder = new DashboardBuilder(opts.title)
    .uid(opts.uid)
    .tags([...opts.tags])
    .timezone("browser")
    .editable()
    .version(1)
    .refresh("30s")
    .time({ from: "now-6h", to: "now" })
    .annotations([])
    .withVariable(
      new DatasourceVariableBuilder(DATASOURCE_VARIABLE)
        .label("Data source")
        .type("prometheus")
        .hide(VariableHide.DontHide)
        // Import replaces the input with the chosen data source; a provisioned copy, where the input
        // is never replaced, falls back to the default data source (the provisioned Prometheus).
        .current({ text: `\${${DATASOURCE_INPUT}}`, value: `\${${DATASOURCE_INPUT}}` }),
    );
  layout(builder, opts.rows);
  return { ...IMPORT_METADATA, ...builder.build() };
}
