import type { MetricDefinition } from "@mcp-stack/contract";

/**
 * Small PromQL builders that take catalogue entries, so an expression never spells a metric name.
 * They only concatenate strings; promtool checks the result in the tests.
 */

/** A label matcher: `label="value"`, `label!="value"`, `label=~"regex"`. */
export function eq(label: string, value: string): string {
  return `${label}=${JSON.stringify(value)}`;
}
export function ne(label: string, value: string): string {
  return `${label}!=${JSON.stringify(value)}`;
}
export function re(label: string, regex: string): string {
  return `${label}=~${JSON.stringify(regex)}`;
}

type Suffix = "" | "_bucket" | "_sum" | "_count";

/** `name{matchers}`; `suffix` picks a histogram's series. */
export function sel(metric: MetricDefinition, matchers: readonly string[] = [], suffix: Suffix = ""): string {
  if (suffix !== "" && metric.type !== "histogram")
    throw new Error(`${metric.name} is a ${metric.type}; only histograms have ${suffix}`);
  const m = matchers.length > 0 ? `{${matchers.join(", ")}}` : "";
  return `${metric.name}${suffix}${m}`;
}

/** `rate(name{matchers}[window])`. */
export function rate(
  metric: MetricDefinition,
  window: string,
  matchers: readonly string[] = [],
  suffix: Suffix = "",
): string {
  if (metric.type === "gauge") throw new Error(`rate() of gauge ${metric.name}`);
  return `rate(${sel(metric, matchers, suffix)}[${window}])`;
}

/** `sum by (labels) (expr)`; no labels = `sum(expr)`. */
export function sumBy(labels: readonly string[], expr: string): string {
  return labels.length > 0 ? `sum by (${labels.join(", ")}) (${expr})` : `sum(${expr})`;
}

/**
 * The q-quantile of a histogram across every pod: buckets summed by `le` (and `by`) first, since
 * quantiles of separate pods cannot be averaged.
 */
export function quantile(
  q: number,
  metric: MetricDefinition,
  window: string,
  matchers: readonly string[] = [],
  by: readonly string[] = [],
): string {
  return `histogram_quantile(${q}, ${sumBy([...by, "le"], rate(metric, window, matchers, "_bucket"))})`;
}
