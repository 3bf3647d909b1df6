import {
  METRICS_PORT,
  MONITORING_PATHS as P,
  MONITORING_SERVICES as S,
  SERVICE_NAME,
} from "@mcp-stack/contract";
import * as pulumi from "@pulumi/pulumi";
import { k8s as kube } from "cdk8s-plus-28";
import type { Environment } from "../../environments/index.js";
import { MONITORING_RESOURCES } from "../../monitoring/index.js";
import { prometheusYaml, rulesYaml } from "../../monitoring/render.js";
import { type KubeObject, registerObjects, synth } from "../k8s/manifests.js";
import { addWorkload, checksum, httpProbe, instanceName, newChart, workloadLabels } from "./kube.js";
import { addNetworkPolicy, DNS_EGRESS } from "./network-policies.js";

/**
 * The prom/prometheus image's own user, nobody (65534): ≥ 10000, so no exception. It writes only to
 * --storage.tsdb.path, a PVC made writable by fsGroup.
 */
export const PROMETHEUS_UID = 65534;

export interface PrometheusArgs {
  /** The environment: prometheus.*, redis.enabled, kubernetes.namespace/networkPolicies/storageClass. */
  readonly env: Environment;
  /** The namespace Output, so the objects wait for the namespace. Defaults to env.kubernetes.namespace. */
  readonly namespace?: pulumi.Input<string>;
}

/**
 * Prometheus's objects: ServiceAccount and cluster RBAC for service discovery and the kubelet's
 * cAdvisor endpoint, ConfigMaps for prometheus.yml and the rules, PVC, Deployment, Service and
 * (when env.kubernetes.networkPolicies) its NetworkPolicy. A plain function so tests need no stack.
 */
export function prometheusObjects(env: Environment): KubeObject[] {
  const ns = env.kubernetes.namespace;
  const chart = newChart("prometheus");
  const name = S.prometheus.name;
  const labels = workloadLabels(name, env.prometheus.image, env.name);
  const config = prometheusYaml(env);
  const rules = rulesYaml(env);

  new kube.KubeServiceAccount(chart, "sa", {
    metadata: { name, namespace: ns, labels },
    automountServiceAccountToken: false,
  });
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
    instance: instanceName(name, env.name),
    namespace: ns,
    image: env.prometheus.image,
    uid: PROMETHEUS_UID,
    serviceAccountName: name,
    // SECURITY EXCEPTION (listed in test/stacks/kubernetes/security.test.ts): the token is mounted
    // because Prometheus calls the API server for kubernetes_sd_configs (pod discovery) and the
    // cAdvisor node proxy; its ClusterRole grants only get/list/watch on those resources. Every
    // other pod runs without a token.
    mountApiToken: true,
    args: [
      `--config.file=${P.prometheusConfig}`,
      `--storage.tsdb.path=${P.prometheusData}`,
      `--storage.tsdb.retention.time=${env.prometheus.retention}`,
    ],
    ports: [{ name: "http", port: S.prometheus.port }],
    resources: MONITORING_RESOURCES.prometheus,
    // Liveness: the process serves HTTP. Readiness: the TSDB is loaded and queries work (WAL replay
    // can take minutes, during which the pod must not be killed).
    livenessProbe: { ...httpProbe("/-/healthy", S.prometheus.port, 15, 4), initialDelaySeconds: 30 },
    readinessProbe: httpProbe("/-/ready", S.prometheus.port, 5, 3),
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
      size: env.prometheus.storage,
      mountPath: P.prometheusData,
      storageClass: env.kubernetes.storageClass,
    },
    annotations: { "checksum/config": checksum(config, ...Object.values(rules)) },
  });
  if (env.kubernetes.networkPolicies) {
    addNetworkPolicy(chart, ns, {
      name,
      ingress: [{ peer: "grafana", ports: [S.prometheus.port] }],
      egress: [
        { peer: SERVICE_NAME, ports: [METRICS_PORT] },
        { peer: S.redisExporter.name, ports: [S.redisExporter.port] },
        { peer: S.postgresExporter.name, ports: [S.postgresExporter.port] },
        { peer: S.alertmanager.name, ports: [S.alertmanager.port] },
        // The API server (service discovery, cAdvisor proxy) is not a pod: only an ipBlock reaches it.
        { peer: "any", ports: [443, 6443] },
        DNS_EGRESS,
      ],
    });
  }
  return synth(chart);
}

/** Replace the namespace string with the namespace Output, so every object waits for the namespace. */
export function namespacePatch(namespace: pulumi.Input<string> | undefined) {
  return (obj: KubeObject): pulumi.Inputs =>
    namespace === undefined || obj.metadata.namespace === undefined
      ? obj
      : { ...obj, metadata: { ...obj.metadata, namespace } };
}

/** Prometheus of an environment (env.prometheus), scraping the app per pod. */
export class Prometheus extends pulumi.ComponentResource {
  /** In-cluster URL of the Prometheus API. */
  public readonly url: pulumi.Output<string>;

  constructor(name: string, args: PrometheusArgs, opts?: pulumi.ComponentResourceOptions) {
    super("mcp-stack:infra:Prometheus", name, {}, opts);
    registerObjects(prometheusObjects(args.env), { parent: this, patch: namespacePatch(args.namespace) });
    this.url = pulumi.output(`http://${S.prometheus.name}:${S.prometheus.port}`);
    this.registerOutputs({ url: this.url });
  }
}
