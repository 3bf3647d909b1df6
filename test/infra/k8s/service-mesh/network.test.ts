import { describe, expect, it } from "vitest";
import {
  flowKey,
  meshNetworkFlows,
  meshNetworkPolicyObjects,
  serviceMeshRendering,
  validateServiceMeshArgs,
} from "../../../../infra/index.js";
import { meshArgs } from "./fixtures.js";

/**
 * The mesh's own flows, against the engines' rules: a Linkerd proxy dials identity 8080, destination
 * 8086 and policy 8090 in `linkerd` (linkerd2 charts/partials/templates/_proxy.tpl) and sends meshed
 * connections to the peer's inbound port 4143 (controller/api/destination/endpoint_translator.go,
 * outboundTransportMode transport-header in charts/linkerd-control-plane/values.yaml); an Istio sidecar
 * dials istiod 15012 (istio-discovery templates/configmap.yaml discoveryAddress) and, without HBONE,
 * receives on the original port (tools/istio-iptables/pkg/capture/run.go).
 */

const keys = (mesh: "linkerd" | "istio", extra = {}) =>
  meshNetworkFlows(meshArgs(mesh, extra)).flows.map(flowKey);

describe("meshNetworkFlows", () => {
  it("Linkerd: every meshed group to identity, destination and policy; none for Prometheus, off the mesh", () => {
    const k = keys("linkerd");
    for (const g of ["mcp-backend", "postgres-pooler", "postgres-instances", "redis"])
      expect(k, g).toEqual(
        expect.arrayContaining([
          `${g} -> linkerd-identity(external):8080/TCP`,
          `${g} -> linkerd-destination(external):8086/TCP`,
          `${g} -> linkerd-policy(external):8090/TCP`,
        ]),
      );
    expect(k.filter((x) => x.startsWith("prometheus"))).toEqual([]);
  });

  it("Linkerd: 4143 once per pair of meshed peers, never from an unmeshed source or the public", () => {
    const tunnel = keys("linkerd").filter((x) => x.includes(":4143/"));
    expect(tunnel.sort()).toEqual(
      [
        "mcp-backend -> postgres-pooler:4143/TCP",
        "postgres-pooler -> postgres-instances:4143/TCP",
        "postgres-instances -> postgres-instances:4143/TCP",
        "mcp-backend -> redis:4143/TCP",
      ].sort(),
    );
  });

  it("Istio: istiod 15012 in istio-system, no tunnel port unless HBONE is on", () => {
    const k = keys("istio");
    expect(k).toContain("redis -> istiod(external):15012/TCP");
    expect(k.filter((x) => !x.includes("istiod"))).toEqual([]);
    expect(keys("istio", { istioHbone: true })).toContain("mcp-backend -> redis:15008/TCP");
  });

  it("takes the control plane's namespace from the args", () => {
    const f = meshNetworkFlows(meshArgs("linkerd", { controlPlaneNamespace: "mesh" })).flows[0]!;
    expect(f.toExternal?.namespaceSelector).toEqual({ "kubernetes.io/metadata.name": "mesh" });
  });

  it("renders mesh-<group> NetworkPolicies with only the directions they have rules for", () => {
    const objects = meshNetworkPolicyObjects(meshArgs("linkerd"));
    const app = objects.find((o) => o.metadata.name === "mesh-mcp-backend")!;
    // Nothing meshed calls the app (the public and Prometheus are off the mesh): egress only.
    expect((app.spec as { policyTypes: string[] }).policyTypes).toEqual(["Egress"]);
    const redis = objects.find((o) => o.metadata.name === "mesh-redis")!.spec as {
      policyTypes: string[];
      ingress: { from: unknown[]; ports: unknown[] }[];
    };
    expect(redis.policyTypes).toEqual(["Ingress", "Egress"]);
    expect(redis.ingress).toEqual([
      {
        from: [{ podSelector: { matchLabels: { app: "mcp-backend" } } }],
        ports: [{ port: 4143, protocol: "TCP" }],
      },
    ]);
    expect(objects.map((o) => o.metadata.name)).not.toContain("mesh-prometheus");
    expect(serviceMeshRendering(meshArgs("linkerd", { networkPolicies: false })).networkPolicies).toEqual([]);
  });

  it("rejects a bad control-plane namespace and HBONE on Linkerd", () => {
    expect(
      validateServiceMeshArgs(meshArgs("linkerd", { controlPlaneNamespace: "Linkerd", istioHbone: true })),
    ).toEqual([
      'controlPlaneNamespace "Linkerd" is not a namespace name',
      'istioHbone applies only to mesh "istio"',
    ]);
  });
});
