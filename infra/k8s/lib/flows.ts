import { CLUSTER_DNS_DEFAULTS as CONTRACT_DNS } from "@mcp-stack/contract";

/**
 * The network-flow model: which pods may open which port on which others. One model for the app tier
 * and the monitoring tier alike; NetworkPolicies (L3/L4, infra/k8s/network-policies/) and the service
 * mesh's authorization (mTLS identities, infra/k8s/service-mesh/) are both rendered from it, so there is one
 * place that says who may talk to whom.
 *
 * Shaped for the Pulumi component analyzer: no unions (an in-namespace party is named in `from` / `to`,
 * one outside the namespace is described in `fromExternal` / `toExternal`), literal sets as enums.
 */

/** Transport protocol of a flow. */
export const FlowProtocol = { TCP: "TCP", UDP: "UDP" } as const;
export type FlowProtocol = (typeof FlowProtocol)[keyof typeof FlowProtocol];

/** A mesh identity outside the namespace: the ServiceAccount its pods run as. */
export interface MeshIdentity {
  /** The ServiceAccount's namespace. */
  readonly namespace: string;
  /** The ServiceAccount's name. */
  readonly serviceAccount: string;
}

/** A set of pods in the namespace, by labels: a party of flows. */
export interface PodGroup {
  /** Short name, used in policy names ("mcp-backend", "prometheus"). */
  readonly name: string;
  /** Pod labels that select the group. */
  readonly selector: Record<string, string>;
  /**
   * Whether the rendering component owns the group's pods: then it gets one NetworkPolicy with all its
   * ingress and egress rules. Groups owned elsewhere (e.g. Prometheus, seen from the app tier) only get
   * the allow rules of their flows with owned groups. Defaults to true.
   */
  readonly owned?: boolean;
  /** The ServiceAccount its pods run as: the mTLS identity mesh policies allow. Defaults to `name`. */
  readonly serviceAccount?: string;
  /**
   * Whether its pods carry a mesh proxy. An unmeshed group connects in plaintext, so the mesh accepts
   * plaintext on exactly the ports of its flows. Ignored without a mesh. Defaults to true.
   */
  readonly meshed?: boolean;
}

/** A party outside the namespace: another namespace's pods, or an address range. */
export interface ExternalTarget {
  /** Name used in rule comments and policy names. */
  readonly name: string;
  /** Namespace labels; omitted = any namespace. */
  readonly namespaceSelector?: Record<string, string>;
  /** Pod labels within those namespaces; omitted = any pod. */
  readonly podSelector?: Record<string, string>;
  /** An IP range instead of selectors (e.g. "0.0.0.0/0" for an external API). */
  readonly cidr?: string;
  /**
   * As a source: its mesh identity. Omitted = it connects in plaintext (off the mesh, e.g. an operator in
   * its own namespace), so the mesh accepts plaintext on the flow's port.
   */
  readonly meshIdentity?: MeshIdentity;
}

/** An allowed connection. Exactly one of `from` / `fromExternal`, and one of `to` / `toExternal`. */
export interface Flow {
  /** Source group name, or "any" (any client, inside or outside the cluster, meshed or not). */
  readonly from?: string;
  /** A source outside the namespace (ingress to a group of the namespace). */
  readonly fromExternal?: ExternalTarget;
  /** Destination group name. */
  readonly to?: string;
  /** A destination outside the namespace (egress from a group of the namespace). */
  readonly toExternal?: ExternalTarget;
  /** Destination port. */
  readonly port: number;
  /** Defaults to "TCP". */
  readonly protocol?: FlowProtocol;
}

/** Pod groups and the flows between them. */
export interface NetworkFlows {
  readonly groups: PodGroup[];
  readonly flows: Flow[];
  /**
   * Whether this part's NetworkPolicies open the far side of its flows with groups owned elsewhere (as
   * NetworkPoliciesArgs.peerPolicies). Defaults to true.
   */
  readonly peerPolicies?: boolean;
}

/** The source "any": every client. */
export const ANY = "any";

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

