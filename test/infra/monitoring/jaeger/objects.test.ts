import { describe, expect, it } from "vitest";
import type { KubeObject } from "../../../../infra/k8s/lib/manifests.js";
import { JAEGER_DEFAULTS, jaegerObjects } from "../../../../infra/monitoring/jaeger/index.js";

/** Jaeger as a building block: plain Args, no environment model. */
const jaeger = { namespace: "observability", image: "jaegertracing/jaeger:2.2.0" };

const kinds = (objs: KubeObject[]) => objs.map((o) => o.kind).sort();
const instanceOf = (objs: KubeObject[]) =>
  (objs.find((o) => o.kind === "Deployment")!.metadata.labels as Record<string, string>)[
    "app.kubernetes.io/instance"
  ];

describe("jaegerObjects", () => {
  it("builds from plain values alone, in the namespace given, with instance jaeger and a NetworkPolicy", () => {
    expect(JAEGER_DEFAULTS).toEqual({ networkPolicies: true, instance: "jaeger" });
    const objs = jaegerObjects(jaeger);
    for (const o of objs) expect([o.kind, o.metadata.namespace]).toEqual([o.kind, "observability"]);
    expect(kinds(objs)).toEqual([
      "Deployment",
      "NetworkPolicy",
      "PodDisruptionBudget",
      "Service",
      "ServiceAccount",
    ]);
    expect(instanceOf(objs)).toBe("jaeger");
  });

  it("leaves the NetworkPolicy out when networkPolicies is false", () => {
    expect(kinds(jaegerObjects({ ...jaeger, networkPolicies: false }))).not.toContain("NetworkPolicy");
  });
});
