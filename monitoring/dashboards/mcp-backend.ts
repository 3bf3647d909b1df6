import {
  APP_METRICS as M,
  PROCESS_METRICS as PM,
  SERVICE_NAME,
  EXTERNAL_METRICS as X,
} from "@mcp-stack/contract";
import { cadvisorContainers } from "../alerts/system.js";
import { MONITORING_CONFIG as C } from "../config.js";
import { eq, quantile, rate, sel, sumBy } from "../promql.js";
import { dashboard, type RowSpec } from "./builder.js";

const job = [eq("job", C.jobs.app)];
const postgres = [eq("job", C.jobs.postgres)];
const cnpg = [eq("job", C.jobs.cloudnativePg)];
const pooler = [eq("job", C.jobs.cloudnativePgPooler)];
const w = C.windows.dashboard;
const ratio = (num: string, den: string) => `${num}\n/\n${den}`;
const percentiles = (metric: typeof M.httpRequestDuration | typeof M.dbQueryDuration, by: string[] = []) =>
  ([0.5, 0.95, 0.99] as const).map((q) => ({
    expr: quantile(q, metric, w, job, by),
    legend: `P${q * 100}${by.length > 0 ? ` {{${by.join("}} {{")}}}` : ""}`,
  }));

/** What varies between the Prometheus servers the dashboard reads. */
export interface DashboardOptions {
  /** The job of cAdvisor's container metrics. Defaults to the bundled Prometheus' `kubernetes-cadvisor`. */
  readonly cadvisorJob?: string;
}

/** The reference's seven rows ("Grafana Dashboards"), in its order. */
export function dashboardRows(options: DashboardOptions = {}): readonly RowSpec[] {
  const containers = cadvisorContainers(options.cadvisorJob);
  return [
    overviewRow(),
    performanceRow(),
    cacheRow(),
    databaseRow(),
    llmRow(),
    systemRow(containers),
    businessRow(),
  ];
}

/** Traffic, errors, latency and the pods serving it. */
function overviewRow(): RowSpec {
  return {
    title: "Overview",
    panels: [
      {
        title: "Request rate",
        unit: "reqps",
        targets: [{ expr: sumBy(["route"], rate(M.httpRequests, w, job)), legend: "{{route}}" }],
      },
      {
        title: "Error rate",
        description: "Share of requests answered with a server error (HighErrorRate fires above 5%).",
        unit: "percentunit",
        targets: [
          {
            expr: ratio(sumBy([], rate(M.errors, w, job)), sumBy([], rate(M.httpRequests, w, job))),
            legend: "errors",
          },
        ],
      },
      {
        title: "Latency P95",
        unit: "s",
        targets: [{ expr: quantile(0.95, M.httpRequestDuration, w, job), legend: "P95" }],
      },
      {
        title: "Pods up",
        type: "stat",
        unit: "short",
        width: 6,
        targets: [{ expr: sumBy([], sel(X.up, job)), legend: "up" }],
      },
      {
        title: "Responses by status",
        unit: "reqps",
        width: 18,
        targets: [{ expr: sumBy(["status"], rate(M.httpRequests, w, job)), legend: "{{status}}" }],
      },
    ],
  };
}

/** Latency percentiles, overall and by route. */
function performanceRow(): RowSpec {
  return {
    title: "Performance",
    panels: [
      { title: "Latency percentiles", unit: "s", width: 12, targets: percentiles(M.httpRequestDuration) },
      {
        title: "Latency P95 by route",
        unit: "s",
        width: 12,
        targets: [{ expr: quantile(0.95, M.httpRequestDuration, w, job, ["route"]), legend: "{{route}}" }],
      },
    ],
  };
}

