import { EXAMPLE_TRACING_BACKEND } from "@mcp-stack/contract";
import { type ResolvedEnvironment, resolveEnvironment } from "../environments/index.js";
import { MONITORING_RESOURCES, mebibytes } from "../infra/monitoring/lib/resources.js";
import { generatedFiles, type MonitoredDeployment, type RuleOptions } from "../monitoring/index.js";

/** What the rules of an environment depend on: its data tier. */
export function environmentRuleOptions(
  env: Pick<ResolvedEnvironment, "database" | "derived">,
): Required<Pick<RuleOptions, "redis" | "postgres" | "cloudNativePgInstances" | "cloudNativePgPoolers">> {
  return {
    // Redis and its exporter are scraped only where they run in the namespace (a managed one has neither).
    redis: env.derived.redisInCluster,
    postgres: env.database.engine,
    cloudNativePgInstances: env.database.cloudNativePg.instances,
    cloudNativePgPoolers: env.database.pooler.enabled,
  };
}

/** The environment model as the monitoring generators see it (monitoring/ knows no environment). */
export function monitoredDeployment(env: ResolvedEnvironment): MonitoredDeployment {
  const p = env.prometheus;
  const c = env.jaeger.collector;
  return {
    namespace: env.kubernetes.namespace,
    scrapeInterval: p.scrapeInterval,
    evaluationInterval: p.evaluationInterval,
    externalLabels: p.externalLabels,
    ...environmentRuleOptions(env),
    alertReceiver: p.receiver,
    jaeger: env.jaeger.enabled,
    // An unset endpoint fails when the collector's config is rendered (the stack stops earlier).
    ...(c.enabled
      ? {
          otelCollector: {
            exportEndpoint: c.exportEndpoint ?? "",
            exportInsecure: c.exportInsecure,
            memoryLimitMiB: mebibytes(MONITORING_RESOURCES.otelCollector.limits.memory),
          },
        }
      : {}),
  };
}

/**
 * What generated files assume of stack config that has no default: prod's tracing backend is each
 * deployment's own, shown here as an example host that never resolves.
 */
const REVIEW_OVERRIDES = { jaeger: { collector: { exportEndpoint: EXAMPLE_TRACING_BACKEND } } };

/** The environment whose files are the reference copies (monitoring/generated/reference/: the reference design keeps them in monitoring/prometheus/). */
export const REFERENCE_ENVIRONMENT = "prod";
/** Environments that run monitoring; dev (Docker, prometheus.enabled = false) has none. */
export const MONITORED_ENVIRONMENTS = ["staging", "prod"] as const;

/** Every generated monitoring file, from the reference values of each environment. */
export function monitoringFiles(): Record<string, string> {
  return generatedFiles(
    monitoredDeployment(resolveEnvironment(REFERENCE_ENVIRONMENT)),
    Object.fromEntries(
      MONITORED_ENVIRONMENTS.map((name) => [
        name,
        monitoredDeployment(resolveEnvironment(name, REVIEW_OVERRIDES)),
      ]),
    ),
  );
}
