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
  it("annotates the namespace: injection, default deny, Postgres and Redis opaque", () => {
    expect(r.namespaceAnnotations).toEqual({
      "linkerd.io/inject": "enabled",
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
    expect(r.tcpServicePorts).toEqual([]);
  });

  it("declares one deny-by-default Server per workload port, opaque for the databases", () => {
    const servers = r.objects.filter((o) => o.kind === "Server") as Server[];
    expect(
      Object.fromEntries(servers.map((s) => [s.metadata.name, [s.spec.port, s.spec.proxyProtocol]])),
    ).toEqual({
      "mcp-backend-http": [3000, "HTTP/1"],
      "mcp-backend-metrics": [9464, "HTTP/1"],
      "postgres-pooler-pgbouncer": [5432, "opaque"],
      "postgres-instances-postgresql": [5432, "opaque"],
      "postgres-instances-status": [8000, "unknown"],
      "postgres-instances-metrics": [9187, "HTTP/1"],
      "redis-redis": [6379, "opaque"],
      "redis-metrics": [9121, "HTTP/1"],
    });
    for (const s of servers) expect(s.spec.accessPolicy).toBe("deny");
  });

  it("authorizes each flow's ServiceAccounts by mTLS identity, and any meshed client for 'any'", () => {
    expect(
      get<MeshTLSAuthentication>("MeshTLSAuthentication", "postgres-instances-postgresql-clients").spec,
    ).toEqual({
      identityRefs: [
        { kind: "ServiceAccount", name: "postgres", namespace: "production" },
        { kind: "ServiceAccount", name: "postgres-pooler", namespace: "production" },
      ],
    });
    expect(get<MeshTLSAuthentication>("MeshTLSAuthentication", "mcp-backend-http-clients").spec).toEqual({
      identities: ["*"],
    });
    expect(get<LinkerdAuthorizationPolicy>("AuthorizationPolicy", "redis-redis").spec).toEqual({
      targetRef: { group: "policy.linkerd.io", kind: "Server", name: "redis-redis" },
      requiredAuthenticationRefs: [
        { group: "policy.linkerd.io", kind: "MeshTLSAuthentication", name: "redis-redis-clients" },
      ],
    });
  });

  it("lets plaintext clients (Prometheus, the operator) reach only their ports", () => {
    const plaintext = r.objects
      .filter((o) => o.kind === "AuthorizationPolicy" && o.metadata.name.endsWith("-plaintext"))
      .map((o) => (o as LinkerdAuthorizationPolicy).spec.targetRef.name)
      .sort();
    expect(plaintext).toEqual([
      "mcp-backend-metrics",
      "postgres-instances-metrics",
      "postgres-instances-status",
      "redis-metrics",
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
    const s = get<Server>("Server", "redis-redis");
    expect(linkerdCrdIssues({ ...s, spec: { ...s.spec, protocol: "opaque" } } as never)).toEqual([
      expect.stringMatching(/^Server redis-redis: spec: Unrecognized key: "protocol"/),
    ]);
    expect(
      serverSchema.safeParse({ ...s, spec: { ...s.spec, proxyProtocol: "tcp" } }).error!.issues[0]!.path,
    ).toEqual(["spec", "proxyProtocol"]);
  });

  it("require exactly one of identities and identityRefs", () => {
    const m = get<MeshTLSAuthentication>("MeshTLSAuthentication", "mcp-backend-http-clients");
    expect(meshTlsAuthenticationSchema.safeParse({ ...m, spec: {} }).success).toBe(false);
  });
});
