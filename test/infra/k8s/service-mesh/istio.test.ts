import {
  AuthorizationPolicy as IstioAuthorizationPolicyModel,
  PeerAuthentication as PeerAuthenticationModel,
} from "@kubernetes-models/istio/security.istio.io/v1";
import { describe, expect, it } from "vitest";
import {
  type AuthorizationPolicy,
  authorizationPolicySchema,
  istioCrdIssues,
  type PeerAuthentication,
  peerAuthenticationSchema,
  serviceMeshRendering,
} from "../../../../infra/index.js";
import { meshArgs } from "./fixtures.js";

const r = serviceMeshRendering(meshArgs("istio"));
const byName = (kind: string, name: string) =>
  r.objects.find((o) => o.kind === kind && o.metadata.name === name)!;
const policy = (name: string) => byName("AuthorizationPolicy", name) as AuthorizationPolicy;

describe("Istio rendering", () => {
  it("enforces STRICT mTLS namespace-wide and denies everything not allowed", () => {
    expect(byName("PeerAuthentication", "default").spec).toEqual({ mtls: { mode: "STRICT" } });
    expect(policy("allow-nothing").spec).toEqual({});
  });

  it("accepts plaintext only on ports a plaintext source reaches: Prometheus' scrape, the public port, the operator", () => {
    const pa = r.objects.filter(
      (o) => o.kind === "PeerAuthentication" && o.metadata.name !== "default",
    ) as PeerAuthentication[];
    expect(Object.fromEntries(pa.map((p) => [p.metadata.name, p.spec!.portLevelMtls]))).toEqual({
      "mcp-backend-plaintext-ports": { "3000": { mode: "PERMISSIVE" }, "9464": { mode: "PERMISSIVE" } },
      "postgres-instances-plaintext-ports": {
        "8000": { mode: "PERMISSIVE" },
        "9187": { mode: "PERMISSIVE" },
      },
      "redis-plaintext-ports": { "9121": { mode: "PERMISSIVE" } },
    });
    for (const p of pa) expect(p.spec!.mtls!.mode).toBe("STRICT");
  });

  it("allows each flow's source principal on its port, and anyone the NetworkPolicies let through on plaintext ports", () => {
    expect(policy("postgres-pooler").spec).toEqual({
      selector: { matchLabels: { "cnpg.io/poolerName": "postgres-pooler" } },
      action: "ALLOW",
      rules: [
        {
          from: [{ source: { principals: ["cluster.local/ns/production/sa/mcp-backend"] } }],
          to: [{ operation: { ports: ["5432"] } }],
        },
      ],
    });
    expect(policy("mcp-backend").spec!.rules).toEqual([
      { to: [{ operation: { ports: ["3000"] } }] },
      { to: [{ operation: { ports: ["9464"] } }] },
    ]);
    expect(policy("redis").spec!.rules).toEqual([
      {
        from: [{ source: { principals: ["cluster.local/ns/production/sa/mcp-backend"] } }],
        to: [{ operation: { ports: ["6379"] } }],
      },
      { to: [{ operation: { ports: ["9121"] } }] },
    ]);
    expect(policy("postgres-instances").spec!.rules).toEqual([
      {
        from: [
          {
            source: {
              principals: [
                "cluster.local/ns/production/sa/postgres",
                "cluster.local/ns/production/sa/postgres-pooler",
              ],
            },
          },
        ],
        to: [{ operation: { ports: ["5432"] } }],
      },
      { to: [{ operation: { ports: ["8000"] } }] },
      { to: [{ operation: { ports: ["9187"] } }] },
    ]);
    // Prometheus is off the mesh: no policies of its own; no rule for the egress and UDP flows.
    expect(r.objects.some((o) => o.metadata.name.startsWith("prometheus"))).toBe(false);
    expect(JSON.stringify(r.objects)).not.toMatch(/"(443|6831)"/);
  });

  it("names a cross-namespace meshed peer by its ServiceAccount principal, in the trust domain given", () => {
    const only = serviceMeshRendering(
      meshArgs("istio", {
        trustDomain: "prod.example",
        flows: [
          {
            fromExternal: {
              name: "ingress",
              namespaceSelector: { "kubernetes.io/metadata.name": "ingress-nginx" },
              meshIdentity: { namespace: "ingress-nginx", serviceAccount: "ingress-nginx" },
            },
            to: "mcp-backend",
            port: 3000,
          },
        ],
      }),
    );
    const p = only.objects.find((o) => o.metadata.name === "mcp-backend") as AuthorizationPolicy;
    expect(p.spec!.rules).toEqual([
      {
        from: [{ source: { principals: ["prod.example/ns/ingress-nginx/sa/ingress-nginx"] } }],
        to: [{ operation: { ports: ["3000"] } }],
      },
    ]);
  });

  it("returns the injection label, the pod annotations and the opt-out label", () => {
    expect(r.namespaceLabels).toEqual({ "istio-injection": "enabled" });
    expect(serviceMeshRendering(meshArgs("istio", { istioRevision: "1-30" })).namespaceLabels).toEqual({
      "istio.io/rev": "1-30",
    });
    expect(r.podAnnotations).toEqual({
      "sidecar.istio.io/rewriteAppHTTPProbers": "true",
      "prometheus.istio.io/merge-metrics": "false",
      "sidecar.istio.io/nativeSidecar": "true",
    });
    expect(r.optOutLabels).toEqual({ "sidecar.istio.io/inject": "false" });
    expect(r.namespaceAnnotations).toEqual({});
  });

  it("renders objects valid against the schemas and @kubernetes-models/istio", () => {
    expect(r.objects.flatMap(istioCrdIssues)).toEqual([]);
    for (const o of r.objects) {
      const Model = o.kind === "PeerAuthentication" ? PeerAuthenticationModel : IstioAuthorizationPolicyModel;
      expect(() => new Model(o as never).validate(), `${o.kind}/${o.metadata.name}`).not.toThrow();
    }
    // The models do validate (enums, types), though not unknown fields: the zod schemas catch those.
    expect(() =>
      new PeerAuthenticationModel({
        metadata: { name: "x" },
        spec: { mtls: { mode: "strict" } },
      } as never).validate(),
    ).toThrow(/mode/);
  });
});

