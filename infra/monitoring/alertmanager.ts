import { MONITORING_PATHS as P, MONITORING_SERVICES as S } from "@mcp-stack/contract";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { k8s as kube } from "cdk8s-plus-28";
import type { Environment } from "../../environments/index.js";
import { MONITORING_RESOURCES } from "../../monitoring/index.js";
import { alertmanagerYaml } from "../../monitoring/render.js";
import { type KubeObject, registerObjects, synth } from "../k8s/manifests.js";
import { addWorkload, checksum, httpProbe, instanceName, newChart, scratch, workloadLabels } from "./kube.js";
import { addNetworkPolicy, DNS_EGRESS } from "./network-policies.js";
import { namespacePatch } from "./prometheus.js";

/**
 * The prom/alertmanager image's own user, nobody (65534): ≥ 10000, so no exception. It writes only to
 * --storage.path, an emptyDir.
 */
export const ALERTMANAGER_UID = 65534;
/** The Secret holding the alertReceiver value (webhook URL, Slack URL or PagerDuty routing key). */
export const ALERT_RECEIVER_SECRET = "alertmanager-receiver";

export interface AlertmanagerArgs {
  /** The environment: prometheus.alertmanagerImage/receiver, kubernetes.namespace/networkPolicies. */
  readonly env: Environment;
  /**
   * The `alertReceiver` secret. Required when env.prometheus.receiver is not "null"; ignored otherwise.
   * Defaults to none.
   */
  readonly alertReceiver?: pulumi.Input<string>;
  /** The namespace Output. Defaults to env.kubernetes.namespace. */
  readonly namespace?: pulumi.Input<string>;
}

/** Fails before anything is created when a receiver is chosen without its secret. */
export function validateAlertmanagerArgs(args: AlertmanagerArgs): void {
  const kind = args.env.prometheus.receiver;
  if (kind !== "null" && args.alertReceiver === undefined)
    throw new Error(
      `prometheus.receiver is "${kind}" but the alertReceiver secret is not set: set it with \`pulumi config set --secret alertReceiver <value>\` or set prometheus.receiver to "null"`,
    );
}

/** Alertmanager's objects (the Secret is created with Pulumi directly, never through cdk8s). */
export function alertmanagerObjects(env: Environment): KubeObject[] {
  const ns = env.kubernetes.namespace;
  const name = S.alertmanager.name;
  const chart = newChart("alertmanager");
  const config = alertmanagerYaml(env);
  const withSecret = env.prometheus.receiver !== "null";
  new kube.KubeConfigMap(chart, "config", {
    metadata: {
      name: `${name}-config`,
      namespace: ns,
      labels: workloadLabels(name, env.prometheus.alertmanagerImage, env.name),
    },
    data: { "alertmanager.yml": config },
  });
  addWorkload(chart, {
    name,
    instance: instanceName(name, env.name),
    namespace: ns,
    image: env.prometheus.alertmanagerImage,
    uid: ALERTMANAGER_UID,
    args: [
      `--config.file=${P.alertmanagerConfig}`,
      `--storage.path=${P.alertmanagerData}`,
      // One replica: no gossip cluster to join (and no port 9094 to open).
      "--cluster.listen-address=",
    ],
    ports: [{ name: "http", port: S.alertmanager.port }],
    resources: MONITORING_RESOURCES.alertmanager,
    livenessProbe: { ...httpProbe("/-/healthy", S.alertmanager.port, 15, 4), initialDelaySeconds: 10 },
    readinessProbe: httpProbe("/-/ready", S.alertmanager.port, 5, 3),
    volumes: [
      {
        volume: {
          name: "config",
          projected: {
            sources: [
              { configMap: { name: `${name}-config` } },
              ...(withSecret
                ? [
                    {
                      secret: {
                        name: ALERT_RECEIVER_SECRET,
                        items: [{ key: P.alertmanagerSecretKey, path: `secrets/${P.alertmanagerSecretKey}` }],
                      },
                    },
                  ]
                : []),
            ],
          },
        },
        mountPath: P.alertmanagerConfigDir,
      },
      // Silences and notification log; lost on restart, which a single replica accepts.
      scratch("data", P.alertmanagerData),
    ],
    annotations: { "checksum/config": checksum(config) },
  });
  if (env.kubernetes.networkPolicies) {
    addNetworkPolicy(chart, ns, {
      name,
      ingress: [{ peer: S.prometheus.name, ports: [S.alertmanager.port] }],
      // Webhook, Slack and PagerDuty are HTTPS endpoints outside the cluster.
      egress: withSecret ? [{ peer: "any", ports: [443] }, DNS_EGRESS] : [DNS_EGRESS],
    });
  }
  return synth(chart);
}

/** Alertmanager with the receiver chosen by env.prometheus.receiver. */
export class Alertmanager extends pulumi.ComponentResource {
  /** In-cluster URL of Alertmanager. */
  public readonly url: pulumi.Output<string>;

  constructor(name: string, args: AlertmanagerArgs, opts?: pulumi.ComponentResourceOptions) {
    super("mcp-stack:infra:Alertmanager", name, {}, opts);
    validateAlertmanagerArgs(args);
    const ns = args.namespace ?? args.env.kubernetes.namespace;
    const deps: pulumi.Resource[] = [];
    if (args.env.prometheus.receiver !== "null" && args.alertReceiver !== undefined) {
      deps.push(
        new k8s.core.v1.Secret(
          `${args.env.kubernetes.namespace}/secret/${ALERT_RECEIVER_SECRET}`,
          {
            metadata: {
              name: ALERT_RECEIVER_SECRET,
              namespace: ns,
              labels: workloadLabels(
                S.alertmanager.name,
                args.env.prometheus.alertmanagerImage,
                args.env.name,
              ),
            },
            type: "Opaque",
            stringData: { [P.alertmanagerSecretKey]: pulumi.secret(args.alertReceiver) },
          },
          { parent: this },
        ),
      );
    }
    registerObjects(alertmanagerObjects(args.env), {
      parent: this,
      patch: namespacePatch(args.namespace),
      opts: { dependsOn: deps },
    });
    this.url = pulumi.output(`http://${S.alertmanager.name}:${S.alertmanager.port}`);
    this.registerOutputs({ url: this.url });
  }
}
