/**
 * The one catalogue of metrics: every metric the app exports (registered from here with prom-client),
 * the prom-client default metrics the dashboard reads, and the exporter / cAdvisor metrics the alerts
 * and panels use. A metric name is typed here and nowhere else; alert rules and dashboard panels build
 * their PromQL from these entries.
 *
 * Pure data: no imports, so `app/` can import it without pulling in Pulumi or cdk8s.
 */

export type MetricType = "counter" | "gauge" | "histogram";

/** A metric the app registers and exports on /metrics. */
export interface MetricDefinition {
  /** Exposition name; counters end in `_total`, prom-client does not append it. */
  readonly name: string;
  readonly type: MetricType;
  /** HELP text. */
  readonly help: string;
  /** Label names, in the order the app passes them. */
  readonly labelNames: readonly string[];
  /** Histogram bucket upper bounds (seconds or the metric's unit); histograms only. */
  readonly buckets?: readonly number[];
}

/** Who exports a metric the app does not register itself. */
export type MetricSource =
  | "prom-client"
  | "postgres_exporter"
  | "redis_exporter"
  | "cadvisor"
  | "prometheus"
  | "cloudnative-pg"
  | "barman-cloud-plugin";

/** A metric exported by something other than the app's own code, named exactly as its exporter does. */
export interface ExternalMetricDefinition extends MetricDefinition {
  readonly source: MetricSource;
}

/** Allowed values of the app's enumerated labels; the app must not invent others (cardinality). */
export const LABEL_VALUES = {
  /** `cache` label of the cache metrics: the three caches with separate TTLs (CACHE_*_TTL). */
  cache: ["embedding", "search", "rag"],
  /** `kind` label of llm_tokens_total. */
  tokenKind: ["prompt", "completion"],
  /** `mode` label of searches_total (the search API's modes). */
  searchMode: ["hybrid", "semantic", "keyword"],
  /** `pool` label of the DB pool gauges and query histogram (DATABASE_URL / DATABASE_REPLICA_URL). */
  dbPool: ["primary", "replica"],
  /** `operation` label of llm_requests_total. */
  llmOperation: ["embedding", "chat"],
} as const;

/** HTTP latency buckets (seconds): dense around the 2 s HighLatency threshold, up to the 30 s timeout. */
export const HTTP_DURATION_BUCKETS = [
  0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 1.5, 2, 2.5, 5, 10, 30,
] as const;

/** DB query buckets (seconds): queries are expected in milliseconds; 5 s means a lock or a seq scan. */
export const DB_QUERY_DURATION_BUCKETS = [
  0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5,
] as const;

/** Metrics the app registers (one entry per metric; keys are how code refers to them). */
export const APP_METRICS = {
  httpRequests: {
    name: "http_requests_total",
    type: "counter",
    help: "HTTP requests answered, by route template, method and status code.",
    labelNames: ["route", "method", "status"],
  },
  httpRequestDuration: {
    name: "http_request_duration_seconds",
    type: "histogram",
    help: "Time from request received to response sent, in seconds.",
    labelNames: ["route", "method", "status"],
    buckets: HTTP_DURATION_BUCKETS,
  },
  errors: {
    name: "errors_total",
    type: "counter",
    help: "Requests answered with a server error (status >= 500), by route and error code. Client errors (4xx) are not counted.",
    labelNames: ["route", "code"],
  },
  cacheHits: {
    name: "cache_hits_total",
    type: "counter",
    help: "Cache lookups that found an entry, by cache (embedding|search|rag).",
    labelNames: ["cache"],
  },
  cacheMisses: {
    name: "cache_misses_total",
    type: "counter",
    help: "Cache lookups that found no entry, by cache (embedding|search|rag).",
    labelNames: ["cache"],
  },
  cacheEvictions: {
    name: "cache_evictions_total",
    type: "counter",
    help: "Entries evicted to make room (not TTL expiry), by cache (embedding|search|rag).",
    labelNames: ["cache"],
  },
  dbConnectionsInUse: {
    name: "db_connections_in_use",
    type: "gauge",
    help: "Connections of this process's pool checked out by a query, by pool (primary|replica).",
    labelNames: ["pool"],
  },
  dbConnectionsMax: {
    name: "db_connections_max",
    type: "gauge",
    help: "Most connections this process's pool may open (DB_POOL_SIZE + DB_MAX_OVERFLOW), by pool.",
    labelNames: ["pool"],
  },
  dbQueryDuration: {
    name: "db_query_duration_seconds",
    type: "histogram",
    help: "Time of one database query including waiting for a pool connection, in seconds, by pool.",
    labelNames: ["pool"],
    buckets: DB_QUERY_DURATION_BUCKETS,
  },
  llmRequests: {
    name: "llm_requests_total",
    type: "counter",
    help: "Calls to the model provider, by operation (embedding|chat), model and outcome (ok|error).",
    labelNames: ["operation", "model", "outcome"],
  },
  llmTokens: {
    name: "llm_tokens_total",
    type: "counter",
    help: "Tokens billed by the model provider, by kind (prompt|completion) and model.",
    labelNames: ["kind", "model"],
  },
  llmCost: {
    name: "llm_cost_usd_total",
    type: "counter",
    help: "Estimated cost of model calls in US dollars (tokens × the model's list price), by model.",
    labelNames: ["model"],
  },
  embeddingsComputed: {
    name: "embeddings_computed_total",
    type: "counter",
    help: "Embedding vectors computed (cache misses that reached the embedder), by model.",
    labelNames: ["model"],
  },
  conversationsIngested: {
    name: "conversations_ingested_total",
    type: "counter",
    help: "Conversations stored through the API or the MCP ingest tool.",
    labelNames: [],
  },
  searches: {
    name: "searches_total",
    type: "counter",
    help: "Searches performed, by mode (hybrid|semantic|keyword).",
    labelNames: ["mode"],
  },
} as const satisfies Record<string, MetricDefinition>;

