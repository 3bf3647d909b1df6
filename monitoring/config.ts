import { SERVICE_NAME } from "@mcp-stack/contract";

/**
 * The one config object of the alert rules and the dashboard (like kubernetes-mixin's `_config`):
 * job selectors and thresholds. Thresholds and `for` durations of the seven reference alerts are the
 * reference's (`shared/reference/infrastructure.md`, "Alert Rules"); the others say why they are what
 * they are.
 */
export const MONITORING_CONFIG = {
  /** Scrape job names; the selectors below and prometheus-config.ts both read them. */
  jobs: {
    /** The app keeps the reference's job name, which is also its SERVICE_NAME. */
    app: SERVICE_NAME,
    /** The reference's names for the exporter jobs. */
    redis: "redis",
    postgres: "postgres",
    /** Container metrics from the kubelet's cAdvisor endpoint (memory alerts need them). */
    cadvisor: "kubernetes-cadvisor",
    /** CloudNativePG instance pods (exporter on 9187), discovered by their prometheus.io annotations. */
    cloudnativePg: "cloudnative-pg",
    /** CloudNativePG Pooler pods (PgBouncer's exporter on 9127), discovered the same way. */
    cloudnativePgPooler: "cloudnative-pg-pooler",
  },
  /** Team label of every alert (the reference's). */
  team: "backend",
  /** Where runbooks live; `<AlertName>.md` is appended, added to every alert in alerts/index.ts. */
  runbookBaseUrl: "docs/runbooks/",
  /** Evaluation interval of the rule groups (the reference's `interval: 30s`). */
  groupInterval: "30s",
  thresholds: {
    /** Reference: 5% of requests answered with a server error over 5 minutes. */
    errorRatio: 0.05,
    /** Reference: P95 above 2 s. */
    latencyP95Seconds: 2,
    /** Reference: pool use above 90% of DB_POOL_SIZE + DB_MAX_OVERFLOW. */
    dbPoolUseRatio: 0.9,
    /** Reference: hit ratio below 30% (the tuning target is > 60%; 30% means the cache barely helps). */
    cacheHitRatio: 0.3,
    /** Reference: working set above 85% of the limit; the kubelet OOM-kills at 100%. */
    memoryLimitRatio: 0.85,
    /** Reference: 100,000 tokens per hour (the budget is per hour, so the rule counts an hour's tokens). */
    llmTokensPerHour: 100_000,
    /**
     * Server connections in use as a share of max_connections. 80% leaves the reserved connections
     * (superuser, exporter, backups) room before clients are refused.
     */
    postgresConnectionRatio: 0.8,
    /**
     * Redis used memory as a share of maxmemory. Above 90% allkeys-lru evicts constantly, and the cache
     * hit ratio falls with it.
     */
    redisMemoryRatio: 0.9,
    /**
     * Standby replay lag in seconds. Replica reads (DATABASE_REPLICA_URL) tolerate seconds of
     * staleness, not half a minute, and a lagging standby makes a failover slower.
     */
    cnpgReplicationLagSeconds: 30,
    /**
     * Age of the newest base backup. A daily schedule leaves at most 24 h plus the backup's own run
     * time; 2 h on top means one scheduled backup was missed or failed.
     */
    cnpgBackupMaxAgeSeconds: 26 * 3600,
    /**
     * Seconds the oldest client has queued in a Pooler for a server connection. Transaction pooling
     * hands a server connection over in milliseconds; a client queued for a second means every server
     * connection of the pool is busy (default_pool_size too small, or Postgres itself slow).
     */
    cnpgPoolerMaxWaitSeconds: 1,
  },
  /** `for` durations: the reference's for its seven alerts, reasons for the rest. */
  for: {
    highErrorRate: "5m",
    serviceDown: "1m",
    dbPoolExhausted: "5m",
    highLatency: "10m",
    lowCacheHitRate: "15m",
    highMemoryUsage: "10m",
    highLlmTokenUsage: "1h",
    /** A job without targets blinds every other alert on it; 5 m rides out a rollout of the scraper. */
    targetsMissing: "5m",
    /** Like ServiceDown: one failed scrape is noise, a minute of them is an outage. */
    dataTierDown: "1m",
    /** Connection and memory pressure build up; 5 m avoids paging on a batch job's burst. */
    dataTierSaturation: "5m",
    /** A replica restarting in a rolling update reconnects within a minute or two; 5 m is a real gap. */
    cnpgReplicas: "5m",
    /** Lag spikes during a bulk load or VACUUM; 5 m of it is a standby that cannot keep up. */
    cnpgReplicationLag: "5m",
    /** The archiver retries every segment; 5 m of failures means WAL piles up in pg_wal on disk. */
    cnpgArchiving: "5m",
    /** The age only grows; 15 m rides out the metric's refresh after a backup completes. */
    cnpgBackupAge: "15m",
    /** Like the app's pool alert: a burst queues briefly, 5 m of queueing is a pool too small. */
    cnpgPoolerWait: "5m",
  },
  /** Rate windows. */
  windows: {
    /** Reference windows: 5 m for errors and latency, 10 m for the cache ratio, 1 h for tokens. */
    errors: "5m",
    latency: "5m",
    cache: "10m",
    llmTokens: "1h",
    /**
     * Dashboard rates: Grafana's `$__rate_interval` (at least 4 × the scrape interval, so one missed
     * scrape does not blank a panel, and wider when zoomed out). Tests substitute 1m before promtool.
     */
    dashboard: "$__rate_interval",
  },
} as const;

export type MonitoringConfig = typeof MONITORING_CONFIG;
