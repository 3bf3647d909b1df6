import { describe, expect, it } from "vitest";
import { validateKubeObject } from "./kube-schema.js";

describe("validateKubeObject", () => {
  it("accepts a valid Deployment and names the field of an invalid one", () => {
    const ok = {
      apiVersion: "apps/v1",
      kind: "Deployment",
      metadata: { name: "d" },
      spec: {
        selector: { matchLabels: { app: "d" } },
        template: { metadata: { labels: { app: "d" } }, spec: { containers: [{ name: "c", image: "i:1" }] } },
      },
    };
    expect(() => validateKubeObject(ok)).not.toThrow();
    const bad = structuredClone(ok) as typeof ok & { spec: { replicas?: unknown } };
    bad.spec.replicas = "three";
    expect(() => validateKubeObject(bad)).toThrow(/replicas/);
  });

  it("validates objects of non-core groups", () => {
    const np = {
      apiVersion: "networking.k8s.io/v1",
      kind: "NetworkPolicy",
      metadata: { name: "n" },
      spec: { podSelector: 5 },
    };
    expect(() => validateKubeObject(np)).toThrow(/podSelector/);
  });
});
