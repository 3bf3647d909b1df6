import { describe, expect, it } from "vitest";
import type { KubeObject } from "../../../../infra/k8s/lib/manifests.js";
import {
  OTEL_COLLECTOR_DEFAULTS,
  otelCollectorObjects,
  validateOtelCollectorArgs,
} from "../../../../infra/monitoring/otel-collector/index.js";

/** The OpenTelemetry Collector as a building block: plain Args, no environment model. */
const collector = {
  namespace: "observability",
  image: "otel/opentelemetry-collector-contrib:0.117.0",
  exportEndpoint: "tempo.tracing.svc:4317",
  config: "exporters:\n  otlp:\n    endpoint: tempo.tracing.svc:4317\n",
};

const instanceOf = (objs: KubeObject[]) =>
  (objs.find((o) => o.kind === "Deployment")!.metadata.labels as Record<string, string>)[
    "app.kubernetes.io/instance"
  ];

describe("otelCollectorObjects", () => {
  it("runs the config it is given and opens egress to exportEndpoint's port only", () => {
    expect(OTEL_COLLECTOR_DEFAULTS).toEqual({ networkPolicies: true, instance: "otel-collector" });
    const objs = otelCollectorObjects(collector);
    const config = (objs.find((o) => o.kind === "ConfigMap") as unknown as { data: Record<string, string> })
      .data["config.yaml"]!;
    expect(config).toBe(collector.config);
    expect(instanceOf(objs)).toBe("otel-collector");
    const policy = JSON.stringify(objs.find((o) => o.kind === "NetworkPolicy"));
    expect(policy).toContain('"port":4317');
  });

  it("rejects an exportEndpoint without a port, naming the field, before building anything", () => {
    expect(validateOtelCollectorArgs({ ...collector, exportEndpoint: "tempo" })).toEqual([
      'exportEndpoint "tempo" must end in :<port>: give the tracing backend\'s OTLP gRPC endpoint as host:port',
    ]);
    expect(() => otelCollectorObjects({ ...collector, exportEndpoint: "tempo" })).toThrow(/exportEndpoint/);
    expect(validateOtelCollectorArgs(collector)).toEqual([]);
  });
});