/** prom-client's default metrics (`collectDefaultMetrics()`) that panels read. */
export const PROCESS_METRICS = {
  cpuSeconds: {
    name: "process_cpu_seconds_total",
    type: "counter",
    help: "Total user and system CPU time spent in seconds.",
    labelNames: [],
    source: "prom-client",
  },
  residentMemory: {
    name: "process_resident_memory_bytes",
    type: "gauge",
    help: "Resident memory size in bytes.",
    labelNames: [],
    source: "prom-client",
  },
  heapUsed: {
    name: "nodejs_heap_size_used_bytes",
    type: "gauge",
    help: "Process heap size used from Node.js in bytes.",
    labelNames: [],
    source: "prom-client",
  },
  eventLoopLagP99: {
    name: "nodejs_eventloop_lag_p99_seconds",
    type: "gauge",
    help: "The 99th percentile of the recorded event loop delays.",
    labelNames: [],
    source: "prom-client",
  },
} as const satisfies Record<string, ExternalMetricDefinition>;

/** Exporter and kubelet metrics, named exactly as the exporters publish them. */
export const EXTERNAL_METRICS = {
  up: {
    name: "up",
    type: "gauge",
    help: "1 when the last scrape of the target succeeded (synthesised by Prometheus).",
    labelNames: ["job", "instance"],
    source: "prometheus",
  },
  pgUp: {
    name: "pg_up",
    type: "gauge",
    help: "Whether the last scrape could connect to Postgres (1) or not (0).",
    labelNames: [],
    source: "postgres_exporter",
  },
  pgStatActivityCount: {
    name: "pg_stat_activity_count",
    type: "gauge",
    help: "Connections per database and state, from pg_stat_activity.",
    labelNames: ["datname", "state"],
    source: "postgres_exporter",
  },
  pgSettingsMaxConnections: {
    name: "pg_settings_max_connections",
    type: "gauge",
    help: "The max_connections server setting.",
    labelNames: [],
    source: "postgres_exporter",
  },
  redisUp: {
    name: "redis_up",
    type: "gauge",
    help: "Whether the exporter could reach Redis (1) or not (0).",
    labelNames: [],
    source: "redis_exporter",
  },
  redisMemoryUsedBytes: {
    name: "redis_memory_used_bytes",
    type: "gauge",
    help: "Memory Redis has allocated (INFO memory used_memory).",
    labelNames: [],
    source: "redis_exporter",
  },
  redisMemoryMaxBytes: {
    name: "redis_memory_max_bytes",
    type: "gauge",
    help: "The maxmemory setting; 0 when unlimited.",
    labelNames: [],
    source: "redis_exporter",
  },
  redisEvictedKeys: {
    name: "redis_evicted_keys_total",
    type: "counter",
    help: "Keys evicted because of maxmemory.",
    labelNames: [],
    source: "redis_exporter",
  },
  redisConnectedClients: {
    name: "redis_connected_clients",
    type: "gauge",
    help: "Client connections (INFO clients connected_clients).",
    labelNames: [],
    source: "redis_exporter",
  },
  cnpgCollectorUp: {
    name: "cnpg_collector_up",
    type: "gauge",
    help: "1 if PostgreSQL is up in this instance's pod, 0 otherwise (CloudNativePG instance manager).",
    labelNames: [],
    source: "cloudnative-pg",
  },
  cnpgReplicationLag: {
    name: "cnpg_pg_replication_lag",
    type: "gauge",
    help: "Seconds a standby's replay is behind the primary (0 on the primary and when fully replayed).",
    labelNames: [],
    source: "cloudnative-pg",
  },
  cnpgReplicationInRecovery: {
    name: "cnpg_pg_replication_in_recovery",
    type: "gauge",
    help: "1 on a standby (in recovery), 0 on the primary.",
    labelNames: [],
    source: "cloudnative-pg",
  },
  cnpgStreamingReplicas: {
    name: "cnpg_pg_replication_streaming_replicas",
    type: "gauge",
    help: "Standbys streaming from this instance (pg_stat_replication rows; meaningful on the primary).",
    labelNames: [],
    source: "cloudnative-pg",
  },
  // The archiver pair is CloudNativePG's default `pg_stat_archiver` query (cloudnative-pg v1.30.0
  // config/manager/default-monitoring.yaml: metrics last_archived_time and last_failed_time, both
  // COALESCE(..., -1), predicate "not in recovery" so only the primary reports), prefixed `cnpg_`.
  cnpgArchiverLastArchivedTime: {
    name: "cnpg_pg_stat_archiver_last_archived_time",
    type: "gauge",
    help: "Epoch of the last successful WAL archival (-1 if none); primary only.",
    labelNames: [],
    source: "cloudnative-pg",
  },
  cnpgArchiverLastFailedTime: {
    name: "cnpg_pg_stat_archiver_last_failed_time",
    type: "gauge",
    help: "Epoch of the last failed WAL archival (-1 if none); primary only.",
    labelNames: [],
    source: "cloudnative-pg",
  },
  cnpgBackends: {
    name: "cnpg_backends_total",
    type: "gauge",
    help: "Backends (pg_stat_activity rows) by database, user, application and state (CloudNativePG instance manager).",
    labelNames: ["datname", "usename", "application_name", "state"],
    source: "cloudnative-pg",
  },
  cnpgSetting: {
    name: "cnpg_pg_settings_setting",
    type: "gauge",
    help: "A numeric or boolean server setting (label `name`), e.g. max_connections (CloudNativePG instance manager).",
    labelNames: ["name"],
    source: "cloudnative-pg",
  },
  cnpgPoolerUp: {
    name: "cnpg_pgbouncer_up",
    type: "gauge",
    help: "1 if PgBouncer answers its Pooler pod's exporter, 0 otherwise (CloudNativePG Pooler, port 9127).",
    labelNames: [],
    source: "cloudnative-pg",
  },
  cnpgPoolerClientsActive: {
    name: "cnpg_pgbouncer_pools_cl_active",
    type: "gauge",
    help: "Client connections linked to a server connection (SHOW POOLS cl_active).",
    labelNames: ["database", "user"],
    source: "cloudnative-pg",
  },
  cnpgPoolerClientsWaiting: {
    name: "cnpg_pgbouncer_pools_cl_waiting",
    type: "gauge",
    help: "Client connections that sent a query and wait for a server connection (SHOW POOLS cl_waiting).",
    labelNames: ["database", "user"],
    source: "cloudnative-pg",
  },
  cnpgPoolerServersActive: {
    name: "cnpg_pgbouncer_pools_sv_active",
    type: "gauge",
    help: "Server connections linked to a client (SHOW POOLS sv_active).",
    labelNames: ["database", "user"],
    source: "cloudnative-pg",
  },
  cnpgPoolerMaxWait: {
    name: "cnpg_pgbouncer_pools_maxwait",
    type: "gauge",
    help: "Seconds the oldest queued client has waited for a server connection (SHOW POOLS maxwait).",
    labelNames: ["database", "user"],
    source: "cloudnative-pg",
  },
  barmanLastAvailableBackup: {
    name: "barman_cloud_cloudnative_pg_io_last_available_backup_timestamp",
    type: "gauge",
    help: "Unix time of the newest base backup in the object store (0 if none), from the Barman Cloud plugin via the instance manager.",
    labelNames: [],
    source: "barman-cloud-plugin",
  },
  containerMemoryWorkingSet: {
    name: "container_memory_working_set_bytes",
    type: "gauge",
    help: "Working set of a container: what the kubelet compares with the limit for OOM and eviction.",
    labelNames: ["namespace", "pod", "container"],
    source: "cadvisor",
  },
  containerSpecMemoryLimit: {
    name: "container_spec_memory_limit_bytes",
    type: "gauge",
    help: "Memory limit of a container; 0 when it has none.",
    labelNames: ["namespace", "pod", "container"],
    source: "cadvisor",
  },
  containerCpuUsage: {
    name: "container_cpu_usage_seconds_total",
    type: "counter",
    help: "CPU time consumed by a container.",
    labelNames: ["namespace", "pod", "container"],
    source: "cadvisor",
  },
  containerFsUsage: {
    name: "container_fs_usage_bytes",
    type: "gauge",
    help: "Bytes a container uses on its filesystems (writable layer, logs, emptyDir on the node disk).",
    labelNames: ["namespace", "pod", "container"],
    source: "cadvisor",
  },
} as const satisfies Record<string, ExternalMetricDefinition>;

/** Every catalogued metric, app and external. */
export const ALL_METRICS: readonly (MetricDefinition | ExternalMetricDefinition)[] = [
  ...Object.values(APP_METRICS),
  ...Object.values(PROCESS_METRICS),
  ...Object.values(EXTERNAL_METRICS),
];

/** The series names a metric exposes: a histogram's `_bucket`, `_sum` and `_count`, else its name. */
export function seriesNames(metric: MetricDefinition): string[] {
  if (metric.type !== "histogram") return [metric.name];
  return [`${metric.name}_bucket`, `${metric.name}_sum`, `${metric.name}_count`];
}

/** Every series name a PromQL expression may use (for checking rules and panels). */
export function knownSeriesNames(): Set<string> {
  return new Set(ALL_METRICS.flatMap(seriesNames));
}