/** The app's caches and the Redis behind them. */
function cacheRow(): RowSpec {
  return {
    title: "Cache",
    panels: [
      {
        title: "Hit rate",
        description: "Hits / lookups per cache; the tuning target is above 60%.",
        unit: "percentunit",
        targets: [
          {
            expr: ratio(
              sumBy(["cache"], rate(M.cacheHits, w, job)),
              `(${sumBy(["cache"], rate(M.cacheHits, w, job))} + ${sumBy(["cache"], rate(M.cacheMisses, w, job))})`,
            ),
            legend: "{{cache}}",
          },
        ],
      },
      {
        title: "Miss rate",
        unit: "ops",
        targets: [{ expr: sumBy(["cache"], rate(M.cacheMisses, w, job)), legend: "{{cache}}" }],
      },
      {
        title: "Eviction rate",
        unit: "ops",
        targets: [
          { expr: sumBy(["cache"], rate(M.cacheEvictions, w, job)), legend: "{{cache}}" },
          {
            expr: sumBy([], rate(X.redisEvictedKeys, w, [eq("job", C.jobs.redis)])),
            legend: "redis (maxmemory)",
          },
        ],
      },
      {
        title: "Redis memory",
        unit: "bytes",
        width: 12,
        targets: [
          { expr: sumBy([], sel(X.redisMemoryUsedBytes, [eq("job", C.jobs.redis)])), legend: "used" },
          { expr: sumBy([], sel(X.redisMemoryMaxBytes, [eq("job", C.jobs.redis)])), legend: "maxmemory" },
        ],
      },
      {
        title: "Redis clients",
        unit: "short",
        width: 12,
        targets: [
          { expr: sumBy([], sel(X.redisConnectedClients, [eq("job", C.jobs.redis)])), legend: "clients" },
        ],
      },
    ],
  };
}

/** Query latency, the app's pools, Postgres' connections and CloudNativePG's Poolers. */
function databaseRow(): RowSpec {
  return {
    title: "Database",
    panels: [
      { title: "Query latency", unit: "s", targets: percentiles(M.dbQueryDuration, ["pool"]) },
      {
        title: "Pool usage (busiest pod)",
        description:
          "Connections in use / pool maximum of the busiest pod (DatabaseConnectionPoolExhausted fires above 90%).",
        unit: "percentunit",
        targets: [
          {
            expr: `max by (pool) (\n${ratio(sumBy(["instance", "pool"], sel(M.dbConnectionsInUse, job)), sumBy(["instance", "pool"], sel(M.dbConnectionsMax, job)))}\n)`,
            legend: "{{pool}}",
          },
        ],
      },
      {
        title: "Postgres connections",
        description:
          "Server connections against max_connections: postgres_exporter's on a single instance, the instance manager's on the CloudNativePG primary (the busiest instance).",
        unit: "short",
        targets: [
          {
            expr: `${sumBy([], sel(X.pgStatActivityCount, postgres))}\nor\nmax(${sumBy(["pod"], sel(X.cnpgBackends, cnpg))})`,
            legend: "in use",
          },
          {
            expr: `max(${sel(X.pgSettingsMaxConnections, postgres)})\nor\nmax(${sel(X.cnpgSetting, [...cnpg, eq("name", "max_connections")])})`,
            legend: "max_connections",
          },
        ],
      },
      {
        title: "Connection pooler (CloudNativePG)",
        description:
          "PgBouncer in each Pooler pod: clients served and queued, server connections in use (CloudNativePgPoolerWaiting fires when the oldest queued client has waited over 1 s). Empty without Poolers.",
        unit: "short",
        targets: [
          {
            expr: sumBy(["pod"], sel(X.cnpgPoolerClientsActive, pooler)),
            legend: "{{pod}} clients active",
          },
          {
            expr: sumBy(["pod"], sel(X.cnpgPoolerClientsWaiting, pooler)),
            legend: "{{pod}} clients waiting",
          },
          {
            expr: sumBy(["pod"], sel(X.cnpgPoolerServersActive, pooler)),
            legend: "{{pod}} servers active",
          },
        ],
      },
    ],
  };
}

