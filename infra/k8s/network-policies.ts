import { PART_OF } from "@mcp-stack/contract";
import * as pulumi from "@pulumi/pulumi";
import { k8s } from "cdk8s-plus-28";

import { MANAGED_BY, newChart, port } from "./kube.js";
import { type KubeObject, synth } from "./manifests.js";

import { assertValid, registerNamespaced } from "./register.js";

/** A set of pods in the namespace, by labels. */
export interface PodGroup {
  /** Short name, used in policy names ("mcp-backend", "prometheus"). */
  readonly name: string;
  /** Pod labels that select the group. */
  readonly selector: Readonly<Record<string, string>>;
  /**
   * Whether this component owns the group's pods: then it gets one policy with all its ingress and
   * egress rules. Groups owned elsewhere (e.g. Prometheus) only get the allow rules of their flows
   * with owned groups. Defaults to true.
   */
  readonly owned?: boolean;
}

/** An allowed connection. */
export interface Flow {
  /**
   * Source group name, "any" (any client, inside or outside the cluster), or a source outside the
   * namespace (e.g. an operator's namespace) for ingress to an owned group.
   */
  readonly from: string | ExternalTarget;
  /** Destination group name, or an egress target outside the namespace. */
  readonly to: string | ExternalTarget;
  readonly port: number;
  /** Defaults to "TCP". */
  readonly protocol?: "TCP" | "UDP";
}

/** An egress destination outside the namespace. */
export interface ExternalTarget {
  /** Name used in rule comments and policy names. */
  readonly name: string;
  /** Namespace labels; omitted = any namespace. */
  readonly namespaceSelector?: Readonly<Record<string, string>>;
  /** Pod labels within those namespaces; omitted = any pod. */
  readonly podSelector?: Readonly<Record<string, string>>;
  /** An IP range instead of selectors (e.g. "0.0.0.0/0" for an external API). */
  readonly cidr?: string;
}

export interface NetworkPoliciesArgs {
  /** Namespace of the policies (they select pods only in it). */
  readonly namespace: pulumi.Input<string>;
  /** The pod groups flows refer to. */
  readonly groups: readonly PodGroup[];
  /** Allowed connections; everything else is denied. */
  readonly flows: readonly Flow[];
  /** A namespace-wide default deny of ingress and egress. Defaults to true. */
  readonly defaultDeny?: boolean;
  /** DNS egress to kube-system (UDP and TCP 53) for every owned group. Defaults to true. */
  readonly allowDns?: boolean;
}

/** Invariants of {@link NetworkPoliciesArgs}; an empty list means valid. */
export function validateNetworkPoliciesArgs(args: NetworkPoliciesArgs): string[] {
  const issues: string[] = [];
  const names = new Set<string>();
  for (const g of args.groups) {
    if (names.has(g.name)) issues.push(`group "${g.name}" is defined twice`);
    names.add(g.name);
    if (Object.keys(g.selector).length === 0)
      issues.push(`group "${g.name}" has an empty selector, which would select every pod`);
  }
  for (const f of args.flows) {
    if (typeof f.from === "string" && f.from !== "any" && !names.has(f.from))
      issues.push(`flow from unknown group "${f.from}"`);
    if (typeof f.to === "string" && !names.has(f.to)) issues.push(`flow to unknown group "${f.to}"`);
    if (typeof f.from !== "string" && typeof f.to !== "string")
      issues.push(`a flow from ${f.from.name} to ${f.to.name} never touches the namespace`);
    if (f.from === "any" && typeof f.to !== "string")
      issues.push("a flow from any to an external target is meaningless");
  }
  return issues;
}

const DNS: ExternalTarget = {
  name: "kube-dns",
  namespaceSelector: { "kubernetes.io/metadata.name": "kube-system" },
};

function peer(t: ExternalTarget): k8s.NetworkPolicyPeer {
  if (t.cidr) return { ipBlock: { cidr: t.cidr } };
  return {
    namespaceSelector: { matchLabels: { ...t.namespaceSelector } },
    podSelector: t.podSelector ? { matchLabels: { ...t.podSelector } } : undefined,
  };
}

function labels(component: string): Record<string, string> {
  return {
    "app.kubernetes.io/name": "network-policy",
    "app.kubernetes.io/component": component,
    "app.kubernetes.io/part-of": PART_OF,
    "app.kubernetes.io/managed-by": MANAGED_BY,
  };
}

