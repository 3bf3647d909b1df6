import { MONITORING_SERVICES as S } from "@mcp-stack/contract";
import { k8s as kube } from "cdk8s-plus-28";
import { ANY, type NetworkFlows, namedPeer } from "../../k8s/lib/flows.js";
import type { SecretKeyRef } from "../../k8s/lib/kube-parts.js";
import { type KubeObject, synth } from "../../k8s/lib/manifests.js";
import { monitoringGroup, monitoringNetworkPolicy } from "../lib/network-policy.js";
import { MONITORING_RESOURCES } from "../lib/resources.js";
import {
  addWorkload,
  checksum,
  httpProbe,
  imageTag,
  monitoringLabels,
  newChart,
  scratch,
  tcpProbe,
  type WorkloadSpec,
} from "../lib/workload.js";
import { GRAFANA_DEFAULTS, type GrafanaArgs } from "./args.js";

/**
 * Grafana runs as 10472, not the image's 472, so no exception to UID ≥ 10000 is needed. The image is
 * built for arbitrary users (OpenShift): since Grafana 7.3 its user is in group 0 and its Dockerfile
 * makes the writable paths (GF_PATHS_DATA /var/lib/grafana, GF_PATHS_PLUGINS /var/lib/grafana/plugins,
 * GF_PATHS_LOGS /var/log/grafana, GF_PATHS_PROVISIONING) mode 777, with /usr/share/grafana and
 * /etc/grafana/grafana.ini world-readable. Here the root filesystem is read-only anyway, so every path
 * it writes is a volume: /var/lib/grafana (and the plugins dir under it) on the PVC, writable through
 * fsGroup 10472, and emptyDirs for /var/log/grafana and /tmp. A PVC written by an earlier 472 pod is
 * re-grouped to 10472 (group rw) by the kubelet on the first start (fsGroupChangePolicy OnRootMismatch).
 */
export const GRAFANA_UID = 10472;
/** The Secret with the admin password; GF_SECURITY_ADMIN_PASSWORD reads it through secretKeyRef. */
export const GRAFANA_ADMIN_SECRET = "grafana-admin";
/** Key of the admin password in GRAFANA_ADMIN_SECRET. */
export const GRAFANA_ADMIN_PASSWORD_KEY = "admin-password";
const PASSWORD_KEY = GRAFANA_ADMIN_PASSWORD_KEY;

/** Grafana's provisioning root, where the datasources and the dashboard provider are mounted. */
const PROVISIONING_DIR = "/etc/grafana/provisioning";

/** The Secret key GF_SECURITY_ADMIN_PASSWORD reads. */
function adminPasswordRef(args: GrafanaArgs): SecretKeyRef {
  return args.adminPasswordSecret ?? { secretName: GRAFANA_ADMIN_SECRET, key: PASSWORD_KEY };
}

/** Grafana's objects: provisioning and dashboard ConfigMaps, PVC, Deployment, Service, NetworkPolicy. */
export function grafanaObjects(args: GrafanaArgs): KubeObject[] {
  const d = GRAFANA_DEFAULTS;
  const ns = args.namespace;
  const name = S.grafana.name;
  const httpPort = args.port ?? d.port;
  const chart = newChart("grafana");
  const instance = args.instance ?? d.instance;
  const labels = monitoringLabels(name, imageTag(args.image), instance);
  const datasources = args.datasources;
  const provider = args.dashboardProvider;
  const dashboards = args.dashboards ?? {};
  const password = adminPasswordRef(args);
  new kube.KubeConfigMap(chart, "provisioning", {
    metadata: { name: `${name}-provisioning`, namespace: ns, labels },
    data: { "datasources.yaml": datasources, "dashboards.yaml": provider },
  });
  new kube.KubeConfigMap(chart, "dashboards", {
    metadata: { name: `${name}-dashboards`, namespace: ns, labels },
    data: dashboards,
  });
  addWorkload(chart, {
    name,
    instance,
    namespace: ns,
    image: args.image,
    uid: GRAFANA_UID,
    env: grafanaEnv(httpPort, password),
    ports: [{ name: "http", port: httpPort }],
    resources: MONITORING_RESOURCES.grafana,
    // Liveness: the server accepts connections (database migrations at first start can take a while).
    // Readiness: /api/health answers, i.e. its database is usable.
    livenessProbe: tcpProbe(httpPort, { periodSeconds: 10, failureThreshold: 6, initialDelaySeconds: 30 }),
    readinessProbe: httpProbe("/api/health", httpPort, { periodSeconds: 5, failureThreshold: 3 }),
    volumes: grafanaVolumes(name, args.dashboardsDir),
    pvc: {
      size: args.storage,
      mountPath: "/var/lib/grafana",
      storageClass: args.storageClass,
    },
    annotations: { "checksum/config": checksum(datasources, provider, ...Object.values(dashboards)) },
  });
  const policy =
    (args.networkPolicies ?? d.networkPolicies)
      ? monitoringNetworkPolicy(ns, name, grafanaFlows(args), args.dns)
      : [];
  return [...synth(chart), ...policy];
}

