import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { resolveEnvironment } from "../../environments/index.js";
import { otelCollectorConfig } from "../../monitoring/otel-collector-config.js";
import { prometheusConfig } from "../../monitoring/prometheus-config.js";
import { monitoredDeployment } from "../../stacks/monitoring-inputs.js";

type Job = {
  job_name: string;
  kubernetes_sd_configs?: { role: string; namespaces?: { names: string[] } }[];
  relabel_configs?: {
    source_labels?: string[];
    action?: string;
    regex?: string;
    target_label?: string;
    replacement?: string;
  }[];
  static_configs?: { targets: string[] }[];
};

describe("prometheus.yml", () => {
  const prod = prometheusConfig(monitoredDeployment(resolveEnvironment("prod"))) as {
    global: Record<string, unknown>;
    scrape_configs: Job[];
  };

  it("carries the reference's global settings for prod", () => {
    expect(prod.global).toEqual({
      scrape_interval: "15s",
      evaluation_interval: "15s",
      external_labels: { cluster: "production", environment: "prod" },
    });
  });

  it("scrapes the app per pod through pod discovery in its namespace, honouring prometheus.io annotations", () => {
    const app = prod.scrape_configs.find((j) => j.job_name === "mcp-backend")!;
    expect(app.static_configs).toBeUndefined();
    expect(app.kubernetes_sd_configs).toEqual([{ role: "pod", namespaces: { names: ["production"] } }]);
    const labels = (app.relabel_configs ?? []).flatMap((r) => r.source_labels ?? []);
    for (const a of ["scrape", "port", "path"])
      expect(labels).toContain(`__meta_kubernetes_pod_annotation_prometheus_io_${a}`);
  });

  it("scrapes redis_exporter, CloudNativePG's instances and cAdvisor in prod", () => {
    const jobs = Object.fromEntries(prod.scrape_configs.map((j) => [j.job_name, j]));
    expect(jobs.redis?.static_configs).toEqual([{ targets: ["redis-exporter:9121"] }]);
    expect(jobs["cloudnative-pg"]?.kubernetes_sd_configs).toEqual([
      { role: "pod", namespaces: { names: ["production"] } },
    ]);
    expect(jobs.postgres).toBeUndefined();
    expect(jobs["kubernetes-cadvisor"]?.kubernetes_sd_configs).toEqual([{ role: "node" }]);
  });

  it("scrapes postgres_exporter for the statefulset engine, and no exporter of a managed service", () => {
    const staging = prometheusConfig(monitoredDeployment(resolveEnvironment("staging"))) as {
      scrape_configs: Job[];
    };
    const stagingJobs = Object.fromEntries(staging.scrape_configs.map((j) => [j.job_name, j]));
    expect(stagingJobs.postgres?.static_configs).toEqual([{ targets: ["postgres-exporter:9187"] }]);
    const external = resolveEnvironment("staging", {
      database: { engine: "external", external: { egress: [{ cidr: "10.0.0.0/16", port: 5432 }] } },
      redis: { engine: "external", external: { egress: [{ cidr: "10.1.0.0/16", port: 6379 }] } },
    });
    const names = (
      prometheusConfig(monitoredDeployment(external)) as { scrape_configs: Job[] }
    ).scrape_configs.map((j) => j.job_name);
    expect(names).toEqual(["mcp-backend", "kubernetes-cadvisor"]);
  });
});

describe("otel collector config", () => {
  const c = otelCollectorConfig({ exportEndpoint: "jaeger:4317", exportInsecure: false }, 512) as {
    receivers: { otlp: { protocols: { grpc: { endpoint: string }; http: { endpoint: string } } } };
    service: { pipelines: { traces: { processors: string[] } } };
    exporters: { otlp: { endpoint: string; tls: { insecure: boolean } } };
  };
  it("binds OTLP to all interfaces, limits memory before batching and states TLS explicitly", () => {
    expect(c.receivers.otlp.protocols.grpc.endpoint).toBe("0.0.0.0:4317");
    expect(c.receivers.otlp.protocols.http.endpoint).toBe("0.0.0.0:4318");
    expect(c.service.pipelines.traces.processors).toEqual(["memory_limiter", "batch"]);
    expect(c.exporters.otlp).toEqual({ endpoint: "jaeger:4317", tls: { insecure: false } });
  });
});

/**
 * Prometheus' relabelling, as far as these jobs use it (keep, drop, replace; `;`-joined sources; fully
 * anchored regex), so a job can be run over a pod's discovery labels.
 */
