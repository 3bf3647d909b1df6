import { EXTERNAL_METRICS as X } from "@mcp-stack/contract";
import { MONITORING_CONFIG as C } from "../config.js";
import { eq, re, sel, sumBy } from "../promql.js";
import type { AlertGroup, AlertRule, PostgresMode } from "./types.js";

/** Options of the data-tier alerts. */
export interface DataTierAlertOptions {
  /** Whether the environment runs Redis and its exporter. Defaults to true. */
  readonly redis?: boolean;
  /**
   * How Postgres runs. The postgres_exporter rules apply to "statefulset" only (CloudNativePG has its
   * own, alerts/cloudnative-pg.ts); DataTierExporterDown watches the scrape job of either. Defaults
   * to "statefulset".
   */
  readonly postgres?: PostgresMode;
}

/** The scrape jobs of the Postgres metrics in each mode. */
export const POSTGRES_JOBS: Readonly<Record<PostgresMode, readonly string[]>> = {
  statefulset: [C.jobs.postgres],
  "cloudnative-pg": [C.jobs.cloudnativePg],
  external: [],
};

const pg = [eq("job", C.jobs.postgres)];
const redis = [eq("job", C.jobs.redis)];
const T = C.thresholds;

const postgresRules: AlertRule[] = [
  {
    alert: "PostgresDown",
    // pg_up is the exporter's own connection test: 0 while the exporter runs but Postgres refuses it.
    expr: `${sel(X.pgUp, pg)} == 0`,
    for: C.for.dataTierDown,
    labels: { severity: "critical" },
    annotations: {
      summary: "PostgreSQL is down",
      description: "postgres_exporter {{ $labels.instance }} cannot connect to PostgreSQL",
    },
  },
  {
    alert: "PostgresTooManyConnections",
    expr: `${sumBy(["job", "instance"], sel(X.pgStatActivityCount, pg))}
/
${sumBy(["job", "instance"], sel(X.pgSettingsMaxConnections, pg))}
> ${T.postgresConnectionRatio}`,
    for: C.for.dataTierSaturation,
    labels: { severity: "warning" },
    annotations: {
      summary: "PostgreSQL is near max_connections",
      description: `{{ $value | humanizePercentage }} of max_connections in use (threshold: ${T.postgresConnectionRatio * 100}%)`,
    },
  },
];

const redisRules: AlertRule[] = [
  {
    alert: "RedisDown",
    expr: `${sel(X.redisUp, redis)} == 0`,
    for: C.for.dataTierDown,
    labels: { severity: "critical" },
    annotations: {
      summary: "Redis is down",
      description: "redis_exporter {{ $labels.instance }} cannot reach Redis; the cache is off",
    },
  },
  {
    alert: "RedisMemoryNearMax",
    // maxmemory 0 means unlimited: dropped instead of dividing by it.
    expr: `${sel(X.redisMemoryUsedBytes, redis)}
/
(${sel(X.redisMemoryMaxBytes, redis)} > 0)
> ${T.redisMemoryRatio}`,
    for: C.for.dataTierSaturation,
    labels: { severity: "warning" },
    annotations: {
      summary: "Redis is near maxmemory",
      description: `Redis uses {{ $value | humanizePercentage }} of maxmemory (threshold: ${T.redisMemoryRatio * 100}%)`,
    },
  },
];

/** Postgres, Redis and their exporters. */
export function dataTierAlerts(options: DataTierAlertOptions = {}): AlertGroup {
  const withRedis = options.redis ?? true;
  const postgres = options.postgres ?? "statefulset";
  const exporterJobs = [...POSTGRES_JOBS[postgres], ...(withRedis ? [C.jobs.redis] : [])];
  const exporterDown: AlertRule[] =
    exporterJobs.length === 0
      ? []
      : [
          {
            alert: "DataTierExporterDown",
            // Without the exporter, PostgresDown / RedisDown cannot fire.
            expr: `${sel(X.up, [re("job", exporterJobs.join("|"))])} == 0`,
            for: C.for.dataTierDown,
            labels: { severity: "warning" },
            annotations: {
              summary: "A data-tier exporter is down",
              description:
                "Scrapes of {{ $labels.job }} exporter {{ $labels.instance }} fail; its alerts are blind",
            },
          },
        ];
  return {
    name: "mcp_backend_data_tier",
    rules: [
      ...(postgres === "statefulset" ? postgresRules : []),
      ...(withRedis ? redisRules : []),
      ...exporterDown,
    ],
  };
}
