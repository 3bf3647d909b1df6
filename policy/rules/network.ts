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

/**
 * One end of a connection, for {@link reaches}: a pod (its namespace and labels) or an address that is
 * no pod (the API server, a node-local DNS cache, a service outside the cluster).
 */
export interface Endpoint {
  readonly namespace?: string;
  readonly labels?: Record<string, string>;
  readonly ip?: string;
}

function ipv4(ip: string): number | undefined {
  const parts = ip.split(".");
  if (parts.length !== 4 || parts.some((p) => !/^\d{1,3}$/.test(p) || Number(p) > 255)) return undefined;
  return parts.reduce((n, p) => n * 256 + Number(p), 0);
}

/** Whether an IPv4 address lies in a CIDR (IPv6 ranges never match an IPv4 address). */
export function inCidr(ip: string, cidr: string): boolean {
  const [base, bits] = cidr.split("/") as [string, string];
  const a = ipv4(ip);
  const b = ipv4(base);
  if (a === undefined || b === undefined) return false;
  const size = 2 ** (32 - Number(bits));
  return Math.floor(a / size) === Math.floor(b / size);
}

/**
 * Whether a peer of a policy in `namespace` matches an endpoint, as the NetworkPolicy API defines it: an
 * ipBlock matches addresses (never pods here: whether a pod's IP matches an ipBlock is left to the
 * implementation, so a required flow must not rely on it); a podSelector alone, pods of the policy's
 * namespace; a namespaceSelector, pods of namespaces whose labels match (each namespace carries
 * `kubernetes.io/metadata.name`), narrowed by a podSelector beside it.
 */
function peerMatchesEndpoint(p: Peer, namespace: string, e: Endpoint): boolean {
  if (p.ipBlock)
    return (
      e.ip !== undefined &&
      inCidr(e.ip, p.ipBlock.cidr) &&
      !(p.ipBlock.except ?? []).some((x) => inCidr(e.ip!, x))
    );
  if (e.labels === undefined || e.namespace === undefined) return false;
  const nsOk = p.namespaceSelector
    ? selects(p.namespaceSelector.matchLabels, { "kubernetes.io/metadata.name": e.namespace })
    : e.namespace === namespace;
  return nsOk && selects(p.podSelector?.matchLabels, e.labels);
}

/**
 * Whether the NetworkPolicies of `namespace` let `src` open `port` on `dst`, either end inside or outside
 * the namespace: a pod of the namespace that some Egress policy selects sends only what one of their
 * rules allows, and one that some Ingress policy selects receives only what one of theirs allows; the
 * other side is not the namespace's to decide (taken as open).
 */
export function reaches(
  objects: readonly KubeObject[],
  namespace: string,
  src: Endpoint,
  dst: Endpoint,
  port: number,
  protocol = "TCP",
): boolean {
  const ps = networkPolicies(objects);
  const side = (type: "Ingress" | "Egress", pod: Endpoint, peer: Endpoint) => {
    if (pod.namespace !== namespace || pod.labels === undefined) return true;
    const selecting = ps.filter(
      (p) => p.policyTypes?.includes(type) && selects(p.podSelector.matchLabels, pod.labels!),
    );
    if (selecting.length === 0) return true;
    return selecting.some((p) =>
      ((type === "Ingress" ? p.ingress : p.egress) ?? []).some((r) => {
        const peers = type === "Ingress" ? r.from : r.to;
        return (
          portMatches(r, port, protocol) &&
          (peers === undefined || peers.some((x) => peerMatchesEndpoint(x, namespace, peer)))
        );
      }),
    );
  };
  return side("Egress", src, dst) && side("Ingress", dst, src);
}