describe("Istio schemas", () => {
  it("reject an unknown field, a misspelt mode and a port-level setting without a selector", () => {
    const pa = byName("PeerAuthentication", "default") as PeerAuthentication;
    expect(istioCrdIssues({ ...pa, spec: { ...pa.spec, mtlsMode: "STRICT" } } as never)).toEqual([
      expect.stringMatching(/^PeerAuthentication default: spec: Unrecognized key: "mtlsMode"/),
    ]);
    expect(
      peerAuthenticationSchema.safeParse({ ...pa, spec: { mtls: { mode: "strict" } } }).error!.issues[0]!
        .path,
    ).toEqual(["spec", "mtls", "mode"]);
    expect(
      istioCrdIssues({
        ...pa,
        spec: { ...pa.spec, portLevelMtls: { "9464": { mode: "PERMISSIVE" } } },
      }).join(),
    ).toMatch(/portLevelMtls requires a selector/);
  });

  it("reject a numeric port (a string in the CRD) and a principal that is not a SPIFFE path", () => {
    const p = policy("postgres-pooler");
    const withRule = (rule: object) => ({ ...p, spec: { ...p.spec, rules: [rule] } });
    const paths = (o: object) =>
      authorizationPolicySchema.safeParse(o).error?.issues.map((i) => i.path.join(".")) ?? [];
    const principal = ["cluster.local/ns/production/sa/mcp-backend"];
    expect(
      paths(
        withRule({ from: [{ source: { principals: principal } }], to: [{ operation: { ports: [5432] } }] }),
      ),
    ).toEqual(["spec.rules.0.to.0.operation.ports.0"]);
    expect(
      paths(
        withRule({
          from: [{ source: { principals: ["mcp-backend"] } }],
          to: [{ operation: { ports: ["5432"] } }],
        }),
      ),
    ).toEqual(["spec.rules.0.from.0.source.principals.0"]);
    expect(paths(withRule({ to: [{ operation: { ports: ["70000"] } }] }))).toEqual([
      "spec.rules.0.to.0.operation.ports.0",
    ]);
  });

  it("reject a misspelt field deep in a rendered AuthorizationPolicy, which the generated schema names", () => {
    const p = policy("postgres-pooler");
    const rule = p.spec!.rules![0]!;
    const bad = { ...p, spec: { ...p.spec, rules: [{ ...rule, to: [{ operation: { port: ["5432"] } }] }] } };
    expect(istioCrdIssues(bad)).toEqual([
      expect.stringMatching(
        /^AuthorizationPolicy postgres-pooler: spec\.rules\.0\.to\.0\.operation: Unrecognized key: "port"/,
      ),
    ]);
  });
});