/** Grafana's variables: its port, the admin from a Secret, provisioning, no calls home. */
function grafanaEnv(httpPort: number, password: SecretKeyRef): kube.EnvVar[] {
  return [
    { name: "GF_SERVER_HTTP_PORT", value: String(httpPort) },
    { name: "GF_SECURITY_ADMIN_USER", value: "admin" },
    {
      name: "GF_SECURITY_ADMIN_PASSWORD",
      valueFrom: { secretKeyRef: { name: password.secretName, key: password.key } },
    },
    { name: "GF_PATHS_PROVISIONING", value: PROVISIONING_DIR },
    // The NetworkPolicy blocks the internet anyway; these stop the attempts and their log noise.
    { name: "GF_ANALYTICS_REPORTING_ENABLED", value: "false" },
    { name: "GF_ANALYTICS_CHECK_FOR_UPDATES", value: "false" },
    { name: "GF_ANALYTICS_CHECK_FOR_PLUGIN_UPDATES", value: "false" },
  ];
}

/** Provisioning (datasources and the dashboard provider), the dashboards, and the writable scratch dirs. */
function grafanaVolumes(name: string, dashboardsDir: string): WorkloadSpec["volumes"] {
  return [
    {
      volume: {
        name: "provisioning",
        projected: {
          sources: [
            {
              configMap: {
                name: `${name}-provisioning`,
                items: [
                  { key: "datasources.yaml", path: "datasources/datasources.yaml" },
                  { key: "dashboards.yaml", path: "dashboards/dashboards.yaml" },
                ],
              },
            },
          ],
        },
      },
      mountPath: PROVISIONING_DIR,
    },
    {
      volume: { name: "dashboards", configMap: { name: `${name}-dashboards` } },
      mountPath: dashboardsDir,
    },
    scratch("tmp", "/tmp", "64Mi"),
    // Logs go to the console (run.sh sets log.mode=console); the directory must still be writable.
    scratch("logs", "/var/log/grafana", "64Mi"),
  ];
}

/** Grafana's flows: its UI from anywhere; it queries Prometheus and, with a Jaeger datasource, Jaeger. */
export function grafanaFlows(args: Pick<GrafanaArgs, "port" | "jaegerEgress">): NetworkFlows {
  const name = S.grafana.name;
  const jaeger = args.jaegerEgress ?? GRAFANA_DEFAULTS.jaegerEgress;
  return {
    // Each workload opens its own side only; the far side is its peer's (the app tier's) to open.
    peerPolicies: false,
    groups: [
      monitoringGroup(name),
      namedPeer(S.prometheus.name),
      ...(jaeger ? [namedPeer(S.jaeger.name)] : []),
    ],
    flows: [
      // Users reach the UI through port-forward or an ingress controller of their choice.
      { from: ANY, to: name, port: args.port ?? GRAFANA_DEFAULTS.port },
      { from: name, to: S.prometheus.name, port: S.prometheus.port },
      ...(jaeger ? [{ from: name, to: S.jaeger.name, port: S.jaeger.ports.ui }] : []),
    ],
  };
}
