import { describe, expect, it } from "vitest";
import {
  OPERATOR_MONITORING_DEFAULTS,
  type OperatorMonitoringArgs,
  operatorMonitoringObjects,
  validateCloudNativePgDatabaseArgs,
  validateOperatorMonitoringArgs,
} from "../../../../infra/index.js";
import { validateKubeObject } from "../../../helpers/kube-schema.js";
import { PROD } from "../../k8s/cloud-native-pg-database/fixtures.js";

const ARGS: OperatorMonitoringArgs = {
  namespace: "apps",
  selectorLabels: { release: "kube-prometheus-stack" },
  podMonitors: [{ name: "api", selector: { app: "api" }, port: "metrics", job: "api" }],
  serviceMonitors: [{ name: "exporter", selector: { app: "exporter" }, port: "metrics", job: "exporter" }],
  rules: { api: "groups:\n  - name: api\n    rules:\n      - { alert: ApiDown, expr: up == 0, for: 1m }\n" },
  dashboards: { namespace: "monitoring", labels: { grafana_dashboard: "1" }, files: { "api.json": "{}" } },
};

describe("OperatorMonitoring objects", () => {
  it("are valid Prometheus Operator objects and a sidecar ConfigMap", () => {
    const objects = operatorMonitoringObjects(ARGS);
    expect(objects.map((o) => `${o.kind}/${o.metadata.namespace}/${o.metadata.name}`)).toEqual([
      "PodMonitor/apps/api",
      "ServiceMonitor/apps/exporter",
      "PrometheusRule/apps/api",
      "ConfigMap/monitoring/api",
    ]);
    for (const o of objects) expect(() => validateKubeObject(o)).not.toThrow();
  });

  it("default to the /metrics path and the Prometheus' own scrape interval", () => {
    const [pm] = operatorMonitoringObjects(ARGS);
    const [endpoint] = (pm!.spec as { podMetricsEndpoints: Record<string, unknown>[] }).podMetricsEndpoints;
    expect(endpoint!.path).toBe(OPERATOR_MONITORING_DEFAULTS.path);
    expect(endpoint).not.toHaveProperty("interval");
    expect(pm!.metadata.labels).toMatchObject({
      "app.kubernetes.io/instance": OPERATOR_MONITORING_DEFAULTS.instance,
    });
  });

  it("rejects empty selector labels, which only a select-everything Prometheus would pick up", () => {
    expect(validateOperatorMonitoringArgs({ ...ARGS, selectorLabels: {} })).toEqual([
      expect.stringContaining("selectorLabels is empty"),
    ]);
  });

  it("rejects a monitor with an empty selector and a sidecar ConfigMap without labels", () => {
    const issues = validateOperatorMonitoringArgs({
      ...ARGS,
      podMonitors: [{ name: "api", selector: {}, port: "metrics", job: "api" }],
      dashboards: { ...ARGS.dashboards!, labels: {} },
    });
    expect(issues).toEqual([
      'podMonitors[0].selector of "api" is empty, which would scrape every pod or Service',
      expect.stringContaining("dashboards.labels is empty"),
    ]);
  });
});

describe("CloudNativePgDatabase PodMonitor args", () => {
  it("rejects PodMonitor labels or relabelings without enablePodMonitor", () => {
    const issues = validateCloudNativePgDatabaseArgs({ ...PROD, podMonitorLabels: { release: "x" } });
    expect(issues).toEqual([expect.stringMatching(/podMonitorLabels is set but enablePodMonitor is false/)]);
  });
});
