import { beforeAll, describe, expect, it } from "vitest";
import { ServiceMesh, validateServiceMeshArgs } from "../../../../infra/index.js";
import { outputValue, type Registered, recordRegistrations } from "../../../helpers/component-mocks.js";
import { meshArgs } from "./fixtures.js";

let registered: Registered[] = [];

beforeAll(async () => {
  registered = await recordRegistrations("mesh");
});

const value = outputValue;

describe("ServiceMesh", () => {
  for (const mesh of ["istio", "linkerd"] as const)
    it(`registers every ${mesh} policy as a CustomResource parented to it, in the namespace`, async () => {
      const c = new ServiceMesh(`mesh-${mesh}`, meshArgs(mesh, { namespace: `ns-${mesh}` }));
      const urns = await Promise.all(c.resources.map((r) => value(r.urn)));
      expect(urns.length).toBe(c.policyNames.length);
      for (const urn of urns) expect(urn).toContain("::mcp-stack:infra:ServiceMesh$kubernetes:");
      const mine = registered.filter(
        (r) => (r.inputs.metadata as { namespace?: string })?.namespace === `ns-${mesh}`,
      );
      expect(
        mine.map((r) => `${r.inputs.kind}/${(r.inputs.metadata as { name: string }).name}`).sort(),
      ).toEqual([...c.policyNames].sort());
      const groups = new Set(mine.map((r) => r.type.split(":")[1]!.split("/")[0]));
      expect([...groups]).toEqual([mesh === "istio" ? "security.istio.io" : "policy.linkerd.io"]);
    });

  it("throws before creating anything when the args are invalid", () => {
    const before = registered.length;
    expect(
      () =>
        new ServiceMesh(
          "mesh-bad",
          meshArgs("istio", { flows: [{ from: "web", to: "mcp-backend", port: 3000 }] }),
        ),
    ).toThrow(/flows\[0\]\.from names unknown workload "web"/);
    expect(registered.length).toBe(before);
  });
});

describe("validateServiceMeshArgs", () => {
  it("lists every problem with its path", () => {
    expect(
      validateServiceMeshArgs(
        meshArgs("linkerd", {
          workloads: [
            {
              name: "api",
              selector: {},
              ports: [
                { name: "http", port: 3000 },
                { name: "http-again", port: 3000 },
              ],
            },
            { name: "api", selector: { app: "x" } },
            { name: "prometheus", selector: { app: "prometheus" }, meshed: false },
          ],
          flows: [
            { from: "web", to: "api", port: 3000 },
            { from: "api", to: "db", port: 5432 },
            { from: "any", to: "api", port: 8080 },
            { from: "api", to: "prometheus", port: 9090 },
            { from: { name: "x", namespace: "Bad_NS", serviceAccount: "sa" }, to: "api", port: 3000 },
          ],
          metricsPort: 9464,
          istioRevision: "1-30",
        }),
      ),
    ).toEqual([
      "workloads[0].selector is empty, which would select every pod",
      "workloads[0].ports[1].port 3000 is declared twice",
      'workloads[1].name "api" is defined twice',
      'flows[0].from names unknown workload "web"',
      'flows[1].to names unknown workload "db"',
      'flows[2].port 8080 is not a port of "api" (declare it in its ports)',
      'flows[3].to "prometheus" is not meshed: the mesh cannot guard it; drop the flow',
      'flows[4].from.namespace "Bad_NS" is not a namespace name',
      "metricsPort 9464 is not a port of any workload",
      'istioRevision applies only to mesh "istio"',
    ]);
  });

  it("accepts the prod app tier on both meshes", () => {
    expect(validateServiceMeshArgs(meshArgs("istio"))).toEqual([]);
    expect(validateServiceMeshArgs(meshArgs("linkerd"))).toEqual([]);
  });
});
