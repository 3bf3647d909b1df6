import { type Identity, meshedGroups, SERVICE_MESH_DEFAULTS, type ServiceMeshArgs } from "./args.js";
import {
  type AuthorizationPolicy,
  type AuthorizationRule,
  ISTIO_SECURITY_API_VERSION,
  type PeerAuthentication,
} from "./crds.js";
import { meshLabels } from "./labels.js";

/**
 * Pod annotations every meshed workload carries under Istio:
 * - `sidecar.istio.io/rewriteAppHTTPProbers: "true"`: the injector rewrites the app's HTTP, TCP and gRPC
 *   probes to the sidecar agent (port 15020), which calls the app over localhost; the kubelet has no
 *   mesh identity, so under STRICT mTLS a probe straight to the app port would be refused. True is
 *   Istio's default; pinning it keeps probes working if a mesh-wide setting turns it off.
 * - `prometheus.istio.io/merge-metrics: "false"`: by default the injector repoints the prometheus.io
 *   annotations at the agent's merged endpoint (15020), a port the NetworkPolicies do not open;
 *   Prometheus keeps scraping the workloads' own metrics ports, which accept plaintext (PERMISSIVE).
 * - `sidecar.istio.io/nativeSidecar: "true"`: the proxy runs as a Kubernetes native sidecar (an init
 *   container that keeps running), so it is ready before the app connects to Postgres and Redis at
 *   start, and Jobs (backups, CloudNativePG's initdb and join) finish when their container does.
 */
export const ISTIO_POD_ANNOTATIONS: Readonly<Record<string, string>> = {
  "sidecar.istio.io/rewriteAppHTTPProbers": "true",
  "prometheus.istio.io/merge-metrics": "false",
  "sidecar.istio.io/nativeSidecar": "true",
};

/** The pod label that keeps a pod of an injected namespace out of Istio's mesh. */
export const ISTIO_OPT_OUT_LABELS: Readonly<Record<string, string>> = { "sidecar.istio.io/inject": "false" };

/** Namespace labels turning on sidecar injection: the revision label, or `istio-injection: enabled`. */
export function istioNamespaceLabels(args: ServiceMeshArgs): Record<string, string> {
  return args.istioRevision ? { "istio.io/rev": args.istioRevision } : { "istio-injection": "enabled" };
}

/** `<trust domain>/ns/<namespace>/sa/<service account>`: the SPIFFE identity Istio's principals name. */
export function istioPrincipal(trustDomain: string, id: Identity): string {
  return `${trustDomain}/ns/${id.namespace}/sa/${id.serviceAccount}`;
}

/**
 * STRICT mTLS for the namespace, PERMISSIVE on exactly the plaintext ports of each workload (those a
 * plaintext source reaches: Prometheus' scrape, the public port, an operator off the mesh), a default
 * allow-nothing, and one ALLOW policy per meshed group mirroring its inbound flows: per port, the
 * principals of its meshed sources, and no `from` on plaintext ports (the NetworkPolicies still decide
 * who reaches them).
 */
export function istioObjects(args: ServiceMeshArgs): (PeerAuthentication | AuthorizationPolicy)[] {
  const td = args.trustDomain ?? SERVICE_MESH_DEFAULTS.trustDomain;
  const objects: (PeerAuthentication | AuthorizationPolicy)[] = [
    {
      apiVersion: ISTIO_SECURITY_API_VERSION,
      kind: "PeerAuthentication",
      metadata: { name: "default", labels: meshLabels("mtls") },
      spec: { mtls: { mode: "STRICT" } },
    },
    {
      // An ALLOW policy with no rules matches nothing: every request not allowed below is denied.
      apiVersion: ISTIO_SECURITY_API_VERSION,
      kind: "AuthorizationPolicy",
      metadata: { name: "allow-nothing", labels: meshLabels("default-deny") },
      spec: {},
    },
  ];
  for (const { group, ports } of meshedGroups(args)) {
    const matchLabels = { ...group.selector };
    const plaintext = ports.filter((p) => p.plaintext).map((p) => p.port);
    if (plaintext.length > 0)
      objects.push({
        apiVersion: ISTIO_SECURITY_API_VERSION,
        kind: "PeerAuthentication",
        metadata: { name: `${group.name}-plaintext-ports`, labels: meshLabels(group.name) },
        spec: {
          selector: { matchLabels },
          mtls: { mode: "STRICT" },
          portLevelMtls: Object.fromEntries(
            plaintext.map((p) => [String(p), { mode: "PERMISSIVE" as const }]),
          ),
        },
      });
    const rules: AuthorizationRule[] = ports.map((p) => {
      const to = [{ operation: { ports: [String(p.port)] } }];
      if (p.plaintext) return { to };
      return { from: [{ source: { principals: p.identities.map((id) => istioPrincipal(td, id)) } }], to };
    });
    objects.push({
      apiVersion: ISTIO_SECURITY_API_VERSION,
      kind: "AuthorizationPolicy",
      metadata: { name: group.name, labels: meshLabels(group.name) },
      spec: { selector: { matchLabels }, action: "ALLOW", rules },
    });
  }
  return objects;
}
