import type * as pulumi from "@pulumi/pulumi";
import { parse } from "yaml";
import { z } from "zod";

/** A relabelling as the Operator's CRDs spell it (camelCase of Prometheus' relabel_config). */
export interface OperatorRelabel {
  readonly action?: "replace" | "keep" | "drop" | "labelmap" | "labeldrop" | "labelkeep";
  readonly sourceLabels?: readonly string[];
  readonly targetLabel?: string;
  readonly replacement?: string;
  readonly regex?: string;
}

/** One scraped group of pods or Services. */
export interface ScrapeTarget {
  /** Object name, e.g. "mcp-backend". */
  readonly name: string;
  /** Labels of the pods (PodMonitor) or Services (ServiceMonitor) to scrape. */
  readonly selector: Record<string, string>;
  /** Name of the container port (PodMonitor) or Service port (ServiceMonitor), e.g. "metrics". */
  readonly port: string;
  /** HTTP path. Defaults to "/metrics". */
  readonly path?: string;
  /**
   * The `job` label of every series: the name the alert rules and dashboards select on. The Operator's
   * own default (`<namespace>/<monitor name>`, or the Service name) would blind every rule.
   */
  readonly job: string;
  /** Set `instance` to the pod name (what on-call types into kubectl). Defaults to false. */
  readonly instanceIsPod?: boolean;
}

/** A rule group as PrometheusRule holds it (the same shape as a rules file's groups). */
export interface OperatorRuleGroup {
  readonly name: string;
  readonly interval?: string;
  readonly rules: readonly object[];
}

/** Dashboards as ConfigMaps for Grafana's sidecar. */
export interface OperatorDashboards {
  /** Namespace the sidecar watches. */
  readonly namespace: string;
  /** Labels the sidecar selects ConfigMaps by (kube-prometheus-stack: `grafana_dashboard: "1"`). */
  readonly labels: Record<string, string>;
  /** Dashboard JSON by file name (e.g. `mcp-backend-dashboard.json`); one ConfigMap each. */
  readonly files: Record<string, string>;
}

export interface OperatorMonitoringArgs {
  /** Namespace of the monitors and rules: the namespace of the pods they scrape. */
  readonly namespace: string;
  /**
   * Labels every PodMonitor, ServiceMonitor and PrometheusRule carries, so the Operator's Prometheus
   * selects them (kube-prometheus-stack: `release: <Helm release name>`). Required: an empty set is
   * selected only by a Prometheus that selects everything.
   */
  readonly selectorLabels: Record<string, string>;
  /**
   * `namespace` as an Output (a Namespace resource's name), so the objects in it wait for it. Objects
   * in other namespaces (the dashboards) keep their plain name. Defaults to `namespace` as a string.
   */
  readonly namespaceRef?: pulumi.Input<string>;
  /** Pods scraped directly, one PodMonitor each. Defaults to none. */
  readonly podMonitors?: ScrapeTarget[];
  /** Exporters scraped through their Service, one ServiceMonitor each. Defaults to none. */
  readonly serviceMonitors?: ScrapeTarget[];
  /** Scrape interval of every endpoint. Defaults to the Prometheus' own (kube-prometheus-stack: 30s). */
  readonly scrapeInterval?: string;
  /**
   * Rules files by PrometheusRule name (e.g. "mcp-backend"): each a Prometheus rules file (YAML with
   * `groups:`), as Prometheus itself loads them; its groups become the PrometheusRule's. Defaults to none.
   */
  readonly rules?: Record<string, string>;
  /** Dashboards as ConfigMaps for Grafana's sidecar. Defaults to none. */
  readonly dashboards?: OperatorDashboards;
  /** app.kubernetes.io/instance of every object. Defaults to "prometheus-operator-objects". */
  readonly instance?: string;
}

export const OPERATOR_MONITORING_DEFAULTS = {
  path: "/metrics",
  instance: "prometheus-operator-objects",
} as const;

const NAME = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

const rulesFile = z.strictObject({
  groups: z.array(
    z.looseObject({
      name: z.string().min(1),
      interval: z.string().optional(),
      rules: z.array(z.record(z.string(), z.unknown())),
    }),
  ),
});

/** A rules file's groups, or the problems of its text (each naming `rules.<name>` and the path in it). */
export function parseRulesFile(
  name: string,
  text: string,
): { groups: OperatorRuleGroup[]; issues: string[] } {
  let doc: unknown;
  try {
    doc = parse(text);
  } catch (e) {
    return { groups: [], issues: [`rules.${name} is not YAML: ${(e as Error).message.split("\n")[0]}`] };
  }
  const r = rulesFile.safeParse(doc);
  if (r.success) return { groups: r.data.groups, issues: [] };
  return {
    groups: [],
    issues: r.error.issues.map(
      (i) => `rules.${name} is not a rules file: ${i.path.join(".") || "(root)"}: ${i.message}`,
    ),
  };
}

/** Invariants of {@link OperatorMonitoringArgs}; an empty list means valid. */
export function validateOperatorMonitoringArgs(args: OperatorMonitoringArgs): string[] {
  const issues: string[] = [];
  if (Object.keys(args.selectorLabels).length === 0)
    issues.push(
      "selectorLabels is empty: name the labels your Prometheus selects monitors and rules by (kube-prometheus-stack: release: <release name>)",
    );
  const names = new Set<string>();
  for (const [kind, targets] of [
    ["podMonitors", args.podMonitors ?? []],
    ["serviceMonitors", args.serviceMonitors ?? []],
  ] as const)
    targets.forEach((t, i) => {
      const at = `${kind}[${i}]`;
      if (!NAME.test(t.name)) issues.push(`${at}.name "${t.name}" is not a valid object name`);
      if (names.has(`${kind}/${t.name}`)) issues.push(`${at}.name "${t.name}" is defined twice`);
      names.add(`${kind}/${t.name}`);
      if (Object.keys(t.selector).length === 0)
        issues.push(`${at}.selector of "${t.name}" is empty, which would scrape every pod or Service`);
      if (t.job === "") issues.push(`${at}.job of "${t.name}" is empty`);
    });
  for (const [name, text] of Object.entries(args.rules ?? {})) {
    if (!NAME.test(name)) issues.push(`rules.${name} is not a valid object name`);
    issues.push(...parseRulesFile(name, text).issues);
  }
  if (args.dashboards && Object.keys(args.dashboards.labels).length === 0)
    issues.push("dashboards.labels is empty: Grafana's sidecar loads only ConfigMaps with its label");
  return issues;
}

// The names these types had before, kept for TypeScript programs that use them.
/** @deprecated Use OperatorDashboards: under this name, the SDKs of other languages called its input type `OperatorDashboardsArgsArgs`. */
export type OperatorDashboardsArgs = OperatorDashboards;
