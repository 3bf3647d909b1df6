/**
 * The app's Prometheus metrics, registered from `contract/src/metrics.ts` (the alert rules and the
 * dashboard read the same entries, so a name is never typed twice). Every counter's known label
 * combinations start at 0, so ratios such as the cache hit rate exist before the first event.
 */

import { APP_METRICS, LABEL_VALUES, type MetricDefinition } from "@mcp-stack/contract";
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from "prom-client";

type AppMetricKey = keyof typeof APP_METRICS;
type Instance<D> = D extends { type: "counter" }
  ? Counter<string>
  : D extends { type: "gauge" }
    ? Gauge<string>
    : Histogram<string>;

/** One prom-client instance per catalogue entry, keyed like APP_METRICS. */
export type AppMetrics = { readonly [K in AppMetricKey]: Instance<(typeof APP_METRICS)[K]> };

export interface CreateMetricsOptions {
  /** Defaults to a new Registry (tests build many apps in one process). */
  registry?: Registry;
  /** prom-client's process and Node.js defaults (heap, event loop lag, CPU…). Defaults to true. */
  defaultMetrics?: boolean;
  /** Models whose LLM counters start at 0: the configured embedding and chat models. */
  models?: { embedding: string; chat: string };
}

export interface MetricsRegistry {
  registry: Registry;
  metrics: AppMetrics;
  /** Runs `fn` whenever a gauge is read (a scrape, also a cluster aggregation): gauges sample state there. */
  onCollect(fn: () => void): void;
}

function create(
  def: MetricDefinition,
  registry: Registry,
  collect: () => void,
): Counter<string> | Gauge<string> | Histogram<string> {
  const base = { name: def.name, help: def.help, labelNames: [...def.labelNames], registers: [registry] };
  switch (def.type) {
    case "counter":
      return new Counter(base);
    case "gauge":
      return new Gauge({ ...base, collect });
    case "histogram":
      return new Histogram({ ...base, buckets: [...(def.buckets ?? [])] });
  }
}

/** Registers every APP_METRICS entry (and the Node defaults) in one registry. */
export function createMetrics(options: CreateMetricsOptions = {}): MetricsRegistry {
  const registry = options.registry ?? new Registry();
  const collectors: (() => void)[] = [];
  const collect = () => {
    for (const fn of collectors) fn();
  };
  const built: Record<string, Counter<string> | Gauge<string> | Histogram<string>> = {};
  for (const [key, def] of Object.entries(APP_METRICS) as [AppMetricKey, MetricDefinition][]) {
    built[key] = create(def, registry, collect);
  }
  const metrics = built as unknown as AppMetrics;
  if (options.defaultMetrics ?? true) collectDefaultMetrics({ register: registry });
  initialiseCounters(metrics, options.models);
  return { registry, metrics, onCollect: (fn) => collectors.push(fn) };
}

/** Zero series for every label combination known at start-up (catalogue LABEL_VALUES and the configured models). */
function initialiseCounters(metrics: AppMetrics, models?: { embedding: string; chat: string }): void {
  for (const cache of LABEL_VALUES.cache) {
    metrics.cacheHits.inc({ cache }, 0);
    metrics.cacheMisses.inc({ cache }, 0);
    metrics.cacheEvictions.inc({ cache }, 0);
  }
  for (const mode of LABEL_VALUES.searchMode) metrics.searches.inc({ mode }, 0);
  metrics.conversationsIngested.inc(0);
  if (!models) return;
  metrics.embeddingsComputed.inc({ model: models.embedding }, 0);
  const byOperation = { embedding: models.embedding, chat: models.chat } as const;
  for (const operation of LABEL_VALUES.llmOperation) {
    for (const outcome of ["ok", "error"]) {
      metrics.llmRequests.inc({ operation, model: byOperation[operation], outcome }, 0);
    }
  }
  for (const model of new Set([models.embedding, models.chat])) {
    for (const kind of LABEL_VALUES.tokenKind) metrics.llmTokens.inc({ kind, model }, 0);
    metrics.llmCost.inc({ model }, 0);
  }
}
