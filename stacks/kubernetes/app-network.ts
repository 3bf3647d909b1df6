import { APP_PORT, METRICS_PORT, SERVICE_NAME } from "../../app/src/contract.js";
import type { ResolvedEnvironment } from "../../environments/index.js";
import {
  type Flow,
  type NetworkPoliciesArgs,
  PGBOUNCER_PORT,
  POSTGRES_EXPORTER_PORT,
  POSTGRES_PORT,
  type PodGroup,
  REDIS_EXPORTER_PORT,
  REDIS_PORT,
  selectorLabels,
} from "../../infra/index.js";
import { OTLP_GRPC_PORT } from "./app-config.js";

/** Pod labels of the monitoring tier's pods (set by its owner), which policies here refer to. */
export const MONITORING_SELECTORS = {
  prometheus: { "app.kubernetes.io/name": "prometheus" },
  jaeger: { "app.kubernetes.io/name": "jaeger" },
  "otel-collector": { "app.kubernetes.io/name": "otel-collector" },
} as const;

const HTTPS = 443;

/**
 * The flows the app tier needs, and nothing else: ingress to the app; app → pooler or Postgres, Redis,
 * the trace collector and (for OpenAI and Sentry) HTTPS; Prometheus → app and exporters; PgBouncer,
 * exporter and backups → Postgres. DNS is added for every owned group by NetworkPolicies.
 */
export function appTierNetwork(env: ResolvedEnvironment): Omit<NetworkPoliciesArgs, "namespace"> {
  const db = env.database;
  const groups: PodGroup[] = [
    { name: SERVICE_NAME, selector: selectorLabels(SERVICE_NAME) },
    { name: "postgres", selector: selectorLabels("postgres") },
    { name: "postgres-exporter", selector: selectorLabels("postgres-exporter") },
  ];
  const flows: Flow[] = [
    { from: "any", to: SERVICE_NAME, port: APP_PORT },
    { from: "postgres-exporter", to: "postgres", port: POSTGRES_PORT },
  ];
  if (db.pooler.enabled) {
    groups.push({ name: "pgbouncer", selector: selectorLabels("pgbouncer") });
    flows.push({ from: SERVICE_NAME, to: "pgbouncer", port: PGBOUNCER_PORT });
    flows.push({ from: "pgbouncer", to: "postgres", port: POSTGRES_PORT });
  } else {
    flows.push({ from: SERVICE_NAME, to: "postgres", port: POSTGRES_PORT });
  }
  if (env.redis.enabled) {
    groups.push({ name: "redis", selector: selectorLabels("redis") });
    flows.push({ from: SERVICE_NAME, to: "redis", port: REDIS_PORT });
  }
  if (env.backups.enabled) {
    groups.push({ name: "postgres-backup", selector: selectorLabels("postgres-backup") });
    flows.push({ from: "postgres-backup", to: "postgres", port: POSTGRES_PORT });
  }
  const tracing = env.observability.tracing;
  if (tracing !== "none") {
    const collector = tracing === "jaeger" ? "jaeger" : "otel-collector";
    groups.push({ name: collector, selector: MONITORING_SELECTORS[collector], owned: false });
    flows.push({ from: SERVICE_NAME, to: collector, port: OTLP_GRPC_PORT });
  }
  if (env.prometheus.enabled) {
    groups.push({ name: "prometheus", selector: MONITORING_SELECTORS.prometheus, owned: false });
    flows.push({ from: "prometheus", to: SERVICE_NAME, port: METRICS_PORT });
    flows.push({ from: "prometheus", to: "postgres-exporter", port: POSTGRES_EXPORTER_PORT });
    if (env.redis.enabled) flows.push({ from: "prometheus", to: "redis", port: REDIS_EXPORTER_PORT });
  }
  const usesOpenAi = env.llm.embeddingProvider === "openai" || env.llm.answerProvider === "openai";
  if (usesOpenAi || env.observability.sentry.enabled) {
    // OpenAI and Sentry are outside the cluster; HTTPS only (cluster-internal ranges still need a rule).
    flows.push({ from: SERVICE_NAME, to: { name: "internet-https", cidr: "0.0.0.0/0" }, port: HTTPS });
  }
  return { groups, flows };
}