/** Tokens, requests, cost and embeddings of the model providers. */
function llmRow(): RowSpec {
  return {
    title: "LLM",
    panels: [
      {
        title: "Token usage",
        unit: "short",
        targets: [{ expr: sumBy(["kind"], rate(M.llmTokens, w, job)), legend: "{{kind}} tokens/s" }],
      },
      {
        title: "Request rate",
        unit: "reqps",
        targets: [
          {
            expr: sumBy(["operation", "outcome"], rate(M.llmRequests, w, job)),
            legend: "{{operation}} {{outcome}}",
          },
        ],
      },
      {
        title: "Cost estimate (USD per hour)",
        unit: "currencyUSD",
        targets: [{ expr: sumBy(["model"], `increase(${sel(M.llmCost, job)}[1h])`), legend: "{{model}}" }],
      },
      {
        title: "Embeddings computed",
        unit: "ops",
        width: 24,
        targets: [{ expr: sumBy(["model"], rate(M.embeddingsComputed, w, job)), legend: "{{model}}" }],
      },
    ],
  };
}

/** CPU, memory, disk and the event loop of the app's pods (cAdvisor's containers: `containers`). */
function systemRow(containers: ReturnType<typeof cadvisorContainers>): RowSpec {
  return {
    title: "System",
    panels: [
      {
        title: "CPU (cores)",
        unit: "short",
        targets: [{ expr: sumBy(["pod"], rate(PM.cpuSeconds, w, job)), legend: "{{pod}}" }],
      },
      {
        title: "Memory (resident)",
        unit: "bytes",
        targets: [
          { expr: sumBy(["pod"], sel(PM.residentMemory, job)), legend: "{{pod}} rss" },
          { expr: sumBy(["pod"], sel(PM.heapUsed, job)), legend: "{{pod}} heap" },
        ],
      },
      {
        title: "Memory vs limit",
        description: "Working set / limit per container (HighMemoryUsage fires above 85%).",
        unit: "percentunit",
        targets: [
          {
            expr: ratio(
              sumBy(["pod", "container"], sel(X.containerMemoryWorkingSet, containers)),
              `(${sumBy(["pod", "container"], sel(X.containerSpecMemoryLimit, containers))} > 0)`,
            ),
            legend: "{{pod}}/{{container}}",
          },
        ],
      },
      {
        title: "Disk (container filesystems)",
        unit: "bytes",
        width: 12,
        targets: [{ expr: sumBy(["pod"], sel(X.containerFsUsage, containers)), legend: "{{pod}}" }],
      },
      {
        title: "Event loop lag P99",
        unit: "s",
        width: 12,
        targets: [{ expr: `max by (pod) (${sel(PM.eventLoopLagP99, job)})`, legend: "{{pod}}" }],
      },
    ],
  };
}

/** What the service is for: conversations ingested and searches. */
function businessRow(): RowSpec {
  return {
    title: "Business",
    panels: [
      {
        title: "Conversations ingested (per hour)",
        unit: "short",
        width: 12,
        targets: [
          {
            expr: sumBy([], `increase(${sel(M.conversationsIngested, job)}[1h])`),
            legend: "conversations",
          },
        ],
      },
      {
        title: "Searches performed",
        unit: "ops",
        width: 12,
        targets: [{ expr: sumBy(["mode"], rate(M.searches, w, job)), legend: "{{mode}}" }],
      },
    ],
  };
}

/** The rows as the bundled Prometheus sees them. */
export const ROWS: readonly RowSpec[] = dashboardRows();

/** The dashboard at monitoring/generated/reference/grafana/mcp-backend-dashboard.json. */
export function mcpBackendDashboard(options: DashboardOptions = {}) {
  return dashboard({
    uid: SERVICE_NAME,
    title: "MCP Backend",
    tags: [SERVICE_NAME],
    rows: dashboardRows(options),
  });
}
