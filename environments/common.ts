import { CLUSTER_DNS_DEFAULTS, HTTP_PATHS } from "@mcp-stack/contract";

/**
 * Values every environment shares unless it says otherwise: pinned images and the reference's
 * Deployment settings (probes, rolling update, preStop, HPA behaviour). Kept in one place so an
 * image bump is one line; each environment file spreads these and overrides what differs.
 */

/** Pinned images (the reference's `latest` tags are replaced by versions; see docs/decisions.md). */
export const IMAGES = {
  postgres: "pgvector/pgvector:0.8.0-pg16",
  redis: "redis:7.4.2-alpine",
  redisExporter: "oliver006/redis_exporter:v1.67.0",
  prometheus: "prom/prometheus:v3.1.0",
  alertmanager: "prom/alertmanager:v0.28.0",
  grafana: "grafana/grafana:11.4.0",
  jaeger: "jaegertracing/jaeger:2.2.0",
  otelCollector: "otel/opentelemetry-collector-contrib:0.117.0",
} as const;

/** Probe timings of the reference Deployment (liveness 30/10/5/3, readiness 5/5/3/2). */
export const REFERENCE_PROBES = {
  // Liveness must not depend on the database, or a database outage restarts every pod; the reference
  // probes `/health` for both, we split them (docs/decisions.md).
  livenessProbe: {
    path: HTTP_PATHS.live,
    initialDelaySeconds: 30,
    periodSeconds: 10,
    timeoutSeconds: 5,
    failureThreshold: 3,
  },
  readinessProbe: {
    path: HTTP_PATHS.ready,
    initialDelaySeconds: 5,
    periodSeconds: 5,
    timeoutSeconds: 3,
    failureThreshold: 2,
  },
  preStopSleepSeconds: 10,
} as const;

/** The reference's RollingUpdate: surge one pod, never drop below the desired count. */
export const REFERENCE_ROLLING_UPDATE = { maxSurge: 1, maxUnavailable: 0 } as const;

/** The reference's HPA behaviour (prod): +50%/min after 60 s, −25%/min after 300 s. */
export const REFERENCE_HPA_BEHAVIOR = {
  scaleUp: {
    stabilizationWindowSeconds: 60,
    policies: [{ type: "Percent" as const, value: 50, periodSeconds: 60 }],
  },
  scaleDown: {
    stabilizationWindowSeconds: 300,
    policies: [{ type: "Percent" as const, value: 25, periodSeconds: 60 }],
  },
};

/** The reference's postgresql.conf tuning (Performance Tuning → Database Tuning). */
export const REFERENCE_POSTGRES_TUNING = {
  workMem: "64MB",
  maintenanceWorkMem: "512MB",
  maxConnections: 200,
  randomPageCost: 1.1,
  effectiveIoConcurrency: 200,
  walBuffers: "16MB",
  checkpointCompletionTarget: 0.9,
} as const;

/** The reference's Redis persistence (Backup and Recovery → Cache Persistence). */
export const REFERENCE_REDIS_PERSISTENCE = {
  rdbSaves: [
    { seconds: 900, changes: 1 },
    { seconds: 300, changes: 10 },
    { seconds: 60, changes: 10000 },
  ],
  aof: { enabled: true, fsync: "everysec" as const },
};

/**
 * Monitoring every environment starts with: bundled (the reference's design, so rendered output does
 * not change), with operator settings that fit a kube-prometheus-stack release named
 * `kube-prometheus-stack` in namespace `monitoring`. Its selectors default to `release: <release name>`,
 * so a release with another name needs `monitoring.operator.selectorLabels` set
 * (`pulumi config set --path mcp-stack:monitoring.operator.selectorLabels.release <name>`).
 */
export const REFERENCE_MONITORING = {
  mode: "bundled",
  operator: {
    namespace: "monitoring",
    prometheusPodSelector: { "app.kubernetes.io/name": "prometheus" },
    selectorLabels: { release: "kube-prometheus-stack" },
    cadvisorJob: "kubelet",
    dashboards: { namespace: "monitoring", labels: { grafana_dashboard: "1" } },
  },
} as const;

/** Cluster DNS as most clusters run it: kube-system's pods, and NodeLocal DNSCache where installed. */
export const REFERENCE_CLUSTER_DNS = {
  namespace: CLUSTER_DNS_DEFAULTS.namespace,
  addresses: [...CLUSTER_DNS_DEFAULTS.addresses],
};
