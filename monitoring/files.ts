import type { MonitoredDeployment } from "./monitored-deployment.js";
import {
  alertmanagerYaml,
  dashboardJson,
  grafanaDatasourcesYaml,
  grafanaProviderYaml,
  otelCollectorYaml,
  prometheusYaml,
  rulesYaml,
} from "./yaml.js";

/** The files of one deployment under monitoring/generated/<name>/. */
function deploymentFiles(name: string, d: MonitoredDeployment): Record<string, string> {
  const dir = `monitoring/generated/${name}`;
  const files: Record<string, string> = {
    [`${dir}/prometheus.yml`]: prometheusYaml(d),
    [`${dir}/alertmanager.yml`]: alertmanagerYaml(d.alertReceiver),
    [`${dir}/grafana/datasources.yaml`]: grafanaDatasourcesYaml(d),
    [`${dir}/grafana/dashboards.yaml`]: grafanaProviderYaml(),
  };
  for (const [file, text] of Object.entries(rulesYaml(d))) files[`${dir}/alerts/${file}`] = text;
  if (d.otelCollector)
    files[`${dir}/otel-collector.yaml`] = otelCollectorYaml(d.otelCollector, d.otelCollector.memoryLimitMiB);
  return files;
}

/**
 * Every generated file (repo-relative path → content): the reference deployment's where the reference
 * says users look (monitoring/prometheus/...), and each named deployment's under monitoring/generated/.
 * `npm run generate:monitoring` writes them; a test regenerates them in memory and compares.
 */
export function generatedFiles(
  reference: MonitoredDeployment,
  deployments: Readonly<Record<string, MonitoredDeployment>>,
): Record<string, string> {
  const files: Record<string, string> = {
    "monitoring/generated/reference/prometheus.yml": prometheusYaml(reference),
    "monitoring/generated/reference/grafana/mcp-backend-dashboard.json": dashboardJson(),
  };
  for (const [file, text] of Object.entries(rulesYaml(reference)))
    files[`monitoring/generated/reference/alerts/${file}`] = text;
  for (const [name, d] of Object.entries(deployments)) Object.assign(files, deploymentFiles(name, d));
  return files;
}
