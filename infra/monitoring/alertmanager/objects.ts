import { MONITORING_PATHS as P, MONITORING_SERVICES as S } from "@mcp-stack/contract";
import * as pulumi from "@pulumi/pulumi";
import { k8s as kube } from "cdk8s-plus-28";
import { type ClusterDns, type NetworkFlows, namedPeer } from "../../k8s/lib/flows.js";
import { isPinnedImage } from "../../k8s/lib/kube-parts.js";
import { type KubeObject, registerObjects, synth } from "../../k8s/lib/manifests.js";
import { assertValid, namespacePatch } from "../../k8s/lib/register.js";
import { componentOptions, componentType } from "../../lib/component-type.js";
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
} from "../lib/workload.js";
import { workloadSecret } from "../lib/workload-secret.js";

/**
 * The prom/alertmanager image's own user, nobody (65534): ≥ 10000, so no exception. It writes only to
 * --storage.path, an emptyDir.
 */
export const ALERTMANAGER_UID = 65534;
/** The Secret holding the alertReceiver value (webhook URL, Slack URL or PagerDuty routing key). */
export const ALERT_RECEIVER_SECRET = "alertmanager-receiver";

/** Defaults of AlertmanagerArgs. */
export const ALERTMANAGER_DEFAULTS = { networkPolicies: true, instance: "alertmanager" } as const;

/** Alertmanager as a building block: plain values, no environment model (stacks/ maps the model to these). */
export interface AlertmanagerArgs {
  /** Namespace of every object. */
  readonly namespace: string;
  /**
   * The same namespace as an Output (a Namespace resource's name), so every object waits for it.
   * Defaults to `namespace` as a plain string (no dependency).
   */
  readonly namespaceRef?: pulumi.Input<string>;
  /** Pinned Alertmanager image, e.g. `prom/alertmanager:v0.28.1`. */
  readonly image: string;
  /** The alertmanager.yml to run, e.g. `alertmanagerYaml()` of mcp-stack/monitoring. */
  readonly config: string;
  /**
   * The receiver's secret value (webhook URL, Slack URL or PagerDuty routing key), kept in the Secret
   * `alertmanager-receiver` and mounted under secrets/ for `config` to reference; it also opens egress
   * to HTTPS. Defaults to none (a config that sends nowhere).
   */
  readonly alertReceiver?: pulumi.Input<string>;
  /**
   * The Secret `alertmanager-receiver` is written by something else (External Secrets): mounted and
   * egress opened as with `alertReceiver`, but no value passes through Pulumi. Defaults to false.
   * Conflicts with `alertReceiver`.
   */
  readonly alertReceiverProvided?: boolean;
  /** Add Alertmanager's NetworkPolicy (ingress from Prometheus; egress to DNS and, with a receiver, HTTPS). Defaults to true. */
  readonly networkPolicies?: boolean;
  /**
   * Where the NetworkPolicy lets DNS lookups go: the DNS pods' namespace and addresses that are no pod
   * (NodeLocal DNSCache). Defaults to kube-system and 169.254.20.10/32.
   */
  readonly dns?: ClusterDns;
  /** `app.kubernetes.io/instance`. Defaults to "alertmanager". */
  readonly instance?: string;
}

/** Invariants of {@link AlertmanagerArgs}; [] when valid. */
export function validateAlertmanagerArgs(args: AlertmanagerArgs): string[] {
  const issues: string[] = [];
  if (!isPinnedImage(args.image))
    issues.push(`image "${args.image}" must be pinned to a version (not latest)`);
  if (args.config.trim() === "") issues.push("config is empty: give the alertmanager.yml to run");
  if (args.alertReceiver !== undefined && args.alertReceiverProvided)
    issues.push("alertReceiver and alertReceiverProvided conflict: give the value, or say the Secret exists");
  return issues;
}

