import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { componentOptions, componentType } from "../../lib/component-type.js";
import { resourceName } from "../lib/manifests.js";
import { registerNamespaced } from "../lib/register.js";
import type { MeshKind, ServiceMeshArgs } from "./args.js";
import { serviceMeshRendering } from "./objects.js";

/**
 * mTLS between the namespace's workloads and authorization mirroring the allowed flows, on Istio
 * (PeerAuthentication STRICT, AuthorizationPolicy per workload after an allow-nothing) or Linkerd
 * (Servers denying by default, AuthorizationPolicies over MeshTLSAuthentication identities).
 *
 * The policies mirror a flow model (infra/k8s/lib/flows.ts): give it the flows the NetworkPolicies are
 * rendered from. The component creates only the policy objects; the Namespace and the workloads belong
 * to the caller, which applies `namespaceLabels`, `namespaceAnnotations`, `podAnnotations` (meshed
 * workloads) and `optOutLabels` / `optOutAnnotations` (groups with `meshed: false`).
 * Prerequisites: the mesh's control plane with native sidecars, and its CNI plugin under Pod Security
 * "restricted" (the init container that redirects traffic needs NET_ADMIN, which "restricted" forbids).
 */
export class ServiceMesh extends pulumi.ComponentResource {
  public readonly mesh: MeshKind;
  /** Labels the Namespace must carry (Istio: injection or revision). */
  public readonly namespaceLabels: Record<string, string>;
  /** Annotations the Namespace must carry (Linkerd: injection, default policy, opaque ports). */
  public readonly namespaceAnnotations: Record<string, string>;
  /** Annotations for the pod template of every meshed workload (Istio: probes, metrics, start order). */
  public readonly podAnnotations: Record<string, string>;
  /** Pod-template labels for pods kept off the mesh (Istio: `sidecar.istio.io/inject: "false"`). */
  public readonly optOutLabels: Record<string, string>;
  /** Pod-template annotations for pods kept off the mesh (Linkerd: `linkerd.io/inject: disabled`). */
  public readonly optOutAnnotations: Record<string, string>;
  /** `Kind/name` of every policy object. */
  public readonly policyNames: string[];
  /** URNs of the policy objects, resolved once all are registered (depend on the component to wait for them). */
  public readonly policyUrns: pulumi.Output<string[]>;

  constructor(name: string, args: ServiceMeshArgs, opts?: pulumi.ComponentResourceOptions) {
    super(componentType("ServiceMesh"), name, {}, componentOptions("ServiceMesh", opts));
    const r = serviceMeshRendering(args);
    this.mesh = args.mesh;
    this.namespaceLabels = r.namespaceLabels;
    this.namespaceAnnotations = r.namespaceAnnotations;
    this.podAnnotations = r.podAnnotations;
    this.optOutLabels = r.optOutLabels;
    this.optOutAnnotations = r.optOutAnnotations;
    this.policyNames = r.objects.map((o) => `${o.kind}/${o.metadata.name}`);
    const resources = r.objects.map((o) => {
      const metadata = { ...o.metadata, namespace: args.namespace };
      return new k8s.apiextensions.CustomResource(
        resourceName({ apiVersion: o.apiVersion, kind: o.kind, metadata }),
        { ...o, metadata },
        { parent: this },
      );
    });
    // The data plane's NetworkPolicies are ordinary objects; they count among the policies to wait for.
    const networkPolicies = registerNamespaced(r.networkPolicies, args.namespace, this);
    this.policyNames.push(...r.networkPolicies.map((o) => `NetworkPolicy/${o.metadata.name}`));
    this.policyUrns = pulumi.all([...resources, ...networkPolicies].map((x) => x.urn));
    this.registerOutputs({
      mesh: this.mesh,
      namespaceLabels: this.namespaceLabels,
      namespaceAnnotations: this.namespaceAnnotations,
      podAnnotations: this.podAnnotations,
      optOutLabels: this.optOutLabels,
      optOutAnnotations: this.optOutAnnotations,
      policyNames: this.policyNames,
      policyUrns: this.policyUrns,
    });
  }
}
