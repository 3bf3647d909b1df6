import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { k8s as kube } from "cdk8s-plus-28";
import type { Environment } from "../../environments/index.js";
import {
  GRAFANA_DASHBOARDS_DIR,
  GRAFANA_PROVISIONING_DIR,
  MONITORING_RESOURCES,
  MONITORING_SERVICES as S,
} from "../../monitoring/index.js";
import { dashboardJson, grafanaDatasourcesYaml, grafanaProviderYaml } from "../../monitoring/render.js";
import { type KubeObject, registerObjects, synth } from "../k8s/manifests.js";
import { addWorkload, checksum, httpProbe, newChart, PART_OF, scratch, tcpProbe } from "./kube.js";
import { addNetworkPolicy, DNS_EGRESS } from "./network-policies.js";
import { namespacePatch } from "./prometheus.js";

/**
 * The grafana/grafana image runs as 472 (its `grafana` user owns /usr/share/grafana). This is the one
 * monitoring pod below UID 10000: the image supports no other user without rebuilding it.
 */
export const GRAFANA_UID = 472;
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
  const labels = { "app.kubernetes.io/name": name, "app.kubernetes.io/part-of": PART_OF };
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
          labels: { "app.kubernetes.io/name": S.grafana.name },
        },
        type: "Opaque",
        stringData: { [PASSWORD_KEY]: pulumi.secret(args.adminPassword) },
      },
      { parent: this },
    );
    registerObjects(grafanaObjects(args.env), {
      parent: this,
      patch: namespacePatch(args.namespace),
      opts: { dependsOn: [secret] },
    });
    this.url = pulumi.output(`http://${S.grafana.name}:${args.env.grafana.port}`);
    this.registerOutputs({ url: this.url });
  }
}
