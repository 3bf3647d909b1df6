import type { KubeObject } from "../lib/manifests.js";
import { assertValid } from "../lib/register.js";
import { MeshKind, type ServiceMeshArgs, validateServiceMeshArgs } from "./args.js";
import { type IstioObject, istioCrdIssues, type LinkerdObject, linkerdCrdIssues } from "./crds.js";
import { ISTIO_OPT_OUT_LABELS, ISTIO_POD_ANNOTATIONS, istioNamespaceLabels, istioObjects } from "./istio.js";
import { LINKERD_OPT_OUT_ANNOTATIONS, linkerdNamespaceAnnotations, linkerdObjects } from "./linkerd.js";
import { meshNetworkPolicyObjects } from "./network.js";

/** What a mesh needs on the namespace and the workloads, and its policy objects. */
export interface MeshRendering {
  readonly objects: (IstioObject | LinkerdObject)[];
  /** NetworkPolicies of the data plane's own flows (infra/k8s/service-mesh/network.ts); [] when turned off. */
  readonly networkPolicies: KubeObject[];
  /** Labels for the Namespace (the stack sets them). */
  readonly namespaceLabels: Record<string, string>;
  /** Annotations for the Namespace (the stack sets them). */
  readonly namespaceAnnotations: Record<string, string>;
  /** Annotations for the pod template of every meshed workload. */
  readonly podAnnotations: Record<string, string>;
  /** Pod-template labels that keep an unmeshed group's pods out of the mesh (Istio). */
  readonly optOutLabels: Record<string, string>;
  /** Pod-template annotations that keep an unmeshed group's pods out of the mesh (Linkerd). */
  readonly optOutAnnotations: Record<string, string>;
}

/**
 * Database traffic stays in the mesh, mTLS between the client's proxy and the database's, on both
 * meshes. Postgres (5432) and Redis (6379) are client-first protocols, so neither mesh waits on them:
 * Linkerd carries them opaque (Servers with `proxyProtocol: opaque`, the namespace's opaque-ports
 * annotation), Istio detects them as TCP from the client's first bytes (a Service port named `redis` is
 * one of Istio's experimental protocols, off by default, so also plain TCP). Postgres' in-band TLS
 * upgrade (SSLRequest, CloudNativePG's certificates) passes through untouched. Excluding the ports from
 * interception (`traffic.sidecar.istio.io/excludeOutboundPorts`, `config.linkerd.io/skip-*-ports`) was
 * rejected: the traffic would leave the mesh, in plaintext for Redis.
 */
export function serviceMeshRendering(args: ServiceMeshArgs): MeshRendering {
  assertValid("ServiceMesh", validateServiceMeshArgs(args));
  const networkPolicies = (args.networkPolicies ?? true) ? meshNetworkPolicyObjects(args) : [];
  if (args.mesh === MeshKind.Istio) {
    const objects = istioObjects(args);
    assertValid("ServiceMesh", objects.flatMap(istioCrdIssues));
    return {
      objects,
      networkPolicies,
      namespaceLabels: istioNamespaceLabels(args),
      namespaceAnnotations: {},
      podAnnotations: { ...ISTIO_POD_ANNOTATIONS },
      optOutLabels: { ...ISTIO_OPT_OUT_LABELS },
      optOutAnnotations: {},
    };
  }
  const objects = linkerdObjects(args);
  assertValid("ServiceMesh", objects.flatMap(linkerdCrdIssues));
  // Injection, native sidecars, opaque ports and the default policy are namespace-wide; probes need
  // nothing (Linkerd authorizes them) and plaintext ports are authorized by a NetworkAuthentication.
  return {
    objects,
    networkPolicies,
    namespaceLabels: {},
    namespaceAnnotations: linkerdNamespaceAnnotations(args),
    podAnnotations: {},
    optOutLabels: {},
    optOutAnnotations: { ...LINKERD_OPT_OUT_ANNOTATIONS },
  };
}
