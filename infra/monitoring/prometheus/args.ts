import type * as pulumi from "@pulumi/pulumi";
import type { ClusterDns } from "../../k8s/lib/flows.js";
import { isPinnedImage } from "../../k8s/lib/kube-parts.js";

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
