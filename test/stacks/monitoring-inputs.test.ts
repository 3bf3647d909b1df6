import { describe, expect, it } from "vitest";
import { resolveEnvironment } from "../../environments/index.js";
import { allAlerts, prometheusConfig } from "../../monitoring/index.js";
import { environmentRuleOptions, monitoredDeployment } from "../../stacks/monitoring-inputs.js";

/** The one adapter from the environment model to what monitoring/ generates from. */
describe("monitoredDeployment", () => {
  it("maps prod: CloudNativePG, in-cluster Redis, the collector's export, no Jaeger", () => {
    const prod = resolveEnvironment("prod", { jaeger: { collector: { exportEndpoint: "tempo:4317" } } });
    expect(monitoredDeployment(prod)).toEqual({
      namespace: "production",
      scrapeInterval: "15s",
      evaluationInterval: "15s",
      externalLabels: { cluster: "production", environment: "prod" },
      redis: true,
      postgres: "cloudnative-pg",
      cloudNativePgInstances: prod.database.cloudNativePg.instances,
      cloudNativePgPoolers: true,
      alertReceiver: prod.prometheus.receiver,
      jaeger: false,
      otelCollector: { exportEndpoint: "tempo:4317", exportInsecure: true, memoryLimitMiB: 512 },
    });
  });

  it("counts a managed Redis as none to scrape and leaves the collector out where none runs", () => {
    const staging = resolveEnvironment("staging", {
      redis: { engine: "external", external: { egress: [{ cidr: "10.1.0.0/16", port: 6379 }] } },
    });
    const d = monitoredDeployment(staging);
    expect([d.redis, d.postgres, d.jaeger]).toEqual([false, "statefulset", true]);
    expect(d).not.toHaveProperty("otelCollector");
  });

  it("drops the Pooler job and alerts for a CloudNativePG Cluster without Poolers", () => {
    const prod = resolveEnvironment("prod", { jaeger: { collector: { exportEndpoint: "tempo:4317" } } });
    // Not a valid prod (its connection budget needs the Poolers): only the mapping is under test.
    const withoutPoolers = {
      ...prod,
      database: { ...prod.database, pooler: { ...prod.database.pooler, enabled: false } },
    };
    const d = monitoredDeployment(withoutPoolers);
    expect(d.cloudNativePgPoolers).toBe(false);
    const jobs = (prometheusConfig(d) as { scrape_configs: { job_name: string }[] }).scrape_configs.map(
      (j) => j.job_name,
    );
    expect(jobs).toContain("cloudnative-pg");
    expect(jobs).not.toContain("cloudnative-pg-pooler");
    const alerts = allAlerts(environmentRuleOptions(withoutPoolers)).map((a) => a.alert);
    expect(alerts).toContain("CloudNativePgInstanceDown");
    expect(alerts.filter((a) => a.startsWith("CloudNativePgPooler"))).toEqual([]);
    expect(allAlerts(environmentRuleOptions(prod)).map((a) => a.alert)).toContain(
      "CloudNativePgPoolerWaiting",
    );
  });
});
