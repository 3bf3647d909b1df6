import type { ClusterDns, NetworkFlows, PodGroup } from "../../k8s/lib/flows.js";
import type { KubeObject } from "../../k8s/lib/manifests.js";
import { networkPolicyObjects } from "../../k8s/network-policies/objects.js";

/**
 * A monitoring workload's flows are written in the shared flow model (infra/k8s/lib/flows.ts) and rendered
 * by the app tier's NetworkPolicies renderer: one policy per workload with both Ingress and Egress (so
 * the app tier's default deny also covers it and only its flows are open), plus DNS. The far side of a
 * flow with the app tier is the app tier's to open (`peerPolicies: false`); the stack also hands these
 * flows to the service mesh.
 */

/** The workload itself: selected by its `app.kubernetes.io/name`, owned, running as its own ServiceAccount. */
export function monitoringGroup(name: string): PodGroup {
  return { name, selector: { "app.kubernetes.io/name": name } };
}

/** The workload's NetworkPolicy (`<name>-monitoring`) in `namespace`, DNS to `dns` (or the defaults). */
export function monitoringNetworkPolicy(
  namespace: string,
  name: string,
  model: NetworkFlows,
  dns?: ClusterDns,
): KubeObject[] {
  return networkPolicyObjects({ ...model, defaultDeny: false, peerPolicies: false, ...(dns ? { dns } : {}) })
    .filter((o) => o.metadata.name === name)
    .map((o) => ({
      ...o,
      metadata: {
        ...o.metadata,
        name: `${name}-monitoring`,
        namespace,
        labels: {
          ...(o.metadata.labels as Record<string, string>),
          "app.kubernetes.io/component": "monitoring",
        },
      },
    }));
}