function relabel(job: Job, discovered: Record<string, string>): Record<string, string> | undefined {
  const labels = { ...discovered };
  for (const r of job.relabel_configs ?? []) {
    const value = (r.source_labels ?? []).map((l) => labels[l] ?? "").join(";");
    const match = new RegExp(`^(?:${r.regex ?? "(.*)"})$`).exec(value);
    const action = r.action ?? "replace";
    if (action === "keep" && !match) return undefined;
    if (action === "drop" && match) return undefined;
    if (action === "replace" && match && r.target_label)
      labels[r.target_label] = (r.replacement ?? "$1").replace(
        /\$(\d)/g,
        (_, i: string) => match[Number(i)] ?? "",
      );
  }
  return labels;
}

/** Discovery labels of one container port of a pod: its labels and annotations as Prometheus names them. */
function podTarget(
  pod: string,
  port: number,
  labels: Record<string, string>,
  annotations: Record<string, string> = {},
): Record<string, string> {
  const name = (k: string) => k.replace(/[^a-zA-Z0-9_]/g, "_");
  return {
    __address__: `10.0.0.7:${port}`,
    __meta_kubernetes_namespace: "mcp-prod",
    __meta_kubernetes_pod_name: pod,
    __meta_kubernetes_pod_phase: "Running",
    ...Object.fromEntries(
      Object.entries(labels).map(([k, v]) => [`__meta_kubernetes_pod_label_${name(k)}`, v]),
    ),
    ...Object.fromEntries(
      Object.entries(labels).map(([k]) => [`__meta_kubernetes_pod_labelpresent_${name(k)}`, "true"]),
    ),
    ...Object.fromEntries(
      Object.entries(annotations).map(([k, v]) => [`__meta_kubernetes_pod_annotation_${name(k)}`, v]),
    ),
  };
}

const renderedSpec = (file: string) =>
  (parse(readFileSync(`rendered/prod/${file}`, "utf8")) as { spec: Record<string, unknown> }).spec;

describe("the CloudNativePG scrape jobs, run over the pods the operator creates", () => {
  const jobs = (
    prometheusConfig(monitoredDeployment(resolveEnvironment("prod"))) as { scrape_configs: Job[] }
  ).scrape_configs;
  const instanceJob = jobs.find((j) => j.job_name === "cloudnative-pg")!;
  const poolerJob = jobs.find((j) => j.job_name === "cloudnative-pg-pooler")!;
  // The pods' annotations are what prod renders (the Cluster's inheritedMetadata, the Pooler's
  // template); their labels are the ones CloudNativePG 1.30 sets (pkg/specs/pods.go, pgbouncer/deployments.go).
  const cluster = renderedSpec("cluster-postgres.yaml") as {
    inheritedMetadata: { annotations: Record<string, string> };
  };
  const poolerSpec = renderedSpec("pooler-postgres-pooler.yaml") as {
    template: { metadata: { annotations: Record<string, string> } };
  };
  const instance = (port: number) =>
    podTarget(
      "postgres-1",
      port,
      { "cnpg.io/cluster": "postgres", "cnpg.io/podRole": "instance", "cnpg.io/instanceName": "postgres-1" },
      cluster.inheritedMetadata.annotations,
    );
  const poolerPod = (port: number) =>
    podTarget(
      "postgres-pooler-7d9f-abcde",
      port,
      { "cnpg.io/cluster": "postgres", "cnpg.io/podRole": "pooler", "cnpg.io/poolerName": "postgres-pooler" },
      poolerSpec.template.metadata.annotations,
    );

  it("scrapes every instance on 9187 (whichever container port it was discovered on), and no pooler", () => {
    for (const port of [5432, 8000, 9187])
      expect(relabel(instanceJob, instance(port))).toMatchObject({
        __address__: "10.0.0.7:9187",
        namespace: "mcp-prod",
        pod: "postgres-1",
        instance: "postgres-1",
      });
    expect(relabel(instanceJob, poolerPod(5432))).toBeUndefined();
  });

  it("scrapes every Pooler pod on 9127, and no instance", () => {
    for (const port of [5432, 9127])
      expect(relabel(poolerJob, poolerPod(port))).toMatchObject({
        __address__: "10.0.0.7:9127",
        pod: "postgres-pooler-7d9f-abcde",
        instance: "postgres-pooler-7d9f-abcde",
      });
    expect(relabel(poolerJob, instance(9187))).toBeUndefined();
  });

  it("leaves a pod without the scrape annotation alone", () => {
    expect(
      relabel(poolerJob, { ...poolerPod(9127), __meta_kubernetes_pod_annotation_prometheus_io_scrape: "" }),
    ).toBeUndefined();
  });
  it("is in prometheus.yml only for the cloudnative-pg engine", () => {
    const staging = prometheusConfig(monitoredDeployment(resolveEnvironment("staging"))) as {
      scrape_configs: Job[];
    };
    expect(staging.scrape_configs.map((j) => j.job_name)).not.toContain("cloudnative-pg");
  });
});
