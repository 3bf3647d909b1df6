import { describe, expect, it } from "vitest";
import {
  type LinkerdAuthorizationPolicy,
  linkerdCrdIssues,
  type MeshTLSAuthentication,
  meshTlsAuthenticationSchema,
  type Server,
  serverSchema,
  serviceMeshRendering,
} from "../../../../infra/index.js";
import { meshArgs } from "./fixtures.js";

const r = serviceMeshRendering(meshArgs("linkerd"));
const get = <T>(kind: string, name: string) =>
  r.objects.find((o) => o.kind === kind && o.metadata.name === name) as T;

describe("Linkerd rendering", () => {
  it("annotates the namespace: injection, native sidecars, default deny, Postgres and Redis opaque", () => {
    expect(r.namespaceAnnotations).toEqual({
      "linkerd.io/inject": "enabled",
      "config.beta.linkerd.io/proxy-enable-native-sidecar": "true",
      "config.linkerd.io/default-inbound-policy": "deny",
      "config.linkerd.io/opaque-ports": "5432,6379",
    });
    expect(
      serviceMeshRendering(meshArgs("linkerd", { linkerdDefaultInboundPolicy: "all-authenticated" }))
        .namespaceAnnotations,
    ).toMatchObject({
      "config.linkerd.io/default-inbound-policy": "all-authenticated",
    });
    expect(r.namespaceLabels).toEqual({});
    expect(r.optOutAnnotations).toEqual({ "linkerd.io/inject": "disabled" });
  });

  it("declares one deny-by-default Server per inbound port of a meshed group, opaque for the databases", () => {
    const servers = r.objects.filter((o) => o.kind === "Server") as Server[];
    expect(
      Object.fromEntries(servers.map((s) => [s.metadata.name, [s.spec.port, s.spec.proxyProtocol]])),
    ).toEqual({
      "mcp-backend-3000": [3000, "unknown"],
      "mcp-backend-9464": [9464, "unknown"],
      "postgres-pooler-5432": [5432, "opaque"],
      "postgres-instances-5432": [5432, "opaque"],
      "postgres-instances-8000": [8000, "unknown"],
      "postgres-instances-9187": [9187, "unknown"],
      "redis-6379": [6379, "opaque"],
      "redis-9121": [9121, "unknown"],
    });
    for (const s of servers) expect(s.spec.accessPolicy).toBe("deny");
  });

  it("authorizes each flow's ServiceAccounts by mTLS identity", () => {
    expect(
      get<MeshTLSAuthentication>("MeshTLSAuthentication", "postgres-instances-5432-clients").spec,
    ).toEqual({
      identityRefs: [
        { kind: "ServiceAccount", name: "postgres", namespace: "production" },
        { kind: "ServiceAccount", name: "postgres-pooler", namespace: "production" },
      ],
    });
    expect(get<LinkerdAuthorizationPolicy>("AuthorizationPolicy", "redis-6379").spec).toEqual({
      targetRef: { group: "policy.linkerd.io", kind: "Server", name: "redis-6379" },
      requiredAuthenticationRefs: [
        { group: "policy.linkerd.io", kind: "MeshTLSAuthentication", name: "redis-6379-clients" },
      ],
    });
  });

  it("lets plaintext clients (Prometheus, the public port's, the operator) reach only their ports", () => {
    const plaintext = r.objects
      .filter(
        (o) =>
          o.kind === "AuthorizationPolicy" &&
          (o as LinkerdAuthorizationPolicy).spec.requiredAuthenticationRefs[0]!.kind ===
            "NetworkAuthentication",
      )
      .map((o) => (o as LinkerdAuthorizationPolicy).spec.targetRef.name)
      .sort();
    expect(plaintext).toEqual([
      "mcp-backend-3000",
      "mcp-backend-9464",
      "postgres-instances-8000",
      "postgres-instances-9187",
      "redis-9121",
    ]);
    expect(get("NetworkAuthentication", "plaintext-clients")).toMatchObject({
      spec: { networks: [{ cidr: "0.0.0.0/0" }, { cidr: "::/0" }] },
    });
  });

  it("renders objects that pass their schemas", () => {
    expect(r.objects.flatMap(linkerdCrdIssues)).toEqual([]);
  });
});

describe("Linkerd schemas", () => {
  it("reject an unknown field and a protocol Linkerd does not know", () => {
    const s = get<Server>("Server", "redis-6379");
    expect(linkerdCrdIssues({ ...s, spec: { ...s.spec, protocol: "opaque" } } as never)).toEqual([
      expect.stringMatching(/^Server redis-6379: spec: Unrecognized key: "protocol"/),
    ]);
    expect(
      serverSchema.safeParse({ ...s, spec: { ...s.spec, proxyProtocol: "tcp" } }).error!.issues[0]!.path,
    ).toEqual(["spec", "proxyProtocol"]);
  });

  it("require exactly one of identities and identityRefs", () => {
    const m = get<MeshTLSAuthentication>("MeshTLSAuthentication", "redis-6379-clients");
    expect(meshTlsAuthenticationSchema.safeParse({ ...m, spec: {} }).success).toBe(false);
  });
});
