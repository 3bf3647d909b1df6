import { HTTP_PATHS, METRICS_PORT_NAME, MONITORING_SERVICES as S, SERVICE_NAME } from "@mcp-stack/contract";
import type * as pulumi from "@pulumi/pulumi";
import type { ResolvedEnvironment } from "../../environments/index.js";
import {
  type CloudNativePgDatabaseArgs,
  CNPG_ANY_POOLER_SELECTOR,
  CNPG_POOLER_METRICS_PORT_NAME,
  OperatorMonitoring,
  type OperatorMonitoringArgs,
  type ScrapeTarget,
  selectorLabels,
} from "../../infra/index.js";
import { MONITORING_CONFIG as C, dashboardJson, ruleFiles, toYaml } from "../../monitoring/index.js";
import { environmentRuleOptions } from "../monitoring-inputs.js";
import { deployMonitoring, type MonitoringInputs } from "./monitoring.js";

/**
 * Monitoring with `monitoring.mode: operator`: a Prometheus Operator (kube-prometheus-stack) already in
 * the cluster scrapes, alerts and charts; the stack deploys no Prometheus, Alertmanager or Grafana and
 * emits the Operator's objects from the same catalogue and rules code (docs/monitoring.md).
 */

/** Labels of the exporter Services the app tier creates (coordinated by label, like prometheus.yml). */
const EXPORTER_SERVICES = {
  redis: { "app.kubernetes.io/name": "redis", "app.kubernetes.io/component": "metrics" },
  postgres: { "app.kubernetes.io/name": S.postgresExporter.name, "app.kubernetes.io/component": "metrics" },
} as const;

/** The dashboard file Grafana's sidecar loads (the name the bundled Grafana mounts it under). */
const DASHBOARD_FILE = "mcp-backend-dashboard.json";

/** The environment as the bundled deployer sees it in operator mode: no Prometheus, Alertmanager, Grafana. */
export function withoutBundledMonitoring(env: ResolvedEnvironment): ResolvedEnvironment {
  if (env.monitoring.mode === "bundled") return env;
  return {
    ...env,
    prometheus: { ...env.prometheus, enabled: false },
    grafana: { ...env.grafana, enabled: false },
  };
}

/** The scrape targets of the app tier: the app's pods, and the exporters the namespace runs. */
export function scrapeTargets(env: ResolvedEnvironment): {
  podMonitors: ScrapeTarget[];
  serviceMonitors: ScrapeTarget[];
} {
  const serviceMonitors: ScrapeTarget[] = [];
  if (env.derived.redisInCluster)
    serviceMonitors.push({
      name: S.redisExporter.name,
      selector: EXPORTER_SERVICES.redis,
      port: METRICS_PORT_NAME,
      job: C.jobs.redis,
    });
  if (env.database.engine === "statefulset")
    serviceMonitors.push({
      name: S.postgresExporter.name,
      selector: EXPORTER_SERVICES.postgres,
      port: METRICS_PORT_NAME,
      job: C.jobs.postgres,
    });
  // CloudNativePG's instances: its own PodMonitor (cloudNativePgPodMonitorArgs). Its Poolers: ours, since
  // the Pooler's own enablePodMonitor is deprecated and would need its own labels and relabelling.
  const poolers: ScrapeTarget[] =
    env.database.engine === "cloudnative-pg" && env.database.pooler.enabled
      ? [
          {
            name: C.jobs.cloudnativePgPooler,
            selector: { ...CNPG_ANY_POOLER_SELECTOR },
            port: CNPG_POOLER_METRICS_PORT_NAME,
            job: C.jobs.cloudnativePgPooler,
            instanceIsPod: true,
          },
        ]
      : [];
  return {
    podMonitors: [
      {
        name: SERVICE_NAME,
        selector: selectorLabels(SERVICE_NAME),
        port: METRICS_PORT_NAME,
        path: HTTP_PATHS.metrics,
        job: C.jobs.app,
        instanceIsPod: true,
      },
      ...poolers,
    ],
    serviceMonitors,
  };
}

/** OperatorMonitoring's Args from the model. */
export function operatorMonitoringArgs(
  env: ResolvedEnvironment,
  namespaceRef?: pulumi.Input<string>,
): OperatorMonitoringArgs {
  const op = env.monitoring.operator;
  const scraped = env.prometheus.enabled;
  const files = ruleFiles({ ...environmentRuleOptions(env), cadvisorJob: op.cadvisorJob });
  return {
    namespace: env.kubernetes.namespace,
    namespaceRef,
    selectorLabels: op.selectorLabels,
    scrapeInterval: env.prometheus.scrapeInterval,
    ...(scraped ? scrapeTargets(env) : {}),
    rules: scraped
      ? Object.fromEntries(files.map((f) => [f.file.replace(/\.yml$/, ""), toYaml({ groups: f.groups })]))
      : undefined,
    dashboards: env.grafana.enabled
      ? {
          namespace: op.dashboards.namespace,
          labels: op.dashboards.labels,
          files: { [DASHBOARD_FILE]: dashboardJson({ cadvisorJob: op.cadvisorJob }) },
        }
      : undefined,
    instance: `prometheus-operator-objects-${env.name}`,
  };
}

/**
 * CloudNativePG's own PodMonitor in operator mode: labelled for the Operator's Prometheus, its `job` the
 * one the rules select on. Nothing in bundled mode (the bundled Prometheus discovers the pods).
 */
export function cloudNativePgPodMonitorArgs(
  env: ResolvedEnvironment,
): Pick<CloudNativePgDatabaseArgs, "enablePodMonitor" | "podMonitorLabels" | "podMonitorRelabelings"> {
  if (env.monitoring.mode !== "operator" || !env.prometheus.enabled) return {};
  return {
    enablePodMonitor: true,
    podMonitorLabels: env.monitoring.operator.selectorLabels,
    podMonitorRelabelings: [{ action: "replace", targetLabel: "job", replacement: C.jobs.cloudnativePg }],
  };
}

/**
 * The monitoring tier in the environment's mode: bundled, or the tracing workloads alone plus the
 * Operator's objects.
 */
export function deployMonitoringInMode(inputs: MonitoringInputs): Record<string, pulumi.Output<unknown>> {
  const { env, namespace, parent } = inputs;
  if (env.monitoring.mode === "bundled") return deployMonitoring(inputs);
  const outputs = deployMonitoring({ ...inputs, env: withoutBundledMonitoring(env) });
  if (env.prometheus.enabled || env.grafana.enabled)
    outputs.prometheusRules = new OperatorMonitoring(
      "operator-monitoring",
      operatorMonitoringArgs(env, namespace),
      { parent },
    ).ruleNames;
  return outputs;
}
