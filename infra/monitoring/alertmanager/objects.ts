import { MONITORING_PATHS as P, MONITORING_SERVICES as S } from "@mcp-stack/contract";
import { k8s as kube } from "cdk8s-plus-28";
import { type NetworkFlows, namedPeer } from "../../k8s/lib/flows.js";
import { type KubeObject, synth } from "../../k8s/lib/manifests.js";
import { assertValid } from "../../k8s/lib/register.js";
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
import { ALERTMANAGER_DEFAULTS, type AlertmanagerArgs, validateAlertmanagerArgs } from "./args.js";

/**
 * The prom/alertmanager image's own user, nobody (65534): ≥ 10000, so no exception. It writes only to
 * --storage.path, an emptyDir.
 */
export const ALERTMANAGER_UID = 65534;
/** The Secret holding the alertReceiver value (webhook URL, Slack URL or PagerDuty routing key). */
export const ALERT_RECEIVER_SECRET = "alertmanager-receiver";

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
