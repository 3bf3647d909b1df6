import {
  CNPG_POD_LABELS,
  CNPG_POD_ROLES,
  HTTP_PATHS,
  MONITORING_PATHS as P,
  MONITORING_SERVICES as S,
  SERVICE_NAME,
  EXTERNAL_METRICS as X,
} from "@mcp-stack/contract";
import { MONITORING_CONFIG as C } from "./config.js";
import type { PrometheusTargets } from "./monitored-deployment.js";

type Json = Record<string, unknown>;

const sa = P.serviceAccountDir;
// Label of the app's pods that the app tier sets (coordinated by label, not by import).
const APP_NAME_LABEL = "__meta_kubernetes_pod_label_app_kubernetes_io_name";
const annotation = (name: string) => `__meta_kubernetes_pod_annotation_prometheus_io_${name}`;

/**
 * The relabelling every per-pod job shares: running pods only, the address from the pod's
 * `prometheus.io/port` annotation, and namespace / pod / instance labels from the pod.
 */
function perPodRelabels(): Json[] {
  return [
    // Completed pods keep their IP in the API for a while; their address may belong to a new pod.
    { source_labels: ["__meta_kubernetes_pod_phase"], action: "drop", regex: "Pending|Succeeded|Failed" },
    { source_labels: ["__meta_kubernetes_pod_container_init"], action: "drop", regex: "true" },
    {
      source_labels: ["__address__", annotation("port")],
      action: "replace",
      regex: "([^:]+)(?::\\d+)?;(\\d+)",
      replacement: "$1:$2",
      target_label: "__address__",
    },
    { source_labels: ["__meta_kubernetes_namespace"], target_label: "namespace" },
    { source_labels: ["__meta_kubernetes_pod_name"], target_label: "pod" },
    // The pod name is what on-call looks up with kubectl; the reference also strips the port.
    { source_labels: ["__meta_kubernetes_pod_name"], target_label: "instance" },
  ];
}

/**
 * The app, one target per pod. The reference's static `mcp-backend:8000` goes through the Service,
 * which picks a random pod per scrape: counters jump between pods and rate() turns to noise. Pods are
 * discovered in the environment's namespace only and scraped as their prometheus.io/* annotations say.
 */
function appJob(namespace: string): Json {
  return {
    job_name: C.jobs.app,
    metrics_path: HTTP_PATHS.metrics,
    kubernetes_sd_configs: [{ role: "pod", namespaces: { names: [namespace] } }],
    relabel_configs: [
      { source_labels: [annotation("scrape")], action: "keep", regex: "true" },
      { source_labels: [APP_NAME_LABEL], action: "keep", regex: SERVICE_NAME },
      {
        source_labels: [annotation("path")],
        action: "replace",
        regex: "(.+)",
        target_label: "__metrics_path__",
      },
      ...perPodRelabels(),
    ],
  };
}

/** A CloudNativePG pod role: `instance` (PostgreSQL) or `pooler` (PgBouncer); both carry cnpg.io/cluster. */
type CnpgPodRole = (typeof CNPG_POD_ROLES)[keyof typeof CNPG_POD_ROLES];

/** The discovery label of a pod label: Prometheus turns every character not allowed in a name into `_`. */
const podLabel = (label: string) => `__meta_kubernetes_pod_label_${label.replace(/[^a-zA-Z0-9_]/g, "_")}`;

function cnpgPodJob(jobName: string, namespace: string, role: CnpgPodRole): Json {
  return {
    job_name: jobName,
    kubernetes_sd_configs: [{ role: "pod", namespaces: { names: [namespace] } }],
    relabel_configs: [
      { source_labels: [annotation("scrape")], action: "keep", regex: "true" },
      { source_labels: [podLabel(CNPG_POD_LABELS.podRole)], action: "keep", regex: role },
      ...perPodRelabels(),
    ],
  };
}

/**
 * CloudNativePG instance pods, one target per pod, on the port their `prometheus.io/port` annotation
 * names (9187, set by CloudNativePgDatabase through `inheritedMetadata`). Only pods whose
 * `cnpg.io/podRole` is `instance` are kept: Pooler pods carry the same cluster label. In prometheus.yml
 * when the engine is cloudnative-pg.
 */
export function cloudNativePgJob(namespace: string): Json {
  return cnpgPodJob(C.jobs.cloudnativePg, namespace, CNPG_POD_ROLES.instance);
}

/**
 * CloudNativePG Pooler pods (PgBouncer's exporter on 9127, annotated by the Pooler's pod template; a
 * Pooler does not inherit the Cluster's metadata), one target per pod.
 */
export function cloudNativePgPoolerJob(namespace: string): Json {
  return cnpgPodJob(C.jobs.cloudnativePgPooler, namespace, CNPG_POD_ROLES.pooler);
}

/** Container metrics of the namespace from every kubelet, through the API server's node proxy. */
function cadvisorJob(namespace: string): Json {
  const kept = [
    X.containerMemoryWorkingSet,
    X.containerSpecMemoryLimit,
    X.containerCpuUsage,
    X.containerFsUsage,
  ];
  return {
    job_name: C.jobs.cadvisor,
    scheme: "https",
    kubernetes_sd_configs: [{ role: "node" }],
    tls_config: { ca_file: `${sa}/ca.crt` },
    authorization: { credentials_file: `${sa}/token` },
    relabel_configs: [
      { target_label: "__address__", replacement: "kubernetes.default.svc:443" },
      {
        source_labels: ["__meta_kubernetes_node_name"],
        regex: "(.+)",
        target_label: "__metrics_path__",
        replacement: "/api/v1/nodes/$1/proxy/metrics/cadvisor",
      },
      // Every node shares the API server address, so instance would not tell them apart.
      { source_labels: ["__meta_kubernetes_node_name"], target_label: "instance" },
    ],
    // A kubelet reports every container of the node; only this namespace and the alerted/panelled
    // series are stored.
    metric_relabel_configs: [
      { source_labels: ["namespace"], action: "keep", regex: namespace },
      { source_labels: ["__name__"], action: "keep", regex: kept.map((m) => m.name).join("|") },
    ],
  };
}

function staticJob(job: string, target: string): Json {
  return { job_name: job, static_configs: [{ targets: [target] }] };
}

/** prometheus.yml of a deployment. */
export function prometheusConfig(t: PrometheusTargets): Json {
  const ns = t.namespace;
  // A managed Redis or Postgres (engine external) is watched by its provider, not scraped here.
  const exporters = [
    ...(t.redis ? [staticJob(C.jobs.redis, `${S.redisExporter.name}:${S.redisExporter.port}`)] : []),
    ...(t.postgres === "statefulset"
      ? [staticJob(C.jobs.postgres, `${S.postgresExporter.name}:${S.postgresExporter.port}`)]
      : []),
    ...(t.postgres === "cloudnative-pg" ? [cloudNativePgJob(ns)] : []),
    ...(t.postgres === "cloudnative-pg" && (t.cloudNativePgPoolers ?? true)
      ? [cloudNativePgPoolerJob(ns)]
      : []),
  ];
  return {
    global: {
      scrape_interval: t.scrapeInterval,
      evaluation_interval: t.evaluationInterval,
      external_labels: { cluster: t.externalLabels.cluster, environment: t.externalLabels.environment },
    },
    rule_files: [`${P.prometheusRulesDir}/*.yml`],
    alerting: {
      alertmanagers: [{ static_configs: [{ targets: [`${S.alertmanager.name}:${S.alertmanager.port}`] }] }],
    },
    scrape_configs: [appJob(ns), ...exporters, cadvisorJob(ns)],
  };
}
