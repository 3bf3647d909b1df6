import type { Chart } from "cdk8s";
import { k8s } from "cdk8s-plus-28";
import { PART_OF, port } from "./kube.js";

/**
 * One NetworkPolicy per monitoring workload, with both Ingress and Egress, so the app tier's default
 * deny also covers it and only the flows below are open. Peers are selected by the
 * `app.kubernetes.io/name` label (the app tier labels its pods the same way).
 */

export interface Flow {
  /** Ports (TCP unless "udp/<n>"). */
  readonly ports: readonly (number | `udp/${number}`)[];
  /** Pods by app.kubernetes.io/name in this namespace, "any" (every source/destination), or "kube-dns". */
  readonly peer: string | "any" | "kube-dns";
}

export interface WorkloadPolicy {
  /** The workload's app.kubernetes.io/name. */
  readonly name: string;
  readonly ingress: readonly Flow[];
  readonly egress: readonly Flow[];
}

const NAME_LABEL = "app.kubernetes.io/name";

function peers(flow: Flow): k8s.NetworkPolicyPeer[] | undefined {
  if (flow.peer === "any") return undefined;
  if (flow.peer === "kube-dns")
    return [{ namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "kube-system" } } }];
  return [{ podSelector: { matchLabels: { [NAME_LABEL]: flow.peer } } }];
}

function ports(flow: Flow): k8s.NetworkPolicyPort[] {
  return flow.ports.map((p) =>
    typeof p === "number"
      ? { port: port(p), protocol: "TCP" }
      : { port: port(Number(p.slice(4))), protocol: "UDP" },
  );
}

/** DNS lookups of Service names (UDP and TCP 53 to kube-system). */
export const DNS_EGRESS: Flow = { peer: "kube-dns", ports: [53, "udp/53"] };

export function addNetworkPolicy(chart: Chart, namespace: string, p: WorkloadPolicy): void {
  new k8s.KubeNetworkPolicy(chart, `${p.name}-netpol`, {
    metadata: {
      name: `${p.name}-monitoring`,
      namespace,
      labels: {
        "app.kubernetes.io/name": "network-policy",
        "app.kubernetes.io/component": "monitoring",
        "app.kubernetes.io/part-of": PART_OF,
        "app.kubernetes.io/managed-by": "pulumi",
      },
    },
    spec: {
      podSelector: { matchLabels: { [NAME_LABEL]: p.name } },
      policyTypes: ["Ingress", "Egress"],
      ingress: p.ingress.map((f) => ({ ...(peers(f) ? { from: peers(f) } : {}), ports: ports(f) })),
      egress: p.egress.map((f) => ({ ...(peers(f) ? { to: peers(f) } : {}), ports: ports(f) })),
    },
  });
}
