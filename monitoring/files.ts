import { EXAMPLE_TRACING_BACKEND } from "@mcp-stack/contract";
import { type Environment, resolveEnvironment } from "../environments/index.js";
import {
  alertmanagerYaml,
  dashboardJson,
  grafanaDatasourcesYaml,
  grafanaProviderYaml,
  otelCollectorYaml,
  prometheusYaml,
  rulesYaml,
} from "./render.js";

/**
 * What generated files assume of stack config that has no default: prod's tracing backend is each
 * deployment's own, shown here as an example host that never resolves.
 */
const REVIEW_OVERRIDES = { jaeger: { collector: { exportEndpoint: EXAMPLE_TRACING_BACKEND } } };

/** The environment whose files land where the reference says users look (monitoring/prometheus/...). */
export const REFERENCE_ENVIRONMENT = "prod";
/** Environments that run monitoring; dev (Docker, prometheus.enabled = false) has none. */
export const MONITORED_ENVIRONMENTS = ["staging", "prod"] as const;

function envFiles(env: Environment): Record<string, string> {
  const dir = `monitoring/generated/${env.name}`;
  const files: Record<string, string> = {
    [`${dir}/prometheus.yml`]: prometheusYaml(env),
    [`${dir}/alertmanager.yml`]: alertmanagerYaml(env),
    [`${dir}/grafana/datasources.yaml`]: grafanaDatasourcesYaml(env),
    [`${dir}/grafana/dashboards.yaml`]: grafanaProviderYaml(),
  };
  for (const [file, text] of Object.entries(rulesYaml(env))) files[`${dir}/alerts/${file}`] = text;
  if (env.jaeger.collector.enabled)
    files[`${dir}/otel-collector.yaml`] = otelCollectorYaml({
      exportEndpoint: env.jaeger.collector.exportEndpoint ?? "",
      exportInsecure: env.jaeger.collector.exportInsecure,
    });
  return files;
}

/**
 * Every generated file (repo-relative path → content), from the reference values of each environment.
 * `npm run generate:monitoring` writes them; a test regenerates them in memory and compares.
 */
export function generatedFiles(): Record<string, string> {
  const ref = resolveEnvironment(REFERENCE_ENVIRONMENT);
  const files: Record<string, string> = {
    "monitoring/prometheus/prometheus.yml": prometheusYaml(ref),
    "monitoring/grafana/mcp-backend-dashboard.json": dashboardJson(),
  };
  for (const [file, text] of Object.entries(rulesYaml(ref)))
    files[`monitoring/prometheus/alerts/${file}`] = text;
  for (const name of MONITORED_ENVIRONMENTS)
    Object.assign(files, envFiles(resolveEnvironment(name, REVIEW_OVERRIDES)));
  return files;
}
