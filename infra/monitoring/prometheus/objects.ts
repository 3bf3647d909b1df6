import {
  DATA_SERVICES,
  METRICS_PORT,
  MONITORING_PATHS as P,
  MONITORING_SERVICES as S,
  SERVICE_NAME,
} from "@mcp-stack/contract";
import * as pulumi from "@pulumi/pulumi";
import { k8s as kube } from "cdk8s-plus-28";
import {
  API_SERVER,
  API_SERVER_PORTS,
  type ClusterDns,
  type NetworkFlows,
  namedPeer,
} from "../../k8s/lib/flows.js";
import { isPinnedImage } from "../../k8s/lib/kube-parts.js";
import { type KubeObject, registerObjects, synth } from "../../k8s/lib/manifests.js";
import { assertValid, namespacePatch } from "../../k8s/lib/register.js";
import { componentOptions, componentType } from "../../lib/component-type.js";
import { monitoringGroup, monitoringNetworkPolicy } from "../lib/network-policy.js";
import { MONITORING_RESOURCES } from "../lib/resources.js";
import { addWorkload, checksum, httpProbe, imageTag, monitoringLabels, newChart } from "../lib/workload.js";

/**
 * The prom/prometheus image's own user, nobody (65534): ≥ 10000, so no exception. It writes only to
 * --storage.tsdb.path, a PVC made writable by fsGroup.
 */
export const PROMETHEUS_UID = 65534;

/** Defaults of PrometheusArgs (pinned by test/infra/monitoring/prometheus/objects.test.ts). */
export const PROMETHEUS_DEFAULTS = {
  retention: "15d",
  storage: "10Gi",
  networkPolicies: true,
  instance: "prometheus",
} as const;

/** Prometheus as a building block: plain values, no environment model (stacks/ maps the model to these). */
export interface PrometheusArgs {
  /**
   * Namespace of every object. Prometheus discovers the app's pods there, and its ClusterRole is named
   * `prometheus-<namespace>` so two namespaces can share a cluster.
   */
  readonly namespace: string;
  /**
   * The same namespace as an Output (a Namespace resource's name), so every object waits for it.
   * Defaults to `namespace` as a plain string (no dependency).
   */
  readonly namespaceRef?: pulumi.Input<string>;
  /** Pinned Prometheus image, e.g. `prom/prometheus:v3.5.0`. */
  readonly image: string;
  /** The prometheus.yml to run, e.g. `prometheusYaml()` of mcp-stack/monitoring. */
  readonly config: string;
  /** Rule files by file name, mounted under /etc/prometheus/alerts. Defaults to none. */
  readonly rules?: Record<string, string>;
  /** `--storage.tsdb.retention.time`. Defaults to "15d". */
  readonly retention?: string;
  /** Size of the TSDB's PersistentVolumeClaim. Defaults to "10Gi". */
  readonly storage?: string;
  /** StorageClass of that claim. Defaults to the cluster's default class. */
  readonly storageClass?: string;
  /**
   * Add Prometheus's NetworkPolicy (ingress from Grafana; egress to the app's metrics port, the exporters,
   * Alertmanager, the API server and DNS). Defaults to true.
   */
  readonly networkPolicies?: boolean;
  /**
   * Where the NetworkPolicy lets DNS lookups go: the DNS pods' namespace and addresses that are no pod
   * (NodeLocal DNSCache). Defaults to kube-system and 169.254.20.10/32.
   */
  readonly dns?: ClusterDns;
  /** `app.kubernetes.io/instance`. Defaults to "prometheus". */
  readonly instance?: string;
  /**
   * More labels on its pod template, e.g. `sidecar.istio.io/inject: "false"` to keep it off a service
   * mesh. Defaults to none.
   */
  readonly podLabels?: Record<string, string>;
  /**
   * More annotations on its pod template, e.g. `linkerd.io/inject: disabled` to keep it off a service
   * mesh. Defaults to none.
   */
  readonly podAnnotations?: Record<string, string>;
}

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

const RULES_FILE = /^[A-Za-z0-9._-]+\.ya?ml$/;
const DURATION = /^(\d+(ms|s|m|h|d|w|y))+$/;

/** Invariants of {@link PrometheusArgs}; [] when valid. */
export function validatePrometheusArgs(args: PrometheusArgs): string[] {
  const issues: string[] = [];
  if (!isPinnedImage(args.image))
    issues.push(`image "${args.image}" must be pinned to a version (not latest)`);
  if (args.config.trim() === "") issues.push("config is empty: give the prometheus.yml to run");
  for (const file of Object.keys(args.rules ?? {}))
    if (!RULES_FILE.test(file)) issues.push(`rules.${file} must be a file name ending in .yml`);
  if (args.retention !== undefined && !DURATION.test(args.retention))
    issues.push(`retention "${args.retention}" must be a Prometheus duration such as 15d`);
  return issues;
}

/** Prometheus with the given config and rules, on a PVC, scraping through Kubernetes service discovery. */
export class Prometheus extends pulumi.ComponentResource {
  /** In-cluster URL of the Prometheus API. */
  public readonly url: pulumi.Output<string>;

  constructor(name: string, args: PrometheusArgs, opts?: pulumi.ComponentResourceOptions) {
    super(componentType("Prometheus"), name, {}, componentOptions("Prometheus", opts));
    assertValid("Prometheus", validatePrometheusArgs(args));
    registerObjects(prometheusObjects(args), { parent: this, patch: namespacePatch(args.namespaceRef) });
    this.url = pulumi.output(`http://${S.prometheus.name}:${S.prometheus.port}`);
    this.registerOutputs({ url: this.url });
  }
}
