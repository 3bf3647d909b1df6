import {
  APP_PORT,
  DATA_SERVICES,
  METRICS_PORT,
  OTLP_GRPC_PORT,
  POSTGRES_EXPORTER_PORT,
  POSTGRES_PORT,
  REDIS_EXPORTER_PORT,
  REDIS_PORT,
  SERVICE_NAME,
} from "@mcp-stack/contract";

import type { ResolvedEnvironment } from "../../environments/index.js";
import {
  API_SERVER,
  API_SERVER_PORTS,
  type ClusterDns,
  CNPG_METRICS_PORT,
  CNPG_OPERATOR_NAMESPACE,
  CNPG_POOLER_METRICS_PORT,
  CNPG_STATUS_PORT,
  cnpgClusterSelector,
  cnpgInstanceSelector,
  cnpgPoolerSelector,
  type ExternalTarget,
  type Flow,
  type NetworkPoliciesArgs,
  type PodGroup,
  selectorLabels,
} from "../../infra/index.js";
import { cnpgClusterName, STATEFULSET_POSTGRES_NAME } from "./database.js";

/** Pod labels of the monitoring tier's pods (set by its owner), which policies here refer to. */
export const MONITORING_SELECTORS = {
  prometheus: { "app.kubernetes.io/name": "prometheus" },
  jaeger: { "app.kubernetes.io/name": "jaeger" },
  "otel-collector": { "app.kubernetes.io/name": "otel-collector" },
} as const;

const HTTPS = 443;

interface DatabaseNetwork {
  readonly groups: PodGroup[];
  readonly flows: Flow[];
  /** Groups Prometheus scrapes, with their metrics port. */
  readonly scraped: [string, number][];
}

/**
 * The database engine's pods and flows. CloudNativePG: the app → the Poolers (or the instances), every
 * pod of the cluster (instances, Poolers, the operator's Jobs) → the instances' 5432 (streaming
 * replication, a join's base backup), instances ↔ instances' status port, the operator → the status
 * port, every pod of the cluster → the API server (their instance manager reads it) and the object store
 * (archiving, a recovery Job's restore). Statefulset: the app, the exporter and
 * the backup job → Postgres. External: the app → the configured ranges only.
 */
function databaseNetwork(env: ResolvedEnvironment): DatabaseNetwork {
  const db = env.database;
  if (db.engine === "external")
    return {
      groups: [],
      flows: (db.external?.egress ?? []).map((e) => ({
        from: SERVICE_NAME,
        toExternal: { name: "external-postgres", cidr: e.cidr },
        port: e.port,
      })),
      scraped: [],
    };
  if (db.engine === "statefulset") return statefulsetNetwork(env);
  return cloudNativePgNetwork(env);
}

/** The statefulset engine: the app, the exporter and the backup job → Postgres. */
function statefulsetNetwork(env: ResolvedEnvironment): DatabaseNetwork {
  const groups: PodGroup[] = [
    { name: "postgres", selector: selectorLabels(STATEFULSET_POSTGRES_NAME) },
    { name: "postgres-exporter", selector: selectorLabels(`${STATEFULSET_POSTGRES_NAME}-exporter`) },
  ];
  const flows: Flow[] = [
    { from: SERVICE_NAME, to: "postgres", port: POSTGRES_PORT },
    { from: "postgres-exporter", to: "postgres", port: POSTGRES_PORT },
  ];
  if (env.backups.enabled) {
    groups.push({ name: "postgres-backup", selector: selectorLabels("postgres-backup") });
    flows.push({ from: "postgres-backup", to: "postgres", port: POSTGRES_PORT });
  }
  return { groups, flows, scraped: [["postgres-exporter", POSTGRES_EXPORTER_PORT]] };
}

