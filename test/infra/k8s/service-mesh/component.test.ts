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
    it(`registers every ${mesh} policy as a CustomResource in the namespace`, async () => {
      const c = new ServiceMesh(`mesh-${mesh}`, meshArgs(mesh, { namespace: `ns-${mesh}` }));
      const urns = await value(c.policyUrns);
      for (const urn of urns) expect(urn).toContain("::mcp-stack:index:ServiceMesh$kubernetes:");
      const mine = registered.filter(
        (r) => (r.inputs.metadata as { namespace?: string })?.namespace === `ns-${mesh}`,
      );
      expect(mine.length).toBe(c.policyNames.length);
      expect(urns.length).toBe(c.policyNames.length);
      expect(
        mine.map((r) => `${r.inputs.kind}/${(r.inputs.metadata as { name: string }).name}`).sort(),
      ).toEqual([...c.policyNames].sort());
      const groups = new Set(mine.map((r) => r.type.split(":")[1]!.split("/")[0]));
      // The mesh's policy objects, and the NetworkPolicies of its data plane (infra/k8s/service-mesh/network.ts).
      expect([...groups].sort()).toEqual(
        [mesh === "istio" ? "security.istio.io" : "policy.linkerd.io", "networking.k8s.io"].sort(),
      );
    });

  it("throws before creating anything when the args are invalid", () => {
    const before = registered.length;
    expect(
      () =>
        new ServiceMesh(
          "mesh-bad",
          meshArgs("istio", { flows: [{ from: "web", to: "mcp-backend", port: 3000 }] }),
        ),
    ).toThrow(/flows\[0\]\.from names unknown group "web"/);
    expect(registered.length).toBe(before);
  });
});

describe("validateServiceMeshArgs", () => {
  it("lists every problem with its path: the flow model's and the mesh's own", () => {
    expect(
      validateServiceMeshArgs(
        meshArgs("linkerd", {
          namespace: "Prod",
          groups: [
            { name: "api", selector: {} },
            { name: "api", selector: { app: "x" }, serviceAccount: "Bad_SA" },
          ],
          flows: [
            { from: "web", to: "api", port: 3000 },
            { from: "api", to: "db", port: 5432 },
          ],
          opaquePorts: [0],
          trustDomain: " ",
          istioRevision: "1-30",
        }),
      ),
    ).toEqual([
      'namespace "Prod" is not a namespace name',
      "groups[0].selector is empty, which would select every pod",
      'groups[1].name "api" is defined twice',
      'groups[1].serviceAccount "Bad_SA" is not a ServiceAccount name',
      'flows[0].from names unknown group "web"',
      'flows[1].to names unknown group "db"',
      "opaquePorts: 0 must be 1–65535",
      "trustDomain must not be empty",
      'istioRevision applies only to mesh "istio"',
    ]);
    expect(validateServiceMeshArgs(meshArgs("istio", { linkerdDefaultInboundPolicy: "deny" }))).toEqual([
      'linkerdDefaultInboundPolicy applies only to mesh "linkerd"',
    ]);
  });

  it("accepts the prod app tier on both meshes", () => {
    expect(validateServiceMeshArgs(meshArgs("istio"))).toEqual([]);
    expect(validateServiceMeshArgs(meshArgs("linkerd"))).toEqual([]);
  });
});