/** Where the namespace's pods send DNS lookups (UDP and TCP 53). */
export interface ClusterDns {
  /** Namespace of the cluster DNS pods (CoreDNS / kube-dns). */
  readonly namespace: string;
  /**
   * DNS server addresses that are no pod, as CIDRs: a namespace selector never matches them. NodeLocal
   * DNSCache is a hostNetwork DaemonSet listening on a link-local address on every node (169.254.20.10
   * by default; kubernetes cluster/addons/dns/nodelocaldns/README.md, `__PILLAR__LOCAL__DNS__`), and in
   * kube-proxy iptables mode also on the kube-dns Service IP, which then is never translated to a
   * CoreDNS pod: add that Service IP here too on such clusters.
   */
  readonly addresses: string[];
}

/** kube-system's DNS pods, and NodeLocal DNSCache's default link-local address (harmless where absent). */
export const CLUSTER_DNS_DEFAULTS: ClusterDns = {
  namespace: CONTRACT_DNS.namespace,
  addresses: [...CONTRACT_DNS.addresses],
};

/** The DNS servers of a cluster as parties of a flow: the DNS namespace's pods, then each address. */
export function dnsTargets(dns: ClusterDns = CLUSTER_DNS_DEFAULTS): ExternalTarget[] {
  return [
    { name: "cluster-dns", namespaceSelector: { "kubernetes.io/metadata.name": dns.namespace } },
    ...dns.addresses.map((cidr) => ({ name: "node-local-dns", cidr })),
  ];
}

const IPV4_CIDR = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/;
const IPV6_CIDR = /^[0-9a-fA-F:]+\/\d{1,3}$/;

/** Whether `cidr` is an IPv4 or IPv6 range in CIDR notation (what an ipBlock takes). */
export function isCidr(cidr: string): boolean {
  const v4 = IPV4_CIDR.exec(cidr);
  if (v4) return v4.slice(1, 5).every((o) => Number(o) <= 255) && Number(v4[5]) <= 32;
  return IPV6_CIDR.test(cidr) && cidr.includes(":") && Number(cidr.split("/")[1]) <= 128;
}

/** Invariants of a {@link ClusterDns}; [] when valid. */
export function validateClusterDns(dns: ClusterDns, at = "dns"): string[] {
  const issues: string[] = [];
  if (!DNS_LABEL.test(dns.namespace))
    issues.push(`${at}.namespace "${dns.namespace}" is not a namespace name`);
  dns.addresses.forEach((a, i) => {
    if (!isCidr(a)) issues.push(`${at}.addresses[${i}] "${a}" is not a CIDR such as 169.254.20.10/32`);
  });
  return issues;
}

/** The API server is not a pod: only an ipBlock reaches it (443 on managed clusters, 6443 elsewhere). */
export const API_SERVER: ExternalTarget = { name: "kube-apiserver", cidr: "0.0.0.0/0" };
export const API_SERVER_PORTS = [443, 6443] as const;

/** A group owned elsewhere, selected by its `app.kubernetes.io/name` label (as monitoring workloads are). */
export function namedPeer(name: string): PodGroup {
  return { name, selector: { "app.kubernetes.io/name": name }, owned: false };
}

/** How a flow is written in messages and keys: `a -> b:port/TCP`. */
export function flowKey(f: Flow): string {
  const from = f.from ?? `${f.fromExternal?.name ?? "?"}(external)`;
  const to = f.to ?? `${f.toExternal?.name ?? "?"}(external)`;
  return `${from} -> ${to}:${f.port}/${f.protocol ?? FlowProtocol.TCP}`;
}

