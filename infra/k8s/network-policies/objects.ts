import { PART_OF } from "@mcp-stack/contract";
import { k8s } from "cdk8s-plus-28";
import { ANY, dnsTargets, type ExternalTarget, type Flow, type PodGroup } from "../lib/flows.js";
import { MANAGED_BY, newChart, port } from "../lib/kube-parts.js";
import { type KubeObject, synth } from "../lib/manifests.js";
import { assertValid } from "../lib/register.js";
import { type NetworkPoliciesArgs, validateNetworkPoliciesArgs } from "./args.js";

/** Peers of an external party; undefined (no peer list: anywhere) when it names neither pods nor a range. */
function peer(t: ExternalTarget): k8s.NetworkPolicyPeer[] | undefined {
  if (t.cidr) return [{ ipBlock: { cidr: t.cidr } }];
  if (!t.namespaceSelector && !t.podSelector) return undefined;
  return [
    {
      namespaceSelector: { matchLabels: { ...t.namespaceSelector } },
      podSelector: t.podSelector ? { matchLabels: { ...t.podSelector } } : undefined,
    },
  ];
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
export function networkPolicyObjects(args: Omit<NetworkPoliciesArgs, "namespace">): KubeObject[] {
  assertValid("NetworkPolicies", validateNetworkPoliciesArgs(args));
  const chart = newChart("network-policies");
  const b = ruleBuilders(args.groups);

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
            to: dnsTargets(args.dns).flatMap((t) => peer(t) ?? []),
            ports: [
              { port: port(53), protocol: "UDP" },
              { port: port(53), protocol: "TCP" },
            ],
          },
        ]
      : [];
  const ingressTo = (name: string): k8s.NetworkPolicyIngressRule[] =>
    args.flows.filter((f) => f.to === name).map((f) => b.rule("from", f, b.peers(f.from, f.fromExternal)));
  const egressFrom = (name: string): k8s.NetworkPolicyEgressRule[] =>
    args.flows.filter((f) => f.from === name).map((f) => b.rule("to", f, b.peers(f.to, f.toExternal)));

  for (const g of args.groups) {
    if (g.owned === false) continue;
    new k8s.KubeNetworkPolicy(chart, `group-${g.name}`, {
      metadata: { name: g.name, labels: labels(g.name) },
      spec: {
        podSelector: b.sel(g.name),
        policyTypes: ["Ingress", "Egress"],
        ingress: ingressTo(g.name),
        egress: [...egressFrom(g.name), ...dns],
      },
    });
  }
  if (args.peerPolicies ?? true) addPeerPolicies(chart, args.flows, b);
  return synth(chart);
}

/** Selectors, ports, peers and rules of the policies, over the namespace's groups. */
function ruleBuilders(groups: readonly PodGroup[]) {
  const group = new Map(groups.map((g) => [g.name, g]));
  const sel = (name: string) => ({ matchLabels: { ...group.get(name)!.selector } });
  const ports = (f: Flow): k8s.NetworkPolicyPort[] => [{ port: port(f.port), protocol: f.protocol ?? "TCP" }];
  // A peer list: a group of the namespace, "any" (no list: every client), or an external party.
  const peers = (name: string | undefined, external: ExternalTarget | undefined) =>
    name === ANY ? undefined : name !== undefined ? [{ podSelector: sel(name) }] : peer(external!);
  const rule = <K extends "from" | "to">(key: K, f: Flow, list: k8s.NetworkPolicyPeer[] | undefined) =>
    (list ? { [key]: list, ports: ports(f) } : { ports: ports(f) }) as {
      [P in K]?: k8s.NetworkPolicyPeer[];
    } & {
      ports: k8s.NetworkPolicyPort[];
    };
  return { group, sel, ports, peers, rule };
}

/** Flows between a group of the namespace and one owned elsewhere: open only the foreign side of that flow. */
function addPeerPolicies(
  chart: ReturnType<typeof newChart>,
  flows: readonly Flow[],
  b: ReturnType<typeof ruleBuilders>,
): void {
  for (const f of flows) {
    const { from, to } = f;
    if (from === undefined || to === undefined) continue;
    const fromForeign = from !== ANY && b.group.get(from)?.owned === false;
    const toForeign = b.group.get(to)?.owned === false;
    if (fromForeign) {
      new k8s.KubeNetworkPolicy(chart, `allow-${from}-to-${to}-${f.port}`, {
        metadata: { name: `allow-${from}-to-${to}-${f.port}`, labels: labels(from) },
        spec: {
          podSelector: b.sel(from),
          policyTypes: ["Egress"],
          egress: [{ to: [{ podSelector: b.sel(to) }], ports: b.ports(f) }],
        },
      });
    }
    if (toForeign) {
      new k8s.KubeNetworkPolicy(chart, `allow-${from}-to-${to}-${f.port}-in`, {
        metadata: { name: `allow-${from}-to-${to}-${f.port}-ingress`, labels: labels(to) },
        spec: {
          podSelector: b.sel(to),
          policyTypes: ["Ingress"],
          ingress: [b.rule("from", f, b.peers(from, undefined))],
        },
      });
    }
  }
}
