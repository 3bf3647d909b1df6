import { EXTERNAL_METRICS, APP_METRICS as M } from "@mcp-stack/contract";
import { MONITORING_CONFIG as C } from "../config.js";
import { eq, quantile, rate, sel, sumBy } from "../promql.js";
import type { AlertGroup } from "./types.js";

const job = [eq("job", C.jobs.app)];
const UP = EXTERNAL_METRICS.up;
const T = C.thresholds;

/**
 * The app's availability and performance: the reference's HighErrorRate, ServiceDown, HighLatency,
 * DatabaseConnectionPoolExhausted and LowCacheHitRate, rewritten to measure what they describe and to
 * aggregate across the 4–20 pods of prod (docs/monitoring.md), plus an alert for a job without targets.
 */
export const appAlerts: AlertGroup = {
  name: "mcp_backend_app",
  rules: [
    {
      alert: "HighErrorRate",
      // Reference: rate(errors_total[5m]) > 0.05 compares errors per second with 5%. This is the share
      // of requests answered with a server error, over all pods.
      expr: `${sumBy(["job"], rate(M.errors, C.windows.errors, job))}
/
${sumBy(["job"], rate(M.httpRequests, C.windows.errors, job))}
> ${T.errorRatio}`,
      for: C.for.highErrorRate,
      labels: { severity: "critical" },
      annotations: {
        summary: "High error rate detected",
        description: `Error rate is {{ $value | humanizePercentage }} of requests (threshold: ${T.errorRatio * 100}%)`,
      },
    },
    {
      alert: "ServiceDown",
      expr: `${sel(UP, job)} == 0`,
      for: C.for.serviceDown,
      labels: { severity: "critical" },
      annotations: {
        summary: "MCP Backend service is down",
        description: "Instance {{ $labels.instance }} is down",
      },
    },
    {
      alert: "AppTargetsMissing",
      // ServiceDown needs an `up` series to compare; with no target at all (Deployment gone, pods
      // unannotated, service discovery or RBAC broken) there is none and every app alert is silent.
      expr: `absent(${sel(UP, job)})`,
      for: C.for.targetsMissing,
      labels: { severity: "critical" },
      annotations: {
        summary: "Prometheus finds no MCP Backend pod to scrape",
        description: `Job ${C.jobs.app} has had no scrape target for ${C.for.targetsMissing}; every other app alert is blind`,
      },
    },
    {
      alert: "DatabaseConnectionPoolExhausted",
      // Per pod and pool: each pod's pool is exhausted on its own. A zero max (pool not started) is
      // dropped rather than divided by.
      expr: `${sumBy(["job", "instance", "pool"], sel(M.dbConnectionsInUse, job))}
/
(${sumBy(["job", "instance", "pool"], sel(M.dbConnectionsMax, job))} > 0)
> ${T.dbPoolUseRatio}`,
      for: C.for.dbPoolExhausted,
      labels: { severity: "critical" },
      annotations: {
        summary: "Database connection pool near exhaustion",
        description:
          "Connection pool usage is {{ $value | humanizePercentage }} ({{ $labels.pool }} pool of {{ $labels.instance }})",
      },
    },
    {
      alert: "HighLatency",
      // Reference: histogram_quantile over unaggregated buckets gives one P95 per pod and route; the
      // buckets are summed by le first so this is the P95 of all requests.
      expr: `${quantile(0.95, M.httpRequestDuration, C.windows.latency, job, ["job"])} > ${T.latencyP95Seconds}`,
      for: C.for.highLatency,
      labels: { severity: "warning" },
      annotations: {
        summary: "High request latency",
        description: `P95 latency is {{ $value | humanizeDuration }} (threshold: ${T.latencyP95Seconds}s)`,
      },
    },
    {
      alert: "LowCacheHitRate",
      // Per cache: a cold RAG cache must not hide behind a warm embedding cache. No traffic gives 0/0,
      // which is no sample, so an idle cache does not fire.
      expr: `${sumBy(["job", "cache"], rate(M.cacheHits, C.windows.cache, job))}
/
(
  ${sumBy(["job", "cache"], rate(M.cacheHits, C.windows.cache, job))}
  +
  ${sumBy(["job", "cache"], rate(M.cacheMisses, C.windows.cache, job))}
)
< ${T.cacheHitRatio}`,
      for: C.for.lowCacheHitRate,
      labels: { severity: "warning" },
      annotations: {
        summary: "Low cache hit rate",
        description: `Cache hit rate of the {{ $labels.cache }} cache is {{ $value | humanizePercentage }} (threshold: ${T.cacheHitRatio * 100}%)`,
      },
    },
  ],
};
