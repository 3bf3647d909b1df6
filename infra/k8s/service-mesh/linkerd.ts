import { meshedGroups, SERVICE_MESH_DEFAULTS, type ServiceMeshArgs } from "./args.js";
import {
  LINKERD_POLICY_API_VERSION,
  LINKERD_POLICY_GROUP,
  LINKERD_SERVER_API_VERSION,
  type LinkerdAuthorizationPolicy,
  type LinkerdObject,
  type MeshTLSAuthentication,
  type NetworkAuthentication,
  type Server,
} from "./crds.js";
import { meshLabels } from "./labels.js";

/** The NetworkAuthentication of plaintext clients (Prometheus, the public port, operators off the mesh). */
export const PLAINTEXT_CLIENTS = "plaintext-clients";

/** The pod annotation that keeps a pod of an injected namespace out of Linkerd's mesh. */
export const LINKERD_OPT_OUT_ANNOTATIONS: Readonly<Record<string, string>> = {
  "linkerd.io/inject": "disabled",
};

/**
 * Namespace annotations, inherited by every pod: injection; the proxy as a native sidecar (ready before
 * the app connects, and Jobs such as backups and CloudNativePG's initdb finish); the default inbound
 * policy for ports no Server describes; the opaque ports (Postgres and Redis are in Linkerd's own
 * default list too; naming them keeps them opaque whatever the control plane's setting).
 */
export function linkerdNamespaceAnnotations(args: ServiceMeshArgs): Record<string, string> {
  return {
    "linkerd.io/inject": "enabled",
    "config.beta.linkerd.io/proxy-enable-native-sidecar": "true",
    "config.linkerd.io/default-inbound-policy":
      args.linkerdDefaultInboundPolicy ?? SERVICE_MESH_DEFAULTS.linkerdDefaultInboundPolicy,
    "config.linkerd.io/opaque-ports": [...(args.opaquePorts ?? SERVICE_MESH_DEFAULTS.opaquePorts)]
      .sort((a, b) => a - b)
      .join(","),
  };
}

/**
 * One Server per inbound port of every meshed group (accessPolicy deny), and per port one
 * AuthorizationPolicy: on a plaintext port, the NetworkAuthentication of every address (the
 * NetworkPolicies decide who reaches it); otherwise a MeshTLSAuthentication of the sources'
 * ServiceAccounts. Kubelet probes stay authorized: Linkerd adds probe routes to a Server with no
 * HTTPRoute.
 */
export function linkerdObjects(args: ServiceMeshArgs): LinkerdObject[] {
  const objects: LinkerdObject[] = [];
  const policy = (
    server: string,
    authKind: string,
    authName: string,
    component: string,
  ): LinkerdAuthorizationPolicy => ({
    apiVersion: LINKERD_POLICY_API_VERSION,
    kind: "AuthorizationPolicy",
    metadata: { name: server, labels: meshLabels(component) },
    spec: {
      targetRef: { group: LINKERD_POLICY_GROUP, kind: "Server", name: server },
      requiredAuthenticationRefs: [{ group: LINKERD_POLICY_GROUP, kind: authKind, name: authName }],
    },
  });
  let plaintextUsed = false;
  for (const { group, ports } of meshedGroups(args)) {
    for (const p of ports) {
      const server = `${group.name}-${p.port}`;
      objects.push({
        apiVersion: LINKERD_SERVER_API_VERSION,
        kind: "Server",
        metadata: { name: server, labels: meshLabels(group.name) },
        spec: {
          podSelector: { matchLabels: { ...group.selector } },
          port: p.port,
          proxyProtocol: p.opaque ? "opaque" : "unknown",
          accessPolicy: "deny",
        },
      } satisfies Server);
      if (p.plaintext) {
        plaintextUsed = true;
        objects.push(policy(server, "NetworkAuthentication", PLAINTEXT_CLIENTS, group.name));
        continue;
      }
      objects.push({
        apiVersion: LINKERD_POLICY_API_VERSION,
        kind: "MeshTLSAuthentication",
        metadata: { name: `${server}-clients`, labels: meshLabels(group.name) },
        spec: {
          identityRefs: p.identities.map((s) => ({
            kind: "ServiceAccount",
            name: s.serviceAccount,
            namespace: s.namespace,
          })),
        },
      } satisfies MeshTLSAuthentication);
      objects.push(policy(server, "MeshTLSAuthentication", `${server}-clients`, group.name));
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
