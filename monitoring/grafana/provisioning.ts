import { MONITORING_SERVICES as S } from "@mcp-stack/contract";
import type { MonitoredDeployment } from "../monitored-deployment.js";

/** Where the dashboard JSON is mounted (outside the /var/lib/grafana volume, so mounts do not nest). */
export const GRAFANA_DASHBOARDS_DIR = "/etc/grafana/dashboards";
/** Grafana's provisioning root (the reference mounts ./monitoring/grafana here). */
export const GRAFANA_PROVISIONING_DIR = "/etc/grafana/provisioning";
/** Fixed datasource uid, so provisioned dashboards and links survive a Grafana reinstall. */
export const PROMETHEUS_DATASOURCE_UID = "prometheus";

/** provisioning/datasources/datasources.yaml: the deployment's Prometheus, and Jaeger where it runs. */
export function grafanaDatasources(t: Pick<MonitoredDeployment, "jaeger">) {
  const datasources: Record<string, unknown>[] = [
    {
      name: "Prometheus",
      type: "prometheus",
      uid: PROMETHEUS_DATASOURCE_UID,
      access: "proxy",
      url: `http://${S.prometheus.name}:${S.prometheus.port}`,
      isDefault: true,
      editable: false,
    },
  ];
  if (t.jaeger) {
    datasources.push({
      name: "Jaeger",
      type: "jaeger",
      uid: "jaeger",
      access: "proxy",
      url: `http://${S.jaeger.name}:${S.jaeger.ports.ui}`,
      editable: false,
    });
  }
  return { apiVersion: 1, datasources };
}

/** provisioning/dashboards/dashboards.yaml: load every JSON file of the dashboards folder. */
export function grafanaDashboardProvider() {
  return {
    apiVersion: 1,
    providers: [
      {
        name: "mcp-stack",
        folder: "MCP Backend",
        type: "file",
        // Dashboards are code: edits in the UI are not saved back and are lost on restart.
        allowUiUpdates: false,
        disableDeletion: true,
        options: { path: GRAFANA_DASHBOARDS_DIR, foldersFromFilesStructure: false },
      },
    ],
  };
}
