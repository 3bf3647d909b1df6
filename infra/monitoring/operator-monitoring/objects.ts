import { PART_OF } from "@mcp-stack/contract";
import { MANAGED_BY } from "../../k8s/lib/kube-parts.js";
import type { KubeObject } from "../../k8s/lib/manifests.js";
import {
  OPERATOR_MONITORING_DEFAULTS,
  type OperatorMonitoringArgs,
  type OperatorRelabel,
  parseRulesFile,
  type ScrapeTarget,
} from "./args.js";

/**
 * Objects of a Prometheus Operator (kube-prometheus-stack) that scrape, alert on and chart a namespace
 * whose Prometheus, Alertmanager and Grafana live elsewhere: PodMonitors, ServiceMonitors,
 * PrometheusRules and dashboard ConfigMaps for Grafana's sidecar. Plain objects, so tests need no stack.
 * @see https://prometheus-operator.dev/docs/api-reference/api/
 */

/** API version of PodMonitor, ServiceMonitor and PrometheusRule. */
export const PROMETHEUS_OPERATOR_API_VERSION = "monitoring.coreos.com/v1";

function labels(name: string, instance: string): Record<string, string> {
  return {
    "app.kubernetes.io/name": name,
    "app.kubernetes.io/instance": instance,
    "app.kubernetes.io/component": "monitoring",
    "app.kubernetes.io/part-of": PART_OF,
    "app.kubernetes.io/managed-by": MANAGED_BY,
  };
}

function relabelings(t: ScrapeTarget): OperatorRelabel[] {
  return [
    { action: "replace", targetLabel: "job", replacement: t.job },
    ...(t.instanceIsPod
      ? [
          {
            action: "replace" as const,
            sourceLabels: ["__meta_kubernetes_pod_name"],
            targetLabel: "instance",
          },
        ]
      : []),
  ];
}

function endpoint(t: ScrapeTarget, interval: string | undefined) {
  return {
    port: t.port,
    path: t.path ?? OPERATOR_MONITORING_DEFAULTS.path,
    ...(interval ? { interval } : {}),
    relabelings: relabelings(t),
  };
}

/** The PodMonitors, ServiceMonitors, PrometheusRules and dashboard ConfigMaps of `args`. */
export function operatorMonitoringObjects(args: OperatorMonitoringArgs): KubeObject[] {
  const instance = args.instance ?? OPERATOR_MONITORING_DEFAULTS.instance;
  const ns = args.namespace;
  const meta = (name: string) => ({
    name,
    namespace: ns,
    labels: { ...labels(name, instance), ...args.selectorLabels },
  });
  const objects: KubeObject[] = [];
  for (const t of args.podMonitors ?? [])
    objects.push({
      apiVersion: PROMETHEUS_OPERATOR_API_VERSION,
      kind: "PodMonitor",
      metadata: meta(t.name),
      spec: {
        selector: { matchLabels: { ...t.selector } },
        namespaceSelector: { matchNames: [ns] },
        podMetricsEndpoints: [endpoint(t, args.scrapeInterval)],
      },
    });
  for (const t of args.serviceMonitors ?? [])
    objects.push({
      apiVersion: PROMETHEUS_OPERATOR_API_VERSION,
      kind: "ServiceMonitor",
      metadata: meta(t.name),
      spec: {
        selector: { matchLabels: { ...t.selector } },
        namespaceSelector: { matchNames: [ns] },
        endpoints: [endpoint(t, args.scrapeInterval)],
      },
    });
  for (const [name, text] of Object.entries(args.rules ?? {}))
    objects.push({
      apiVersion: PROMETHEUS_OPERATOR_API_VERSION,
      kind: "PrometheusRule",
      metadata: meta(name),
      spec: { groups: parseRulesFile(name, text).groups },
    });
  const d = args.dashboards;
  for (const [file, text] of Object.entries(d?.files ?? {})) {
    const name = file.replace(/\.json$/, "").replace(/[^a-z0-9-]/g, "-");
    objects.push({
      apiVersion: "v1",
      kind: "ConfigMap",
      metadata: {
        name,
        namespace: d?.namespace ?? ns,
        labels: { ...labels(name, instance), ...d?.labels },
      },
      data: { [file]: text },
    });
  }
  return objects;
}
