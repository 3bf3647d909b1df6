import { describe, expect, it } from "vitest";
import { resolveEnvironment } from "../../environments/index.js";
import { otelCollectorConfig } from "../../monitoring/otel-collector-config.js";
import { cloudNativePgJob, prometheusConfig } from "../../monitoring/prometheus-config.js";
import { monitoredDeployment } from "../../stacks/monitored-deployment.js";

type Job = {
  job_name: string;
  kubernetes_sd_configs?: { role: string; namespaces?: { names: string[] } }[];
  relabel_configs?: { source_labels?: string[]; action?: string; regex?: string; target_label?: string }[];
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

describe("cloudNativePgJob", () => {
  const job = cloudNativePgJob("production") as Job;

  it("discovers CloudNativePG instance pods in the namespace and scrapes the annotated port", () => {
    expect(job.job_name).toBe("cloudnative-pg");
    expect(job.kubernetes_sd_configs).toEqual([{ role: "pod", namespaces: { names: ["production"] } }]);
    const keeps = job.relabel_configs!.filter((r) => r.action === "keep").map((r) => r.source_labels![0]);
    expect(keeps).toEqual([
      "__meta_kubernetes_pod_annotation_prometheus_io_scrape",
      "__meta_kubernetes_pod_labelpresent_cnpg_io_cluster",
    ]);
    expect(job.relabel_configs!.map((r) => r.target_label).filter(Boolean)).toEqual([
      "__address__",
      "namespace",
      "pod",
      "instance",
    ]);
  });

  it("is in prometheus.yml only for the cloudnative-pg engine", () => {
    const staging = prometheusConfig(monitoredDeployment(resolveEnvironment("staging"))) as {
      scrape_configs: Job[];
    };
    expect(staging.scrape_configs.map((j) => j.job_name)).not.toContain("cloudnative-pg");
  });
});
