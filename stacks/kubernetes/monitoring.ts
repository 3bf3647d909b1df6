import type * as pulumi from "@pulumi/pulumi";
import type { ResolvedEnvironment } from "../../environments/index.js";
import {
  Alertmanager,
  type AlertmanagerArgs,
  GRAFANA_ADMIN_PASSWORD_KEY,
  GRAFANA_ADMIN_SECRET,
  Grafana,
  type GrafanaArgs,
  Jaeger,
  type JaegerArgs,
  type MeshRendering,
  OtelCollector,
  type OtelCollectorArgs,
  Prometheus,
  type PrometheusArgs,
} from "../../infra/index.js";
import {
  alertmanagerYaml,
  dashboardJson,
  GRAFANA_DASHBOARDS_DIR,
  grafanaDatasourcesYaml,
  grafanaProviderYaml,
  otelCollectorYaml,
  prometheusYaml,
  rulesYaml,
} from "../../monitoring/index.js";
import { StackConfigError } from "../errors.js";
import { monitoredDeployment } from "../monitoring-inputs.js";
import type { StackSecrets } from "../stack-config.js";

export interface MonitoringInputs {
  readonly env: ResolvedEnvironment;
  readonly secrets: StackSecrets;
  readonly namespace: pulumi.Output<string>;
  readonly parent: pulumi.Resource;
  /** The service mesh's settings; the bundled Prometheus is kept off it (stacks/kubernetes/mesh.ts). */
  readonly mesh?: MeshRendering;
}

/** The collector has no tracing backend: exporting to a host that does not exist drops every span. */
function noTracingBackend(env: ResolvedEnvironment): StackConfigError {
  return new StackConfigError(
    `${env.name}: jaeger.collector.exportEndpoint is not set, so the OpenTelemetry Collector has nowhere to send traces; run:\n` +
      "  pulumi config set --path mcp-stack:jaeger.collector.exportEndpoint <host>:4317   # your tracing backend's OTLP gRPC endpoint",
  );
}

/**
 * Stop before anything is created when the OpenTelemetry Collector has no tracing backend: exporting
 * to a host that does not exist drops every span, and the collector's retries hide it.
 */
export function assertTracingBackend(env: ResolvedEnvironment): void {
  const c = env.jaeger.collector;
  if (c.enabled && c.exportEndpoint === undefined) throw noTracingBackend(env);
}

/** The model's Prometheus as plain Args: its config and rules generated from the catalogue. */
export function prometheusArgs(
  env: ResolvedEnvironment,
  namespaceRef?: pulumi.Input<string>,
  mesh?: MeshRendering,
): PrometheusArgs {
  const k = env.kubernetes;
  const watched = monitoredDeployment(env);
  return {
    namespace: k.namespace,
    namespaceRef,
    image: env.prometheus.image,
    config: prometheusYaml(watched),
    rules: rulesYaml(watched),
    retention: env.prometheus.retention,
    storage: env.prometheus.storage,
    storageClass: k.storageClass,
    networkPolicies: k.networkPolicies,
    dns: k.dns,
    instance: `prometheus-${env.name}`,
    ...(mesh ? { podLabels: mesh.optOutLabels, podAnnotations: mesh.optOutAnnotations } : {}),
  };
}

/**
 * The model's Alertmanager as plain Args. Stops before anything is created when a receiver is chosen
 * without its secret; with receiver "null" the secret is not used.
 */
export function alertmanagerArgs(
  env: ResolvedEnvironment,
  alertReceiver: pulumi.Input<string> | undefined,
  namespaceRef?: pulumi.Input<string>,
): AlertmanagerArgs {
  const kind = env.prometheus.receiver;
  // With External Secrets the receiver's Secret is written from the secret manager.
  const provided = env.secrets.backend === "external-secrets" && kind !== "null";
  if (kind !== "null" && alertReceiver === undefined && !provided)
    throw new StackConfigError(
      `prometheus.receiver is "${kind}" but the alertReceiver secret is not set: set it with \`pulumi config set --secret alertReceiver <value>\` or set prometheus.receiver to "null"`,
    );
  return {
    namespace: env.kubernetes.namespace,
    namespaceRef,
    image: env.prometheus.alertmanagerImage,
    config: alertmanagerYaml(kind),
    alertReceiver: kind === "null" || provided ? undefined : alertReceiver,
    alertReceiverProvided: provided,
    networkPolicies: env.kubernetes.networkPolicies,
    dns: env.kubernetes.dns,
    instance: `alertmanager-${env.name}`,
  };
}