/** CloudNativePG: the instances, every pod of the cluster, the operator and the Poolers (databaseNetwork). */
function cloudNativePgNetwork(env: ResolvedEnvironment): DatabaseNetwork {
  const db = env.database;
  const cluster = cnpgClusterName(env);
  const instances = "postgres-instances";
  const clusterPods = "postgres-cluster";
  // CloudNativePG runs the instances and its Jobs as a ServiceAccount named after the cluster, each
  // Pooler as one named after the Pooler: the identities the mesh's policies name (cloudnative-pg
  // pkg/specs/jobs.go: ServiceAccountName: cluster.GetServiceAccountName()).
  const groups: PodGroup[] = [
    { name: instances, selector: cnpgInstanceSelector(cluster), serviceAccount: cluster },
    // Every pod of the cluster, above all the operator's Jobs (initdb, join, full-recovery, ...), which
    // carry cnpg.io/jobRole and no podRole, so no policy of the instances selects them.
    { name: clusterPods, selector: cnpgClusterSelector(cluster), serviceAccount: cluster },
  ];
  const operator = {
    name: "cnpg-operator",
    namespaceSelector: { "kubernetes.io/metadata.name": CNPG_OPERATOR_NAMESPACE },
    podSelector: { "app.kubernetes.io/name": "cloudnative-pg" },
  };
  const flows: Flow[] = [
    // A replica streams from the primary and a join Job's pg_basebackup clones it (cloudnative-pg
    // pkg/management/postgres/join.go ClonePgData), both on 5432; the Poolers are in the cluster too.
    { from: clusterPods, to: instances, port: POSTGRES_PORT },
    { from: instances, to: instances, port: CNPG_STATUS_PORT },
    // The operator calls the instance manager's status port (pkg/management/url/url.go StatusPort,
    // pkg/management/postgres/webserver/client/remote/instance.go). CloudNativePG's sample policy also
    // opens 5432 to it, but no operator code opens a PostgreSQL connection (internal/controller,
    // pkg/reconciler, pkg/resources), and 5432 would then accept plaintext at the mesh: not opened.
    { fromExternal: operator, to: instances, port: CNPG_STATUS_PORT },
    // Every pod of the cluster reads the API server: the instance manager, the Poolers' and the Jobs
    // ("Download the cluster definition from the API server": internal/cmd/manager/instance/join/cmd.go).
    ...API_SERVER_PORTS.map((port) => ({ from: clusterPods, toExternal: API_SERVER, port })),
  ];
  // The instances archive to the object store; a full-recovery Job restores from it.
  if (env.backups.enabled && env.backups.objectStore)
    flows.push({
      from: clusterPods,
      toExternal: { name: "object-store", cidr: "0.0.0.0/0" },
      port: objectStorePort(env.backups.objectStore.endpointUrl),
    });
  const scraped: [string, number][] = [[instances, CNPG_METRICS_PORT]];
  const poolers = db.pooler.enabled
    ? [
        ["postgres-pooler", `${cluster}-pooler`],
        ...(db.readReplica ? [["postgres-pooler-ro", `${cluster}-pooler-ro`]] : []),
      ]
    : [];
  for (const [group, pooler] of poolers as [string, string][]) {
    groups.push({ name: group, selector: cnpgPoolerSelector(pooler), serviceAccount: pooler });
    flows.push({ from: SERVICE_NAME, to: group, port: POSTGRES_PORT });
    flows.push({ from: group, to: instances, port: POSTGRES_PORT });
    scraped.push([group, CNPG_POOLER_METRICS_PORT]);
  }
  if (poolers.length === 0) flows.push({ from: SERVICE_NAME, to: instances, port: POSTGRES_PORT });
  return { groups, flows, scraped };
}

/** HTTPS unless the S3-compatible endpoint names another port. */
function objectStorePort(endpointUrl: string | undefined): number {
  if (!endpointUrl) return HTTPS;
  const url = new URL(endpointUrl);
  return url.port ? Number(url.port) : url.protocol === "http:" ? 80 : HTTPS;
}

/**
 * Who scrapes the namespace: the bundled Prometheus (a group in it), or with `monitoring.mode: operator`
 * the Operator's Prometheus in its own namespace (its namespace and pod labels from the model).
 */
function scrapingPrometheus(env: ResolvedEnvironment): string | ExternalTarget {
  if (env.monitoring.mode === "bundled") return "prometheus";
  const op = env.monitoring.operator;
  return {
    name: "prometheus",
    namespaceSelector: { "kubernetes.io/metadata.name": op.namespace },
    podSelector: op.prometheusPodSelector,
  };
}

/**
 * The flows the app tier needs, and nothing else: ingress to the app; the database engine's flows
 * (databaseNetwork); app → Redis (or a managed Redis's ranges), the trace collector and (for OpenAI and
 * Sentry) HTTPS; Prometheus → the app's metrics port and the exporters. DNS is added for every owned
 * group by NetworkPolicies.
 */
export function appTierNetwork(env: ResolvedEnvironment): Omit<NetworkPoliciesArgs, "namespace"> & {
  dns: ClusterDns;
} {
  const groups: PodGroup[] = [{ name: SERVICE_NAME, selector: selectorLabels(SERVICE_NAME) }];
  const flows: Flow[] = [{ from: "any", to: SERVICE_NAME, port: APP_PORT }];
  const db = databaseNetwork(env);
  groups.push(...db.groups);
  flows.push(...db.flows);
  const inClusterRedis = env.derived.redisInCluster;
  if (inClusterRedis) {
    groups.push({ name: DATA_SERVICES.redis, selector: selectorLabels(DATA_SERVICES.redis) });
    flows.push({ from: SERVICE_NAME, to: DATA_SERVICES.redis, port: REDIS_PORT });
  }
  if (env.derived.redisManaged)
    for (const e of env.redis.external?.egress ?? [])
      flows.push({ from: SERVICE_NAME, toExternal: { name: "external-redis", cidr: e.cidr }, port: e.port });
  const tracing = env.observability.tracing;
  if (tracing !== "none") {
    const collector = tracing === "jaeger" ? "jaeger" : "otel-collector";
    groups.push({ name: collector, selector: MONITORING_SELECTORS[collector], owned: false });
    flows.push({ from: SERVICE_NAME, to: collector, port: OTLP_GRPC_PORT });
  }
  if (env.prometheus.enabled) {
    const prometheus = scrapingPrometheus(env);
    if (typeof prometheus === "string")
      groups.push({ name: prometheus, selector: MONITORING_SELECTORS.prometheus, owned: false });
    const from = typeof prometheus === "string" ? { from: prometheus } : { fromExternal: prometheus };
    flows.push({ ...from, to: SERVICE_NAME, port: METRICS_PORT });
    for (const [to, port] of db.scraped) flows.push({ ...from, to, port });
    if (inClusterRedis) flows.push({ ...from, to: DATA_SERVICES.redis, port: REDIS_EXPORTER_PORT });
  }
  if (env.derived.usesOpenAi || env.observability.sentry.enabled) {
    // OpenAI and Sentry are outside the cluster; HTTPS only (cluster-internal ranges still need a rule).
    flows.push({
      from: SERVICE_NAME,
      toExternal: { name: "internet-https", cidr: "0.0.0.0/0" },
      port: HTTPS,
    });
  }
  return { groups, flows, dns: env.kubernetes.dns };
}