/**
 * The policies: default deny, one policy per owned group with its ingress and egress rules (so every
 * pod is selected by a policy of both types), and narrow allow policies for groups owned elsewhere.
 */
export function networkPolicyObjects(args: NetworkPoliciesArgs): KubeObject[] {
  assertValid("NetworkPolicies", validateNetworkPoliciesArgs(args));
  const chart = newChart("network-policies");
  const group = new Map(args.groups.map((g) => [g.name, g]));
  const sel = (name: string) => ({ matchLabels: { ...group.get(name)!.selector } });
  const ports = (f: Flow): k8s.NetworkPolicyPort[] => [{ port: port(f.port), protocol: f.protocol ?? "TCP" }];

  if (args.defaultDeny ?? true) {
    new k8s.KubeNetworkPolicy(chart, "default-deny", {
      metadata: { name: "default-deny-all", labels: labels("default-deny") },
      spec: { podSelector: {}, policyTypes: ["Ingress", "Egress"] },
    });
  }
  const dns: k8s.NetworkPolicyEgressRule[] =
    (args.allowDns ?? true)
      ? [
          {
            to: [peer(DNS)],
            ports: [
              { port: port(53), protocol: "UDP" },
              { port: port(53), protocol: "TCP" },
            ],
          },
        ]
      : [];

  const ingressTo = (name: string): k8s.NetworkPolicyIngressRule[] =>
    args.flows
      .filter((f) => f.to === name)
      .map((f) =>
        f.from === "any"
          ? { ports: ports(f) }
          : {
              from: [typeof f.from === "string" ? { podSelector: sel(f.from) } : peer(f.from)],
              ports: ports(f),
            },
      );
  const egressFrom = (name: string): k8s.NetworkPolicyEgressRule[] =>
    args.flows
      .filter((f) => f.from === name)
      .map((f) => ({
        to: [typeof f.to === "string" ? { podSelector: sel(f.to) } : peer(f.to)],
        ports: ports(f),
      }));

  for (const g of args.groups) {
    if (g.owned === false) continue;
    new k8s.KubeNetworkPolicy(chart, `group-${g.name}`, {
      metadata: { name: g.name, labels: labels(g.name) },
      spec: {
        podSelector: sel(g.name),
        policyTypes: ["Ingress", "Egress"],
        ingress: ingressTo(g.name),
        egress: [...egressFrom(g.name), ...dns],
      },
    });
  }
  // Flows touching groups owned elsewhere: open only the foreign side of that one flow.
  for (const f of args.flows) {
    const to = typeof f.to === "string" ? f.to : undefined;
    if (typeof f.from !== "string") continue;
    const fromForeign = f.from !== "any" && group.get(f.from)?.owned === false;
    const toForeign = to !== undefined && group.get(to)?.owned === false;
    if (fromForeign && to) {
      new k8s.KubeNetworkPolicy(chart, `allow-${f.from}-to-${to}-${f.port}`, {
        metadata: { name: `allow-${f.from}-to-${to}-${f.port}`, labels: labels(f.from) },
        spec: {
          podSelector: sel(f.from),
          policyTypes: ["Egress"],
          egress: [{ to: [{ podSelector: sel(to) }], ports: ports(f) }],
        },
      });
    }
    if (toForeign && to) {
      new k8s.KubeNetworkPolicy(chart, `allow-${f.from}-to-${to}-${f.port}-in`, {
        metadata: { name: `allow-${f.from}-to-${to}-${f.port}-ingress`, labels: labels(to) },
        spec: {
          podSelector: sel(to),
          policyTypes: ["Ingress"],
          ingress: [
            f.from === "any"
              ? { ports: ports(f) }
              : { from: [{ podSelector: sel(f.from) }], ports: ports(f) },
          ],
        },
      });
    }
  }
  return synth(chart);
}

/** Default-deny networking for the namespace, plus exactly the flows the stack needs. */
export class NetworkPolicies extends pulumi.ComponentResource {
  /** Names of the NetworkPolicy objects. */
  public readonly policyNames: string[];

  constructor(name: string, args: NetworkPoliciesArgs, opts?: pulumi.ComponentResourceOptions) {
    super("mcp-stack:infra:NetworkPolicies", name, {}, opts);
    const objects = networkPolicyObjects(args);
    this.policyNames = objects.map((o) => o.metadata.name);
    registerNamespaced(objects, args.namespace, this);
    this.registerOutputs({ policyNames: this.policyNames });
  }
}
