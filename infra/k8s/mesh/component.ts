import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { resourceName } from "../manifests.js";
import type { ServiceMeshArgs } from "./args.js";
import { serviceMeshRendering, type TcpServicePort } from "./objects.js";

/**
 * mTLS between the namespace's workloads and authorization mirroring the allowed flows, on Istio
 * (PeerAuthentication STRICT, AuthorizationPolicy per workload after an allow-nothing) or Linkerd
 * (Servers denying by default, AuthorizationPolicies over MeshTLSAuthentication identities).
 *
 * The component creates only the policy objects; the Namespace and the workloads belong to the stack,
 * which applies `namespaceLabels`, `namespaceAnnotations`, `podAnnotations` and `tcpServicePorts`.
 * Prerequisites: the mesh's control plane, and its CNI plugin under Pod Security "restricted" (the
 * init container that redirects traffic needs NET_ADMIN, which "restricted" forbids).
 */
export class ServiceMesh extends pulumi.ComponentResource {
  public readonly mesh: ServiceMeshArgs["mesh"];
  /** Labels the Namespace must carry (Istio: injection or revision). */
  public readonly namespaceLabels: Record<string, string>;
  /** Annotations the Namespace must carry (Linkerd: injection, default policy, opaque ports). */
  public readonly namespaceAnnotations: Record<string, string>;
  /** Annotations for the pod template of every meshed workload (Istio: probes, metrics, start order). */
  public readonly podAnnotations: Record<string, string>;
  /** Istio: Service ports to name `tcp-…` / give `appProtocol: tcp`. */
  public readonly tcpServicePorts: TcpServicePort[];
  /** `Kind/name` of every policy object. */
  public readonly policyNames: string[];
  /** Every resource, for dependsOn. */
  public readonly resources: pulumi.CustomResource[];

  constructor(name: string, args: ServiceMeshArgs, opts?: pulumi.ComponentResourceOptions) {
    super("mcp-stack:infra:ServiceMesh", name, {}, opts);
    const r = serviceMeshRendering(args);
    this.mesh = args.mesh;
    this.namespaceLabels = r.namespaceLabels;
    this.namespaceAnnotations = r.namespaceAnnotations;
    this.podAnnotations = r.podAnnotations;
    this.tcpServicePorts = r.tcpServicePorts;
    this.policyNames = r.objects.map((o) => `${o.kind}/${o.metadata.name}`);
    this.resources = r.objects.map((o) => {
      const metadata = { ...o.metadata, namespace: args.namespace };
      return new k8s.apiextensions.CustomResource(
        resourceName({ apiVersion: o.apiVersion, kind: o.kind, metadata }),
        { ...o, metadata },
        { parent: this },
      );
    });
    this.registerOutputs({
      mesh: this.mesh,
      namespaceLabels: this.namespaceLabels,
      namespaceAnnotations: this.namespaceAnnotations,
      podAnnotations: this.podAnnotations,
      tcpServicePorts: this.tcpServicePorts,
      policyNames: this.policyNames,
    });
  }
}
