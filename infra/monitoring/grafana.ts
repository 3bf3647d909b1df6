import { MONITORING_SERVICES as S } from "@mcp-stack/contract";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { k8s as kube } from "cdk8s-plus-28";
import type { Environment } from "../../environments/index.js";
import {
  GRAFANA_DASHBOARDS_DIR,
  GRAFANA_PROVISIONING_DIR,
  MONITORING_RESOURCES,
} from "../../monitoring/index.js";
import { dashboardJson, grafanaDatasourcesYaml, grafanaProviderYaml } from "../../monitoring/render.js";
import { type KubeObject, registerObjects, synth } from "../k8s/manifests.js";
import { withSecretsChecksum } from "../k8s/secrets-checksum.js";
import {
  addWorkload,
  checksum,
  httpProbe,
  instanceName,
  newChart,
  scratch,
  tcpProbe,
  workloadLabels,
} from "./kube.js";
import { addNetworkPolicy, DNS_EGRESS } from "./network-policies.js";
import { namespacePatch } from "./prometheus.js";

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
const PASSWORD_KEY = "admin-password";

export interface GrafanaArgs {
  /** The environment: grafana.*, jaeger.enabled, kubernetes.namespace/networkPolicies/storageClass. */
  readonly env: Environment;
  /** The `grafanaAdminPassword` secret. Required. */
  readonly adminPassword: pulumi.Input<string>;
  /** The namespace Output. Defaults to env.kubernetes.namespace. */
  readonly namespace?: pulumi.Input<string>;
}

/** Grafana's objects: provisioning and dashboard ConfigMaps, PVC, Deployment, Service, NetworkPolicy. */
export function grafanaObjects(env: Environment): KubeObject[] {
  const ns = env.kubernetes.namespace;
  const name = S.grafana.name;
  const httpPort = env.grafana.port;
  const chart = newChart("grafana");
  const labels = workloadLabels(name, env.grafana.image, env.name);
  const datasources = grafanaDatasourcesYaml(env);
  const provider = grafanaProviderYaml();
  const dashboard = dashboardJson();
  new kube.KubeConfigMap(chart, "provisioning", {
    metadata: { name: `${name}-provisioning`, namespace: ns, labels },
    data: { "datasources.yaml": datasources, "dashboards.yaml": provider },
  });
  new kube.KubeConfigMap(chart, "dashboards", {
    metadata: { name: `${name}-dashboards`, namespace: ns, labels },
    data: { "mcp-backend-dashboard.json": dashboard },
  });
  addWorkload(chart, {
    name,
    instance: instanceName(name, env.name),
    namespace: ns,
    image: env.grafana.image,
    uid: GRAFANA_UID,
    env: [
      { name: "GF_SERVER_HTTP_PORT", value: String(httpPort) },
      { name: "GF_SECURITY_ADMIN_USER", value: "admin" },
      {
        name: "GF_SECURITY_ADMIN_PASSWORD",
        valueFrom: { secretKeyRef: { name: GRAFANA_ADMIN_SECRET, key: PASSWORD_KEY } },
      },
      { name: "GF_PATHS_PROVISIONING", value: GRAFANA_PROVISIONING_DIR },
      // The NetworkPolicy blocks the internet anyway; these stop the attempts and their log noise.
      { name: "GF_ANALYTICS_REPORTING_ENABLED", value: "false" },
      { name: "GF_ANALYTICS_CHECK_FOR_UPDATES", value: "false" },
      { name: "GF_ANALYTICS_CHECK_FOR_PLUGIN_UPDATES", value: "false" },
    ],
    ports: [{ name: "http", port: httpPort }],
    resources: MONITORING_RESOURCES.grafana,
    // Liveness: the server accepts connections (database migrations at first start can take a while).
    // Readiness: /api/health answers, i.e. its database is usable.
    livenessProbe: { ...tcpProbe(httpPort, 10, 6), initialDelaySeconds: 30 },
    readinessProbe: httpProbe("/api/health", httpPort, 5, 3),
    volumes: [
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
        mountPath: GRAFANA_PROVISIONING_DIR,
      },
      {
        volume: { name: "dashboards", configMap: { name: `${name}-dashboards` } },
        mountPath: GRAFANA_DASHBOARDS_DIR,
      },
      scratch("tmp", "/tmp"),
      // Logs go to the console (run.sh sets log.mode=console); the directory must still be writable.
      scratch("logs", "/var/log/grafana"),
    ],
    pvc: {
      size: env.grafana.storage,
      mountPath: "/var/lib/grafana",
      storageClass: env.kubernetes.storageClass,
    },
    annotations: { "checksum/config": checksum(datasources, provider, dashboard) },
  });
  if (env.kubernetes.networkPolicies) {
    addNetworkPolicy(chart, ns, {
      name,
      // Users reach the UI through port-forward or an ingress controller of their choice.
      ingress: [{ peer: "any", ports: [httpPort] }],
      egress: [
        { peer: S.prometheus.name, ports: [S.prometheus.port] },
        ...(env.jaeger.enabled ? [{ peer: S.jaeger.name, ports: [S.jaeger.ports.ui] }] : []),
        DNS_EGRESS,
      ],
    });
  }
  return synth(chart);
}

/** Grafana with the Prometheus (and Jaeger) datasources and the MCP Backend dashboard provisioned. */
export class Grafana extends pulumi.ComponentResource {
  /** In-cluster URL of the UI. */
  public readonly url: pulumi.Output<string>;

  constructor(name: string, args: GrafanaArgs, opts?: pulumi.ComponentResourceOptions) {
    super("mcp-stack:infra:Grafana", name, {}, opts);
    const secret = new k8s.core.v1.Secret(
      `${args.env.kubernetes.namespace}/secret/${GRAFANA_ADMIN_SECRET}`,
      {
        metadata: {
          name: GRAFANA_ADMIN_SECRET,
          namespace: args.namespace ?? args.env.kubernetes.namespace,
          labels: workloadLabels(S.grafana.name, args.env.grafana.image, args.env.name),
        },
        type: "Opaque",
        stringData: { [PASSWORD_KEY]: pulumi.secret(args.adminPassword) },
      },
      { parent: this },
    );
    // The admin password is read at start: a change must restart Grafana.
    const placed = namespacePatch(args.namespace);
    registerObjects(grafanaObjects(args.env), {
      parent: this,
      patch: (obj) => withSecretsChecksum(placed(obj) as KubeObject, secret.metadata.resourceVersion),
      opts: { dependsOn: [secret] },
    });
    this.url = pulumi.output(`http://${S.grafana.name}:${args.env.grafana.port}`);
    this.registerOutputs({ url: this.url });
  }
}