/** The model's Grafana as plain Args: datasources for its tracing choice, the MCP Backend dashboard. */
export function grafanaArgs(
  env: ResolvedEnvironment,
  adminPassword: pulumi.Input<string> | undefined,
  namespaceRef?: pulumi.Input<string>,
): GrafanaArgs {
  const k = env.kubernetes;
  // With External Secrets the admin password's Secret is written from the secret manager.
  const external = env.secrets.backend === "external-secrets";
  if (!external && adminPassword === undefined)
    throw new StackConfigError(`${env.name}: grafana.enabled needs the grafanaAdminPassword secret`);
  return {
    namespace: k.namespace,
    namespaceRef,
    image: env.grafana.image,
    ...(external
      ? { adminPasswordSecret: { secretName: GRAFANA_ADMIN_SECRET, key: GRAFANA_ADMIN_PASSWORD_KEY } }
      : { adminPassword }),
    datasources: grafanaDatasourcesYaml(monitoredDeployment(env)),
    dashboardProvider: grafanaProviderYaml(),
    dashboardsDir: GRAFANA_DASHBOARDS_DIR,
    dashboards: { "mcp-backend-dashboard.json": dashboardJson() },
    port: env.grafana.port,
    storage: env.grafana.storage,
    storageClass: k.storageClass,
    networkPolicies: k.networkPolicies,
    dns: k.dns,
    jaegerEgress: env.jaeger.enabled,
    instance: `grafana-${env.name}`,
  };
}

/** The model's Jaeger as plain Args. */
export function jaegerArgs(env: ResolvedEnvironment, namespaceRef?: pulumi.Input<string>): JaegerArgs {
  return {
    namespace: env.kubernetes.namespace,
    namespaceRef,
    image: env.jaeger.image,
    networkPolicies: env.kubernetes.networkPolicies,
    dns: env.kubernetes.dns,
    instance: `jaeger-${env.name}`,
  };
}

/** The model's OpenTelemetry Collector as plain Args; stops when it has no tracing backend. */
export function otelCollectorArgs(
  env: ResolvedEnvironment,
  namespaceRef?: pulumi.Input<string>,
): OtelCollectorArgs {
  const c = env.jaeger.collector;
  const target = monitoredDeployment(env).otelCollector;
  if (c.exportEndpoint === undefined || target === undefined) throw noTracingBackend(env);
  return {
    namespace: env.kubernetes.namespace,
    namespaceRef,
    image: c.image,
    exportEndpoint: c.exportEndpoint,
    config: otelCollectorYaml(target, target.memoryLimitMiB),
    networkPolicies: env.kubernetes.networkPolicies,
    dns: env.kubernetes.dns,
    instance: `otel-collector-${env.name}`,
  };
}

/** Prometheus, Alertmanager, Grafana, Jaeger / OTel Collector of an environment. */
export function deployMonitoring(inputs: MonitoringInputs): Record<string, pulumi.Output<unknown>> {
  const { env, secrets, namespace, parent } = inputs;
  const opts = { parent };
  const outputs: Record<string, pulumi.Output<unknown>> = {};
  if (env.prometheus.enabled) {
    outputs.prometheusUrl = new Prometheus(
      "prometheus",
      prometheusArgs(env, namespace, inputs.mesh),
      opts,
    ).url;
    outputs.alertmanagerUrl = new Alertmanager(
      "alertmanager",
      alertmanagerArgs(env, secrets.alertReceiver, namespace),
      opts,
    ).url;
  }
  if (env.grafana.enabled) {
    outputs.grafanaUrl = new Grafana(
      "grafana",
      grafanaArgs(env, secrets.grafanaAdminPassword, namespace),
      opts,
    ).url;
  }
  if (env.jaeger.enabled)
    outputs.jaegerOtlpEndpoint = new Jaeger("jaeger", jaegerArgs(env, namespace), opts).otlpEndpoint;
  if (env.jaeger.collector.enabled)
    outputs.otelCollectorEndpoint = new OtelCollector(
      "otel-collector",
      otelCollectorArgs(env, namespace),
      opts,
    ).otlpEndpoint;
  return outputs;
}
