import { describe, expect, it } from "vitest";
import { networkPolicyObjects } from "../../../../infra/k8s/network-policies/objects.js";
import { PROMETHEUS_DEFAULTS } from "../../../../infra/monitoring/prometheus/args.js";
import { prometheusObjects } from "../../../../infra/monitoring/prometheus/index.js";
import { allowed } from "../../../../policy/rules/network.js";

/** Prometheus as a building block: plain Args, no environment model. */
const minimal = {
  namespace: "observability",
  image: "prom/prometheus:v3.5.0",
  config: "global:\n  scrape_interval: 30s\n",
};

const find = (kind: string, objs = prometheusObjects(minimal)) => objs.filter((o) => o.kind === kind);

describe("prometheusObjects", () => {
  it("builds from plain values alone, in the namespace given, with the config given", () => {
    const objs = prometheusObjects(minimal);
    for (const o of objs.filter((x) => x.kind !== "ClusterRole" && x.kind !== "ClusterRoleBinding"))
      expect([o.kind, o.metadata.namespace]).toEqual([o.kind, "observability"]);
    const config = find("ConfigMap", objs).find((c) => c.metadata.name === "prometheus-config");
    expect((config as unknown as { data: Record<string, string> }).data["prometheus.yml"]).toBe(
      minimal.config,
    );
    expect(find("ClusterRole", objs)[0]?.metadata.name).toBe("prometheus-observability");
  });

  it("defaults to 15d retention, a 10Gi claim, a NetworkPolicy and instance prometheus", () => {
    expect(PROMETHEUS_DEFAULTS).toEqual({
      retention: "15d",
      storage: "10Gi",
      networkPolicies: true,
      instance: "prometheus",
    });
    const objs = prometheusObjects(minimal);
    const pvc = find("PersistentVolumeClaim", objs)[0] as unknown as {
      spec: { resources: { requests: { storage: string } }; storageClassName?: string };
    };
    expect(pvc.spec.resources.requests.storage).toBe("10Gi");
    expect(pvc.spec.storageClassName).toBeUndefined();
    expect(find("NetworkPolicy", objs)).toHaveLength(1);
    const deployment = find("Deployment", objs)[0]!;
    const labels = deployment.metadata.labels as Record<string, string>;
    expect(labels["app.kubernetes.io/instance"]).toBe("prometheus");
    expect(JSON.stringify(deployment)).toContain("--storage.tsdb.retention.time=15d");
  });

  it("leaves the NetworkPolicy out when networkPolicies is false", () => {
    expect(find("NetworkPolicy", prometheusObjects({ ...minimal, networkPolicies: false }))).toEqual([]);
  });

  it("scrapes the Redis pod's exporter by the Redis pod's own labels (the exporter runs in it)", () => {
    // Prometheus's own policy beside an app tier that opens Redis's side: the scrape is allowed.
    const appTier = networkPolicyObjects({
      groups: [
        { name: "redis", selector: { "app.kubernetes.io/name": "redis" } },
        { name: "prometheus", selector: { "app.kubernetes.io/name": "prometheus" }, owned: false },
      ],
      flows: [{ from: "prometheus", to: "redis", port: 9121 }],
      peerPolicies: false,
    });
    const objects = [...prometheusObjects(minimal), ...appTier];
    const redisPod = { app: "redis", "app.kubernetes.io/name": "redis" };
    expect(allowed(objects, { "app.kubernetes.io/name": "prometheus" }, redisPod, 9121)).toBe(true);
    expect(allowed(objects, { "app.kubernetes.io/name": "prometheus" }, redisPod, 6379)).toBe(false);
  });
});
