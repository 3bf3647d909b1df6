import {
  type MeshPort,
  meshedSources,
  plaintextPorts,
  portProtocol,
  SERVICE_MESH_DEFAULTS,
  type ServiceMeshArgs,
} from "./args.js";
import { meshLabels } from "./labels.js";
import {
  LINKERD_POLICY_API_VERSION,
  LINKERD_POLICY_GROUP,
  LINKERD_SERVER_API_VERSION,
  type LinkerdAuthorizationPolicy,
  type LinkerdObject,
  type MeshTLSAuthentication,
  type NetworkAuthentication,
  type ProxyProtocol,
  type Server,
} from "./linkerd-crds.js";

/** The NetworkAuthentication of plaintext clients (Prometheus, operators off the mesh). */
export const PLAINTEXT_CLIENTS = "plaintext-clients";

const PROXY_PROTOCOL: Record<NonNullable<MeshPort["protocol"]>, ProxyProtocol> = {
  http: "HTTP/1",
  http2: "HTTP/2",
  grpc: "gRPC",
  tcp: "opaque",
};

/**
 * Namespace annotations: injection, the default inbound policy for ports no Server describes, and the
 * opaque ports (Postgres and Redis are in Linkerd's own default list too; naming them keeps them opaque
 * whatever the control plane's setting).
 */
export function linkerdNamespaceAnnotations(args: ServiceMeshArgs): Record<string, string> {
  return {
    "linkerd.io/inject": "enabled",
    "config.linkerd.io/default-inbound-policy":
      args.linkerdDefaultInboundPolicy ?? SERVICE_MESH_DEFAULTS.linkerdDefaultInboundPolicy,
    "config.linkerd.io/opaque-ports": [...(args.opaquePorts ?? SERVICE_MESH_DEFAULTS.opaquePorts)]
      .sort((a, b) => a - b)
      .join(","),
  };
}

/**
 * One Server per port of every meshed workload (accessPolicy deny), and per port an AuthorizationPolicy
 * requiring a MeshTLSAuthentication of its meshed sources (ServiceAccounts, or "*" for "any"), or the
 * plaintext NetworkAuthentication on plaintext ports. Kubelet probes stay authorized: Linkerd adds
 * probe routes to a Server with no HTTPRoute.
 */
export function linkerdObjects(args: ServiceMeshArgs): LinkerdObject[] {
  const objects: LinkerdObject[] = [];
  const policy = (
    name: string,
    server: string,
    authKind: string,
    authName: string,
    component: string,
  ): LinkerdAuthorizationPolicy => ({
    apiVersion: LINKERD_POLICY_API_VERSION,
    kind: "AuthorizationPolicy",
    metadata: { name, labels: meshLabels(component) },
    spec: {
      targetRef: { group: LINKERD_POLICY_GROUP, kind: "Server", name: server },
      requiredAuthenticationRefs: [{ group: LINKERD_POLICY_GROUP, kind: authKind, name: authName }],
    },
  });
  let plaintextUsed = false;
  for (const w of args.workloads) {
    if (w.meshed === false) continue;
    const plaintext = plaintextPorts(args, w);
    for (const p of w.ports ?? []) {
      const server = `${w.name}-${p.name}`;
      const protocol = portProtocol(args, p);
      objects.push({
        apiVersion: LINKERD_SERVER_API_VERSION,
        kind: "Server",
        metadata: { name: server, labels: meshLabels(w.name) },
        spec: {
          podSelector: { matchLabels: { ...w.selector } },
          port: p.port,
          proxyProtocol: protocol ? PROXY_PROTOCOL[protocol] : "unknown",
          accessPolicy: "deny",
        },
      } satisfies Server);
      if (plaintext.includes(p.port)) {
        plaintextUsed = true;
        objects.push(
          policy(`${server}-plaintext`, server, "NetworkAuthentication", PLAINTEXT_CLIENTS, w.name),
        );
      }
      const sources = meshedSources(args, w, p.port);
      if (sources.length === 0) continue;
      const refs = new Map<string, { namespace: string; serviceAccount: string }>();
      for (const s of sources) if (s !== "any") refs.set(`${s.namespace}/${s.serviceAccount}`, s);
      const spec: MeshTLSAuthentication["spec"] = sources.includes("any")
        ? { identities: ["*"] }
        : {
            identityRefs: [...refs.entries()]
              .sort(([a], [b]) => a.localeCompare(b))
              .map(([, s]) => ({ kind: "ServiceAccount", name: s.serviceAccount, namespace: s.namespace })),
          };
      objects.push({
        apiVersion: LINKERD_POLICY_API_VERSION,
        kind: "MeshTLSAuthentication",
        metadata: { name: `${server}-clients`, labels: meshLabels(w.name) },
        spec,
      });
      objects.push(policy(server, server, "MeshTLSAuthentication", `${server}-clients`, w.name));
    }
  }
  if (plaintextUsed)
    objects.push({
      apiVersion: LINKERD_POLICY_API_VERSION,
      kind: "NetworkAuthentication",
      metadata: { name: PLAINTEXT_CLIENTS, labels: meshLabels("plaintext") },
      spec: { networks: [{ cidr: "0.0.0.0/0" }, { cidr: "::/0" }] },
    } satisfies NetworkAuthentication);
  return objects;
}