/** Alertmanager's objects (the Secret is created with Pulumi directly, never through cdk8s). */
export function alertmanagerObjects(args: AlertmanagerArgs): KubeObject[] {
  const ns = args.namespace;
  const name = S.alertmanager.name;
  const chart = newChart("alertmanager");
  const config = args.config;
  assertValid("Alertmanager", validateAlertmanagerArgs(args));
  const withSecret = args.alertReceiver !== undefined || args.alertReceiverProvided === true;
  const instance = args.instance ?? ALERTMANAGER_DEFAULTS.instance;
  const labels = monitoringLabels(name, imageTag(args.image), instance);
  new kube.KubeConfigMap(chart, "config", {
    metadata: {
      name: `${name}-config`,
      namespace: ns,
      labels,
    },
    data: { "alertmanager.yml": config },
  });
  addWorkload(chart, {
    name,
    instance,
    namespace: ns,
    image: args.image,
    uid: ALERTMANAGER_UID,
    args: [
      `--config.file=${P.alertmanagerConfig}`,
      `--storage.path=${P.alertmanagerData}`,
      // One replica: no gossip cluster to join (and no port 9094 to open).
      "--cluster.listen-address=",
    ],
    ports: [{ name: "http", port: S.alertmanager.port }],
    resources: MONITORING_RESOURCES.alertmanager,
    livenessProbe: httpProbe("/-/healthy", S.alertmanager.port, {
      periodSeconds: 15,
      failureThreshold: 4,
      initialDelaySeconds: 10,
    }),
    readinessProbe: httpProbe("/-/ready", S.alertmanager.port, { periodSeconds: 5, failureThreshold: 3 }),
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
      scratch("data", P.alertmanagerData, "64Mi"),
    ],
    annotations: { "checksum/config": checksum(config) },
  });
  const policy =
    (args.networkPolicies ?? ALERTMANAGER_DEFAULTS.networkPolicies)
      ? monitoringNetworkPolicy(ns, name, alertmanagerFlows(withSecret), args.dns)
      : [];
  return [...synth(chart), ...policy];
}

/** Alertmanager's flows: Prometheus sends it alerts; with a receiver it calls that receiver over HTTPS. */
export function alertmanagerFlows(withReceiver: boolean): NetworkFlows {
  const name = S.alertmanager.name;
  return {
    // Each workload opens its own side only; the far side is its peer's (the app tier's) to open.
    peerPolicies: false,
    groups: [monitoringGroup(name), namedPeer(S.prometheus.name)],
    flows: [
      { from: S.prometheus.name, to: name, port: S.alertmanager.port },
      // Webhook, Slack and PagerDuty are HTTPS endpoints outside the cluster, at addresses of their own.
      ...(withReceiver ? [{ from: name, toExternal: { name: "alert-receivers" }, port: 443 }] : []),
    ],
  };
}

/** Alertmanager with the given config and, when alertReceiver is set, its receiver secret mounted. */
export class Alertmanager extends pulumi.ComponentResource {
  /** In-cluster URL of Alertmanager. */
  public readonly url: pulumi.Output<string>;

  constructor(name: string, args: AlertmanagerArgs, opts?: pulumi.ComponentResourceOptions) {
    super(componentType("Alertmanager"), name, {}, componentOptions("Alertmanager", opts));
    const deps: pulumi.Resource[] = [];
    if (args.alertReceiver !== undefined) {
      deps.push(
        workloadSecret(
          {
            namespace: args.namespace,
            namespaceRef: args.namespaceRef,
            name: ALERT_RECEIVER_SECRET,
            workload: S.alertmanager.name,
            version: imageTag(args.image),
            instance: args.instance ?? ALERTMANAGER_DEFAULTS.instance,
            key: P.alertmanagerSecretKey,
            value: args.alertReceiver,
          },
          this,
        ),
      );
    }
    registerObjects(alertmanagerObjects(args), {
      parent: this,
      patch: namespacePatch(args.namespaceRef),
      opts: { dependsOn: deps },
    });
    this.url = pulumi.output(`http://${S.alertmanager.name}:${S.alertmanager.port}`);
    this.registerOutputs({ url: this.url });
  }
}