/** Invariants of a flow model; [] when valid. Every problem, each with its property path. */
export function validateFlows(model: NetworkFlows): string[] {
  const issues: string[] = [];
  const names = new Set<string>();
  model.groups.forEach((g, i) => {
    const at = `groups[${i}]`;
    if (!DNS_LABEL.test(g.name))
      issues.push(`${at}.name "${g.name}" must be a DNS label (it names policies)`);
    if (g.name === ANY) issues.push(`${at}.name "any" is reserved for "every client"`);
    if (names.has(g.name)) issues.push(`${at}.name "${g.name}" is defined twice`);
    names.add(g.name);
    if (Object.keys(g.selector).length === 0)
      issues.push(`${at}.selector is empty, which would select every pod`);
    if (g.serviceAccount !== undefined && !DNS_LABEL.test(g.serviceAccount))
      issues.push(`${at}.serviceAccount "${g.serviceAccount}" is not a ServiceAccount name`);
  });
  model.flows.forEach((f, i) => {
    const at = `flows[${i}]`;
    if ((f.from === undefined) === (f.fromExternal === undefined))
      issues.push(`${at}: set exactly one of from, fromExternal`);
    if ((f.to === undefined) === (f.toExternal === undefined))
      issues.push(`${at}: set exactly one of to, toExternal`);
    if (f.from !== undefined && f.from !== ANY && !names.has(f.from))
      issues.push(`${at}.from names unknown group "${f.from}"`);
    if (f.to !== undefined && !names.has(f.to)) issues.push(`${at}.to names unknown group "${f.to}"`);
    if (f.to === ANY) issues.push(`${at}.to: "any" is a source only; use toExternal with a cidr`);
    if (f.fromExternal && f.toExternal)
      issues.push(
        `${at}: a flow from ${f.fromExternal.name} to ${f.toExternal.name} never touches the namespace`,
      );
    if (f.from === ANY && f.toExternal)
      issues.push(`${at}: a flow from any to an external target is meaningless`);
    if (!Number.isInteger(f.port) || f.port < 1 || f.port > 65535)
      issues.push(`${at}.port ${f.port} must be 1–65535`);
    for (const [side, t] of [
      ["fromExternal", f.fromExternal],
      ["toExternal", f.toExternal],
    ] as const) {
      if (!t) continue;
      if (t.cidr !== undefined && (t.namespaceSelector !== undefined || t.podSelector !== undefined))
        issues.push(`${at}.${side}: a cidr excludes namespaceSelector and podSelector`);
      const id = t.meshIdentity;
      if (id && side === "toExternal") issues.push(`${at}.toExternal.meshIdentity applies to sources only`);
      if (id && !DNS_LABEL.test(id.namespace))
        issues.push(`${at}.${side}.meshIdentity.namespace "${id.namespace}" is not a namespace name`);
      if (id && !DNS_LABEL.test(id.serviceAccount))
        issues.push(
          `${at}.${side}.meshIdentity.serviceAccount "${id.serviceAccount}" is not a ServiceAccount name`,
        );
    }
  });
  return issues;
}

/**
 * Several components' flow models as one (the namespace's): a group keeps the definition of the part
 * that owns it (the owner knows its pods' labels); two owners of one group are reported by
 * {@link validateFlows} as a duplicate. A flow is kept once, and only where the NetworkPolicies let it
 * through: a part that opens its peers' side (`peerPolicies`, the default) is taken at its word;
 * otherwise each end it does not own must be opened by that end's owner too (the destination's owner
 * may do so with a flow from "any").
 */
export function mergeFlows(...parts: readonly NetworkFlows[]): NetworkFlows {
  const groups = new Map<string, PodGroup>();
  const owner = new Map<string, number>();
  const owners: PodGroup[] = [];
  parts.forEach((part, i) => {
    for (const g of part.groups) {
      const known = groups.get(g.name);
      if (g.owned === false) {
        if (!known) groups.set(g.name, g);
        continue;
      }
      if (owner.has(g.name)) owners.push(g);
      else {
        groups.set(g.name, g);
        owner.set(g.name, i);
      }
    }
  });
  const declares = (i: number, f: Flow, asDestination: boolean) =>
    parts[i]!.flows.some(
      (x) =>
        x.to === f.to &&
        x.port === f.port &&
        (x.protocol ?? FlowProtocol.TCP) === (f.protocol ?? FlowProtocol.TCP) &&
        (x.from === f.from || (asDestination && x.from === ANY)),
    );
  const opened = (i: number, f: Flow) => {
    if (parts[i]!.peerPolicies ?? true) return true;
    const src = f.from !== undefined && f.from !== ANY ? owner.get(f.from) : undefined;
    const dst = f.to !== undefined ? owner.get(f.to) : undefined;
    return (
      (src === undefined || src === i || declares(src, f, false)) &&
      (dst === undefined || dst === i || declares(dst, f, true))
    );
  };
  const flows = new Map<string, Flow>();
  parts.forEach((part, i) => {
    for (const f of part.flows) {
      // Externals of one name may differ (several ranges of one managed database): key on all of it.
      const key = `${flowKey(f)} ${JSON.stringify([f.fromExternal, f.toExternal])}`;
      if (!flows.has(key) && opened(i, f)) flows.set(key, f);
    }
  });
  return { groups: [...groups.values(), ...owners], flows: [...flows.values()] };
}
