import { meshedSources, plaintextPorts, SERVICE_MESH_DEFAULTS, type ServiceMeshArgs } from "./args.js";
import {
  type AuthorizationPolicy,
  type AuthorizationRule,
  ISTIO_SECURITY_API_VERSION,
  type PeerAuthentication,
} from "./istio-crds.js";
import { meshLabels } from "./labels.js";

/**
 * Pod annotations every meshed workload carries under Istio:
 * - `sidecar.istio.io/rewriteAppHTTPProbers: "true"`: the injector rewrites the app's HTTP probes to the
 *   sidecar agent (port 15020), which calls the app over localhost; the kubelet has no mesh identity,
 *   so under STRICT mTLS a probe straight to the app port would be refused. True is Istio's default;
 *   pinning it keeps probes working if a mesh-wide setting turns it off.
 * - `prometheus.istio.io/merge-metrics: "false"`: by default the injector repoints the prometheus.io
 *   annotations at the agent's merged endpoint (15020), a port the NetworkPolicies do not open;
 *   Prometheus keeps scraping the app's metrics port, which accepts plaintext (PERMISSIVE).
 * - `proxy.istio.io/config` holdApplicationUntilProxyStarts: the app connects to Postgres and Redis at
 *   start, which fails while the sidecar is not ready yet.
 */
export const ISTIO_POD_ANNOTATIONS: Readonly<Record<string, string>> = {
  "sidecar.istio.io/rewriteAppHTTPProbers": "true",
  "prometheus.istio.io/merge-metrics": "false",
  "proxy.istio.io/config": '{"holdApplicationUntilProxyStarts":true}',
};

/** Namespace labels turning on sidecar injection: the revision label, or `istio-injection: enabled`. */
export function istioNamespaceLabels(args: ServiceMeshArgs): Record<string, string> {
  return args.istioRevision ? { "istio.io/rev": args.istioRevision } : { "istio-injection": "enabled" };
}

/**
 * STRICT mTLS for the namespace, PERMISSIVE on exactly the plaintext ports of each workload (its
 * metrics port, targets of flows from unmeshed clients), a default allow-nothing, and one ALLOW policy
 * per workload mirroring its inbound flows: per port, the principals of its meshed sources ("*" for
 * "any": any authenticated client), and no `from` on plaintext ports (the NetworkPolicies still decide
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
  for (const w of args.workloads) {
    if (w.meshed === false) continue;
    const matchLabels = { ...w.selector };
    const plaintext = plaintextPorts(args, w);
    if (plaintext.length > 0)
      objects.push({
        apiVersion: ISTIO_SECURITY_API_VERSION,
        kind: "PeerAuthentication",
        metadata: { name: `${w.name}-plaintext-ports`, labels: meshLabels(w.name) },
        spec: {
          selector: { matchLabels },
          mtls: { mode: "STRICT" },
          portLevelMtls: Object.fromEntries(
            plaintext.map((p) => [String(p), { mode: "PERMISSIVE" as const }]),
          ),
        },
      });
    const rules: AuthorizationRule[] = [];
    for (const p of w.ports ?? []) {
      const to = [{ operation: { ports: [String(p.port)] } }];
      if (plaintext.includes(p.port)) {
        rules.push({ to });
        continue;
      }
      const sources = meshedSources(args, w, p.port);
      if (sources.length === 0) continue;
      const principals = sources.includes("any")
        ? ["*"]
        : [
            ...new Set(
              sources.map((s) => (s === "any" ? "*" : `${td}/ns/${s.namespace}/sa/${s.serviceAccount}`)),
            ),
          ].sort();
      rules.push({ from: [{ source: { principals } }], to });
    }
    if (rules.length > 0)
      objects.push({
        apiVersion: ISTIO_SECURITY_API_VERSION,
        kind: "AuthorizationPolicy",
        metadata: { name: w.name, labels: meshLabels(w.name) },
        spec: { selector: { matchLabels }, action: "ALLOW", rules },
      });
  }
  return objects;
}
