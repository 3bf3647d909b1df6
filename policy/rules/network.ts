import { byKind, type KubeObject, type PodTemplate, selects } from "./objects.js";

/** A NetworkPolicy's spec as far as the rules read it. */
export interface Peer {
  podSelector?: { matchLabels?: Record<string, string> };
  namespaceSelector?: { matchLabels?: Record<string, string> };
  ipBlock?: { cidr: string; except?: string[] };
}
export interface PolicyRule {
  from?: Peer[];
  to?: Peer[];
  ports?: { port: number; protocol?: string }[];
}
export interface NetworkPolicySpec {
  podSelector: { matchLabels?: Record<string, string> };
  policyTypes?: string[];
  ingress?: PolicyRule[];
  egress?: PolicyRule[];
}

export function networkPolicies(objects: readonly KubeObject[]): NetworkPolicySpec[] {
  return byKind(objects, "NetworkPolicy").map((p) => p.spec as NetworkPolicySpec);
}

export function portMatches(rule: PolicyRule, port: number, protocol: string): boolean {
  return !rule.ports || rule.ports.some((p) => p.port === port && (p.protocol ?? "TCP") === protocol);
}

/** A same-namespace pod peer (a bare podSelector), or no peer list at all (= anyone). */
export function peerMatches(peers: Peer[] | undefined, labels: Record<string, string>): boolean {
  return (
    !peers ||
    peers.some((p) => !p.namespaceSelector && !p.ipBlock && selects(p.podSelector?.matchLabels, labels))
  );
}

/**
 * Whether the policies let a pod with `src` labels open `port` on a pod with `dst` labels in the same
 * namespace: some policy selecting the source allows the egress, and some policy selecting the
 * destination allows the ingress (what a NetworkPolicy implementation enforces).
 */
export function allowed(
  objects: readonly KubeObject[],
  src: Record<string, string>,
  dst: Record<string, string>,
  port: number,
  protocol = "TCP",
): boolean {
  const ps = networkPolicies(objects);
  const egressOk = ps
    .filter((p) => p.policyTypes?.includes("Egress") && selects(p.podSelector.matchLabels, src))
    .some((p) => (p.egress ?? []).some((r) => portMatches(r, port, protocol) && peerMatches(r.to, dst)));
  const ingressOk = ps
    .filter((p) => p.policyTypes?.includes("Ingress") && selects(p.podSelector.matchLabels, dst))
    .some((p) => (p.ingress ?? []).some((r) => portMatches(r, port, protocol) && peerMatches(r.from, src)));
  return egressOk && ingressOk;
}

/**
 * Every pod is covered: the namespace denies by default, and a policy of the pod's own (not only the
 * empty-selector default deny) with both types and real rules selects it.
 */
export function networkViolations(objects: readonly KubeObject[], pod: PodTemplate): string[] {
  const policies = networkPolicies(objects);
  const out: string[] = [];
  if (
    !policies.some(
      (p) => Object.keys(p.podSelector.matchLabels ?? {}).length === 0 && p.policyTypes?.length === 2,
    )
  )
    out.push("namespace: no default-deny policy");
  const own = policies.filter(
    (p) =>
      Object.keys(p.podSelector.matchLabels ?? {}).length > 0 &&
      selects(p.podSelector.matchLabels, pod.labels),
  );
  const both = own.find((p) => p.policyTypes?.includes("Ingress") && p.policyTypes?.includes("Egress"));
  if (!both) out.push(`${pod.workload}: no NetworkPolicy with both Ingress and Egress selects it`);
  else {
    if ((both.egress ?? []).length === 0) out.push(`${pod.workload}: its NetworkPolicy has no egress rules`);
    // Job pods serve nothing, so an empty ingress list (deny all) is their correct ingress rule set.
    if (pod.longRunning && (both.ingress ?? []).length === 0)
      out.push(`${pod.workload}: its NetworkPolicy has no ingress rules`);
  }
  return out;
}
