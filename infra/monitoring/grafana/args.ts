import type * as pulumi from "@pulumi/pulumi";
import type { ClusterDns } from "../../k8s/lib/flows.js";
import type { SecretKeyRef } from "../../k8s/lib/kube-parts.js";

/** Defaults of GrafanaArgs. */
export const GRAFANA_DEFAULTS = {
  port: 3000,
  networkPolicies: true,
  jaegerEgress: false,
  instance: "grafana",
} as const;

/** Grafana as a building block: plain values, no environment model (stacks/ maps the model to these). */
export interface GrafanaArgs {
  /** Namespace of every object. */
  readonly namespace: string;
  /**
   * The same namespace as an Output (a Namespace resource's name), so every object waits for it.
   * Defaults to `namespace` as a plain string (no dependency).
   */
  readonly namespaceRef?: pulumi.Input<string>;
  /** Pinned Grafana image, e.g. `grafana/grafana:12.1.0`. */
  readonly image: string;
  /**
   * The admin password; the component keeps it in the Secret `grafana-admin` and restarts Grafana when
   * it changes. Defaults to none. Exactly one of adminPassword and adminPasswordSecret must be set.
   */
  readonly adminPassword?: pulumi.Input<string>;
  /**
   * An existing Secret key holding the admin password (e.g. one External Secrets keeps in sync), read
   * through secretKeyRef; no Secret is created. Defaults to none. Exactly one of adminPassword and
   * adminPasswordSecret must be set.
   */
  readonly adminPasswordSecret?: SecretKeyRef;
  /** The datasources.yaml to provision, e.g. `grafanaDatasourcesYaml()` of mcp-stack/monitoring. */
  readonly datasources: string;
  /**
   * The dashboards.yaml to provision: the provider that loads the dashboard JSON from dashboardsDir,
   * e.g. `grafanaProviderYaml()` of mcp-stack/monitoring.
   */
  readonly dashboardProvider: string;
  /** The folder dashboardProvider loads dashboards from, where `dashboards` are mounted. */
  readonly dashboardsDir: string;
  /** Dashboard JSON by file name, provisioned from one folder. Defaults to none. */
  readonly dashboards?: Record<string, string>;
  /** HTTP port of the UI and the Service. Defaults to 3000. */
  readonly port?: number;
  /** Size of the PersistentVolumeClaim of /var/lib/grafana. */
  readonly storage: string;
  /** StorageClass of that claim. Defaults to the cluster's default class. */
  readonly storageClass?: string;
  /**
   * Add Grafana's NetworkPolicy (ingress to the UI from anywhere; egress to Prometheus, DNS and, with
   * jaegerEgress, Jaeger's query port). Defaults to true.
   */
  readonly networkPolicies?: boolean;
  /**
   * Where the NetworkPolicy lets DNS lookups go: the DNS pods' namespace and addresses that are no pod
   * (NodeLocal DNSCache). Defaults to kube-system and 169.254.20.10/32.
   */
  readonly dns?: ClusterDns;
  /** Allow egress to Jaeger's query port, for a Jaeger datasource. Defaults to false. */
  readonly jaegerEgress?: boolean;
  /** `app.kubernetes.io/instance`. Defaults to "grafana". */
  readonly instance?: string;
}

/** Every problem of the Args at once, each naming its fields (empty when valid). */
export function validateGrafanaArgs(args: GrafanaArgs): string[] {
  const given = [args.adminPassword, args.adminPasswordSecret].filter((v) => v !== undefined).length;
  if (given === 1) return [];
  return [
    given === 0
      ? "adminPassword or adminPasswordSecret must be set: give the password, or an existing Secret key holding it"
      : "adminPassword and adminPasswordSecret are mutually exclusive: set one (adminPasswordSecret for a Secret managed elsewhere)",
  ];
}
