/**
 * The suite's checks over Prometheus's HTTP API, kept apart from the scenario so the harness test can
 * feed them a deliberately broken dashboard or rule and see them fail.
 */
import { ALL_METRICS, type ExternalMetricDefinition, type MetricSource } from "@mcp-stack/contract";

export interface PromSample {
  metric: Record<string, string>;
  value: [number, string];
}

export interface Prom {
  url: string;
  /** An instant query; throws on an API error (a PromQL syntax error included). */
  query(expr: string): Promise<PromSample[]>;
  /** Alerts Prometheus holds now (pending and firing). */
  alerts(): Promise<{ labels: Record<string, string>; state: "pending" | "firing" }[]>;
}

export function promClient(url: string): Prom {
  const get = async <T>(path: string): Promise<T> => {
    const res = await fetch(`${url}${path}`, { signal: AbortSignal.timeout(10_000) });
    const json = (await res.json()) as { status: string; data: T; error?: string };
    if (json.status !== "success") throw new Error(`${path}: ${json.error ?? res.status}`);
    return json.data;
  };
  return {
    url,
    query: async (expr) =>
      (await get<{ result: PromSample[] }>(`/api/v1/query?query=${encodeURIComponent(expr)}`)).result,
    alerts: async () =>
      (
        await get<{ alerts: { labels: Record<string, string>; state: "pending" | "firing" }[] }>(
          "/api/v1/alerts",
        )
      ).alerts,
  };
}

/** One query of a dashboard panel, as Grafana would send it. */
export interface DashboardQuery {
  panel: string;
  refId: string;
  expr: string;
}

/** Every target of every panel of a dashboard JSON (rows' nested panels included). */
export function dashboardQueries(dashboard: unknown): DashboardQuery[] {
  const out: DashboardQuery[] = [];
  const walk = (panels: unknown) => {
    for (const p of (panels ?? []) as {
      title: string;
      targets?: { refId: string; expr: string }[];
      panels?: unknown;
    }[]) {
      for (const t of p.targets ?? []) out.push({ panel: p.title, refId: t.refId, expr: t.expr });
      walk(p.panels);
    }
  };
  walk((dashboard as { panels?: unknown }).panels);
  return out;
}

/** Grafana's variables replaced as it would for a short time range (`$__rate_interval` = 4 × scrape). */
export function substitute(expr: string, rateInterval: string): string {
  return expr.replaceAll("$__rate_interval", rateInterval).replaceAll("$__interval", rateInterval);
}

/** Vector selectors of an expression: `name{matchers}` (the builders always emit matchers). */
export function selectors(expr: string): string[] {
  return [...expr.matchAll(/\b([a-zA-Z_:][a-zA-Z0-9_:]*)\{((?:[^}"]|"(?:[^"\\]|\\.)*")*)\}/g)].map(
    (m) => m[0],
  );
}

const SOURCES = new Map<string, MetricSource | "app">(
  ALL_METRICS.flatMap((m) => {
    const source = (m as ExternalMetricDefinition).source ?? "app";
    const names =
      m.type === "histogram" ? [`${m.name}_bucket`, `${m.name}_sum`, `${m.name}_count`] : [m.name];
    return names.map((n) => [n, source] as const);
  }),
);

/** Catalogue sources an expression reads (a name the catalogue does not know is reported as "unknown"). */
export function sourcesOf(expr: string): Set<string> {
  return new Set(selectors(expr).map((s) => SOURCES.get(s.slice(0, s.indexOf("{"))) ?? "unknown"));
}

export interface QueryResult extends DashboardQuery {
  samples: number;
  values: number[];
  error?: string;
}

/** Runs each query; a result without samples (Grafana's "No data") or an API error fails it. */
export async function runQueries(prom: Prom, queries: DashboardQuery[], rateInterval: string) {
  const results: QueryResult[] = [];
  for (const q of queries) {
    try {
      const samples = await prom.query(substitute(q.expr, rateInterval));
      results.push({ ...q, samples: samples.length, values: samples.map((s) => Number(s.value[1])) });
    } catch (error) {
      results.push({ ...q, samples: 0, values: [], error: String(error) });
    }
  }
  // A panel with some NaN series (a route idle in the window) still draws; all NaN is "No data".
  const failed = results.filter((r) => r.samples === 0 || r.values.every((v) => Number.isNaN(v)));
  return { results, failed };
}

/**
 * The selectors of each rule that match no series in Prometheus: a misspelt metric or label in an
 * alert makes it silently never fire, and this finds it without waiting for the alert.
 */
export async function missingSelectors(prom: Prom, rules: { alert: string; expr: string }[]) {
  const missing: { alert: string; selector: string }[] = [];
  for (const rule of rules) {
    for (const selector of selectors(rule.expr)) {
      if ((await prom.query(`count(${selector})`)).length === 0)
        missing.push({ alert: rule.alert, selector });
    }
  }
  return missing;
}
