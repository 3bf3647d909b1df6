import type * as pulumi from "@pulumi/pulumi";
import type { ClusterDns } from "../../k8s/lib/flows.js";
import { isPinnedImage } from "../../k8s/lib/kube-parts.js";

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
