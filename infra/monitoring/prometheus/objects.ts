import {
  DATA_SERVICES,
  METRICS_PORT,
  MONITORING_PATHS as P,
  MONITORING_SERVICES as S,
  SERVICE_NAME,
} from "@mcp-stack/contract";
import { k8s as kube } from "cdk8s-plus-28";
import { API_SERVER, API_SERVER_PORTS, type NetworkFlows, namedPeer } from "../../k8s/lib/flows.js";
import { type KubeObject, synth } from "../../k8s/lib/manifests.js";
import { monitoringGroup, monitoringNetworkPolicy } from "../lib/network-policy.js";
import { MONITORING_RESOURCES } from "../lib/resources.js";
import { addWorkload, checksum, httpProbe, imageTag, monitoringLabels, newChart } from "../lib/workload.js";
import { PROMETHEUS_DEFAULTS, type PrometheusArgs } from "./args.js";

/**
 * The prom/prometheus image's own user, nobody (65534): ≥ 10000, so no exception. It writes only to
 * --storage.tsdb.path, a PVC made writable by fsGroup.
 */
export const PROMETHEUS_UID = 65534;

/**
 * The cluster-wide read Prometheus's ServiceAccount needs for service discovery and the
 * kubelet's cAdvisor metrics.
 */
function addDiscoveryIdentity(
  chart: ReturnType<typeof newChart>,
  name: string,
  ns: string,
  labels: Record<string, string>,
): void {
  // The ServiceAccount itself is the workload's (addWorkload); this is what it may read.
  // Cluster-scoped, so named after the namespace: staging and prod may share a cluster.
  const roleName = `${name}-${ns}`;
  new kube.KubeClusterRole(chart, "role", {
    metadata: { name: roleName, labels },
    rules: [
      // cAdvisor through the API server's node proxy.
      {
        apiGroups: [""],
        resources: ["nodes", "nodes/metrics", "nodes/proxy"],
        verbs: ["get", "list", "watch"],
      },
      // Pod service discovery (the app job); endpoints/services for future endpoint-role jobs.
      { apiGroups: [""], resources: ["pods", "endpoints", "services"], verbs: ["get", "list", "watch"] },
    ],
  });
  new kube.KubeClusterRoleBinding(chart, "binding", {
    metadata: { name: roleName, labels },
    roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: roleName },
    subjects: [{ kind: "ServiceAccount", name, namespace: ns }],
  });
}

/**
 * Prometheus's objects: ServiceAccount and cluster RBAC for service discovery and the kubelet's
 * cAdvisor endpoint, ConfigMaps for prometheus.yml and the rules, PVC, Deployment, Service and
 * (unless networkPolicies is false) its NetworkPolicy. A plain function so tests need no stack.
 */
export function prometheusObjects(args: PrometheusArgs): KubeObject[] {
  const d = PROMETHEUS_DEFAULTS;
  const ns = args.namespace;
  const chart = newChart("prometheus");
  const name = S.prometheus.name;
  const instance = args.instance ?? d.instance;
  const labels = monitoringLabels(name, imageTag(args.image), instance);
  const config = args.config;
  const rules = args.rules ?? {};

  addDiscoveryIdentity(chart, name, ns, labels);
  new kube.KubeConfigMap(chart, "config", {
    metadata: { name: `${name}-config`, namespace: ns, labels },
    data: { "prometheus.yml": config },
  });
  new kube.KubeConfigMap(chart, "rules", {
    metadata: { name: `${name}-rules`, namespace: ns, labels },
    data: rules,
  });
  addWorkload(chart, {
    name,
    instance,
    namespace: ns,
    image: args.image,
    uid: PROMETHEUS_UID,
    // SECURITY EXCEPTION (listed in test/stacks/kubernetes/security.test.ts): the token is mounted
    // because Prometheus calls the API server for kubernetes_sd_configs (pod discovery) and the
    // cAdvisor node proxy; its ClusterRole grants only get/list/watch on those resources. Every
    // other pod runs without a token.
    mountApiToken: true,
    args: [
      `--config.file=${P.prometheusConfig}`,
      `--storage.tsdb.path=${P.prometheusData}`,
      `--storage.tsdb.retention.time=${args.retention ?? d.retention}`,
    ],
    ports: [{ name: "http", port: S.prometheus.port }],
    resources: MONITORING_RESOURCES.prometheus,
    // Liveness: the process serves HTTP. Readiness: the TSDB is loaded and queries work (WAL replay
    // can take minutes, during which the pod must not be killed).
    livenessProbe: httpProbe("/-/healthy", S.prometheus.port, {
      periodSeconds: 15,
      failureThreshold: 4,
      initialDelaySeconds: 30,
    }),
    readinessProbe: httpProbe("/-/ready", S.prometheus.port, { periodSeconds: 5, failureThreshold: 3 }),
    volumes: [
      {
        // One projected volume: nested ConfigMap mounts under /etc/prometheus would need a writable parent.
        volume: {
          name: "config",
          projected: {
            sources: [
              { configMap: { name: `${name}-config` } },
              {
                configMap: {
                  name: `${name}-rules`,
                  items: Object.keys(rules).map((f) => ({ key: f, path: `alerts/${f}` })),
                },
              },
            ],
          },
        },
        mountPath: P.prometheusConfigDir,
      },
    ],
    pvc: {
      size: args.storage ?? d.storage,
      mountPath: P.prometheusData,
      storageClass: args.storageClass,
    },
    podLabels: args.podLabels,
    annotations: { ...args.podAnnotations, "checksum/config": checksum(config, ...Object.values(rules)) },
  });
  const policy =
    (args.networkPolicies ?? d.networkPolicies)
      ? monitoringNetworkPolicy(ns, name, prometheusFlows(), args.dns)
      : [];
  return [...synth(chart), ...policy];
}

/**
 * Prometheus's flows: Grafana queries it; it scrapes the app's metrics port and the exporters (Redis's
 * runs in the Redis pod), sends alerts to Alertmanager and reaches the API server (service discovery, the
 * cAdvisor proxy). Scrape targets the app tier adds (CloudNativePG's) are opened by the app tier.
 */
export function prometheusFlows(): NetworkFlows {
  const name = S.prometheus.name;
  const peers = [
    S.grafana.name,
    SERVICE_NAME,
    DATA_SERVICES.redis,
    S.postgresExporter.name,
    S.alertmanager.name,
  ];
  return {
    // Each workload opens its own side only; the far side is its peer's (the app tier's) to open.
    peerPolicies: false,
    groups: [monitoringGroup(name), ...peers.map(namedPeer)],
    flows: [
      { from: S.grafana.name, to: name, port: S.prometheus.port },
      { from: name, to: SERVICE_NAME, port: METRICS_PORT },
      { from: name, to: DATA_SERVICES.redis, port: S.redisExporter.port },
      { from: name, to: S.postgresExporter.name, port: S.postgresExporter.port },
      { from: name, to: S.alertmanager.name, port: S.alertmanager.port },
      ...API_SERVER_PORTS.map((port) => ({ from: name, toExternal: API_SERVER, port })),
    ],
  };
}
