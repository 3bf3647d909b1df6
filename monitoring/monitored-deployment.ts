import type { PostgresMode } from "./alerts/types.js";
import type { OtelExport } from "./otel-collector-config.js";

/**
 * What the generated monitoring config needs to know of the deployment it watches: small, plain and
 * owned here, so monitoring/ knows no environment model (stacks/monitoring-inputs.ts maps one to it).
 */

/** Where Alertmanager sends every alert: nowhere (the UI only), a webhook, Slack or PagerDuty. */
export type AlertReceiverKind = "null" | "webhook" | "slack" | "pagerduty";

/** What prometheus.yml needs: where to discover the app, what else to scrape, how often. */
export interface PrometheusTargets {
  /** Namespace of the app and its data tier; pods are discovered there only. */
  readonly namespace: string;
  /** Global scrape_interval, e.g. "15s". */
  readonly scrapeInterval: string;
  /** Global evaluation_interval, e.g. "15s". */
  readonly evaluationInterval: string;
  /** external_labels of every series and alert. */
  readonly externalLabels: { readonly cluster: string; readonly environment: string };
  /** Whether Redis and redis_exporter run in the namespace (a managed Redis has neither). */
  readonly redis: boolean;
  /** How PostgreSQL runs, which decides the exporter job (none for "external"). */
  readonly postgres: PostgresMode;
  /** Whether the CloudNativePG Cluster has Poolers (a scrape job and alerts for them). Defaults to true. */
  readonly cloudNativePgPoolers?: boolean;
}

/** A running OpenTelemetry Collector: its export and the container memory limit its config is sized to. */
export interface OtelCollectorTarget extends OtelExport {
  /** The collector container's memory limit in MiB (memory_limiter keeps under it). */
  readonly memoryLimitMiB: number;
}

/** Everything the monitoring files of one deployment depend on. */
export interface MonitoredDeployment extends PrometheusTargets {
  /** Instances of the CloudNativePG Cluster, with postgres "cloudnative-pg". Defaults to 3. */
  readonly cloudNativePgInstances?: number;
  /** Alertmanager's receiver. */
  readonly alertReceiver: AlertReceiverKind;
  /** Whether Jaeger runs in the namespace (Grafana gets a Jaeger datasource). */
  readonly jaeger: boolean;
  /** The OpenTelemetry Collector's export, when a collector runs. Defaults to none. */
  readonly otelCollector?: OtelCollectorTarget;
}
