import { assertValid } from "../register.js";
import { portProtocol, type ServiceMeshArgs, validateServiceMeshArgs } from "./args.js";
import { ISTIO_POD_ANNOTATIONS, istioNamespaceLabels, istioObjects } from "./istio.js";
import { type IstioObject, istioCrdIssues } from "./istio-crds.js";
import { linkerdNamespaceAnnotations, linkerdObjects } from "./linkerd.js";
import { type LinkerdObject, linkerdCrdIssues } from "./linkerd-crds.js";

/** A Service port that must declare TCP so Istio skips protocol detection on it. */
export interface TcpServicePort {
  readonly workload: string;
  readonly port: number;
  /** Port name for the Service (`tcp-<name>`), Istio's naming convention. */
  readonly name: string;
  readonly appProtocol: "tcp";
}

/** What a mesh needs on the namespace and the workloads, and its policy objects. */
export interface MeshRendering {
  readonly objects: (IstioObject | LinkerdObject)[];
  /** Labels for the Namespace (the stack sets them). */
  readonly namespaceLabels: Record<string, string>;
  /** Annotations for the Namespace (the stack sets them). */
  readonly namespaceAnnotations: Record<string, string>;
  /** Annotations for the pod template of every meshed workload. */
  readonly podAnnotations: Record<string, string>;
  /** Istio: Service ports to declare as TCP. Linkerd: none (its Servers say `opaque`). */
  readonly tcpServicePorts: TcpServicePort[];
}

/**
 * Database traffic stays in the mesh, mTLS between the app's proxy and the database's, on both meshes.
 * Postgres (5432) and Redis (6379) are client-first, so detection would not hang, but neither is HTTP:
 * declaring them TCP (Istio: `appProtocol: tcp` / `tcp-` port names on their Services, listed in
 * `tcpServicePorts`; Linkerd: opaque Servers and `config.linkerd.io/opaque-ports`) skips detection and
 * keeps Postgres' in-band TLS upgrade (SSLRequest) and Redis' pipelining untouched. Excluding the ports
 * from interception (`traffic.sidecar.istio.io/excludeOutboundPorts`) was rejected: the traffic would
 * leave the mesh, in plaintext for Redis, and STRICT would then refuse it at a meshed server.
 */
export function serviceMeshRendering(args: ServiceMeshArgs): MeshRendering {
  assertValid("ServiceMesh", validateServiceMeshArgs(args));
  if (args.mesh === "istio") {
    const objects = istioObjects(args);
    assertValid("ServiceMesh", objects.flatMap(istioCrdIssues));
    const tcpServicePorts = args.workloads
      .filter((w) => w.meshed !== false)
      .flatMap((w) =>
        (w.ports ?? [])
          .filter((p) => portProtocol(args, p) === "tcp")
          .map(
            (p): TcpServicePort => ({
              workload: w.name,
              port: p.port,
              name: `tcp-${p.name}`,
              appProtocol: "tcp",
            }),
          ),
      );
    return {
      objects,
      namespaceLabels: istioNamespaceLabels(args),
      namespaceAnnotations: {},
      podAnnotations: { ...ISTIO_POD_ANNOTATIONS },
      tcpServicePorts,
    };
  }
  const objects = linkerdObjects(args);
  assertValid("ServiceMesh", objects.flatMap(linkerdCrdIssues));
  // Injection, opaque ports and the default policy are namespace-wide; probes need nothing (Linkerd
  // authorizes them) and Prometheus' plaintext scrape is authorized by a NetworkAuthentication.
  return {
    objects,
    namespaceLabels: {},
    namespaceAnnotations: linkerdNamespaceAnnotations(args),
    podAnnotations: {},
    tcpServicePorts: [],
  };
}
