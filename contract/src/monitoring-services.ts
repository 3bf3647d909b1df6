import { OTLP_GRPC_PORT, OTLP_HTTP_PORT, POSTGRES_EXPORTER_PORT, REDIS_EXPORTER_PORT } from "./service.js";

/**
 * Names and ports of the monitoring services and of the exporters they scrape. The exporter Services
 * belong to the app tier (infra/k8s); their names here must match the ones it creates.
 */
export const MONITORING_SERVICES = {
  prometheus: { name: "prometheus", port: 9090 },
  alertmanager: { name: "alertmanager", port: 9093 },
  grafana: { name: "grafana" },
  jaeger: {
    name: "jaeger",
    ports: {
      ui: 16686,
      otlpGrpc: OTLP_GRPC_PORT,
      otlpHttp: OTLP_HTTP_PORT,
      agentCompact: 6831,
      zipkin: 9411,
      health: 13133,
    },
  },
  otelCollector: {
    name: "otel-collector",
    ports: { otlpGrpc: OTLP_GRPC_PORT, otlpHttp: OTLP_HTTP_PORT, health: 13133 },
  },
  redisExporter: { name: "redis-exporter", port: REDIS_EXPORTER_PORT },
  postgresExporter: { name: "postgres-exporter", port: POSTGRES_EXPORTER_PORT },
} as const;

/**
 * The tracing backend generated files and rendered manifests show for prod, whose real one is stack
 * config: `.invalid` never resolves, so nothing is ever exported to it by accident.
 */
export const EXAMPLE_TRACING_BACKEND = `otlp.example.invalid:${OTLP_GRPC_PORT}`;

/** Paths inside the Prometheus and Alertmanager containers (the reference's /etc/prometheus layout). */
export const MONITORING_PATHS = {
  prometheusConfigDir: "/etc/prometheus",
  prometheusConfig: "/etc/prometheus/prometheus.yml",
  /** The reference's `rule_files: ['/etc/prometheus/alerts/*.yml']`. */
  prometheusRulesDir: "/etc/prometheus/alerts",
  prometheusData: "/prometheus",
  serviceAccountDir: "/var/run/secrets/kubernetes.io/serviceaccount",
  alertmanagerConfigDir: "/etc/alertmanager",
  alertmanagerConfig: "/etc/alertmanager/alertmanager.yml",
  /** Where the alertReceiver Secret is mounted; the config refers to the file, never the value. */
  alertmanagerSecretDir: "/etc/alertmanager/secrets",
  alertmanagerSecretKey: "alert-receiver",
  alertmanagerData: "/alertmanager",
  otelCollectorConfigDir: "/etc/otelcol",
  otelCollectorConfig: "/etc/otelcol/config.yaml",
} as const;
