import {
  allowed,
  type KubeObject,
  networkPolicies,
  type Peer,
  podTemplates,
  selects,
} from "../../policy/rules/index.js";

/**
 * The picture of an environment as a graph, from its rendered objects: workloads, Services and their
 * ports, data stores (CloudNativePG's operator-managed pods included), the network flows the
 * NetworkPolicies allow (computed by the same `allowed` the reachability tests use) and the endpoints
 * outside the namespace.
 */

export type NodeKind = "workload" | "datastore" | "service" | "external";

export interface GraphNode {
  readonly id: string;
  readonly kind: NodeKind;
  /** Lines of text: the first is the title. */
  readonly lines: readonly string[];
}

export interface GraphEdge {
  readonly id: string;
  readonly from: string;
  readonly to: string;
  /** "flow": allowed by the NetworkPolicies; "routes": a Service to its pods; "exposes": from outside. */
  readonly kind: "flow" | "routes" | "exposes";
  readonly label: string;
}

export interface Graph {
  readonly nodes: readonly GraphNode[];
  readonly edges: readonly GraphEdge[];
  /** True when the namespace has NetworkPolicies (otherwise every pod reaches every other). */
  readonly policies: boolean;
}

interface Pods {
  readonly id: string;
  readonly kind: NodeKind;
  readonly title: string;
  readonly labels: Record<string, string>;
  readonly ports: readonly number[];
}

/** Pods of workloads the stack renders, and those CloudNativePG creates (labels from its docs). */
function podGroups(objects: readonly KubeObject[]): Pods[] {
  const out: Pods[] = [];
  for (const pod of podTemplates(objects)) {
    const ports = pod.spec.containers.flatMap((c) => (c.ports ?? []).map((p) => p.containerPort));
    const data = pod.kind === "StatefulSet";
    out.push({
      id: pod.workload,
      kind: data ? "datastore" : "workload",
      title: pod.workload,
      labels: pod.labels,
      ports,
    });
  }
  for (const o of objects) {
    if (o.kind === "Cluster" && o.apiVersion.startsWith("postgresql.cnpg.io/")) {
      const instances = (o.spec as { instances?: number }).instances ?? 1;
      out.push({
        id: `cluster/${o.metadata.name}`,
        kind: "datastore",
        title: `cluster/${o.metadata.name} (CloudNativePG, ${instances} instances)`,
        labels: { "cnpg.io/cluster": o.metadata.name, "cnpg.io/podRole": "instance" },
        ports: [5432, 8000, 9187],
      });
    }
    if (o.kind === "Pooler" && o.apiVersion.startsWith("postgresql.cnpg.io/")) {
      const spec = o.spec as { cluster?: { name?: string }; type?: string };
      out.push({
        id: `pooler/${o.metadata.name}`,
        kind: "datastore",
        title: `pooler/${o.metadata.name} (PgBouncer, ${spec.type ?? "rw"})`,
        labels: {
          "cnpg.io/cluster": spec.cluster?.name ?? "",
          "cnpg.io/podRole": "pooler",
          "cnpg.io/poolerName": o.metadata.name,
        },
        ports: [5432, 9127],
      });
    }
  }
  return out.sort((a, b) => a.id.localeCompare(b.id));
}

function externalName(peer: Peer): string | undefined {
  if (peer.ipBlock) return `cidr ${peer.ipBlock.cidr}`;
  const ns = peer.namespaceSelector?.matchLabels?.["kubernetes.io/metadata.name"];
  if (peer.namespaceSelector) return `namespace ${ns ?? "(any)"}`;
  return undefined;
}

/** The graph of one environment's objects. */
export function buildGraph(objects: readonly KubeObject[]): Graph {
  const groups = podGroups(objects);
  const nodes = new Map<string, GraphNode>();
  const edges = new Map<string, GraphEdge>();
  const edge = (e: Omit<GraphEdge, "id">) => {
    const id = `${e.kind}:${e.from}->${e.to}:${e.label}`;
    edges.set(id, { id, ...e });
  };
  for (const g of groups)
    nodes.set(g.id, {
      id: g.id,
      kind: g.kind,
      lines: [g.title, ...(g.ports.length ? [`ports ${g.ports.join(", ")}`] : [])],
    });

  for (const svc of objects.filter((o) => o.kind === "Service")) {
    const spec = svc.spec as {
      type?: string;
      selector?: Record<string, string>;
      ports?: { port: number; targetPort?: unknown }[];
    };
    const id = `service/${svc.metadata.name}`;
    const ports = (spec.ports ?? []).map((p) => p.port);
    nodes.set(id, { id, kind: "service", lines: [id, `${spec.type ?? "ClusterIP"} :${ports.join(", :")}`] });
    if (spec.selector && Object.keys(spec.selector).length)
      for (const g of groups)
        if (selects(spec.selector, g.labels))
          edge({ from: id, to: g.id, kind: "routes", label: ports.join(",") });
    if (spec.type === "LoadBalancer" || spec.type === "NodePort") {
      nodes.set("external/clients", {
        id: "external/clients",
        kind: "external",
        lines: ["clients (internet)"],
      });
      edge({ from: "external/clients", to: id, kind: "exposes", label: ports.join(",") });
    }
  }

  // Allowed pod-to-pod flows: for every pair and every port the destination listens on.
  for (const src of groups)
    for (const dst of groups)
      for (const port of dst.ports)
        if (allowed(objects, src.labels, dst.labels, port))
          edge({ from: src.id, to: dst.id, kind: "flow", label: String(port) });

  // Flows that leave the namespace: egress to another namespace or an address range.
  for (const policy of networkPolicies(objects)) {
    if (!policy.policyTypes?.includes("Egress")) continue;
    const sources = groups.filter(
      (g) =>
        Object.keys(policy.podSelector.matchLabels ?? {}).length > 0 &&
        selects(policy.podSelector.matchLabels, g.labels),
    );
    for (const rule of policy.egress ?? [])
      for (const peer of rule.to ?? []) {
        const name = externalName(peer);
        if (!name) continue;
        const id = `external/${name}`;
        nodes.set(id, { id, kind: "external", lines: [name] });
        const ports = [
          ...new Set(
            (rule.ports ?? []).map(
              (p) => `${p.protocol && p.protocol !== "TCP" ? `${p.protocol}/` : ""}${p.port}`,
            ),
          ),
        ];
        for (const s of sources) edge({ from: s.id, to: id, kind: "flow", label: ports.join(",") || "any" });
      }
  }
  const sorted = <T extends { id: string }>(m: Map<string, T>) =>
    [...m.values()].sort((a, b) => a.id.localeCompare(b.id));
  return { nodes: sorted(nodes), edges: sorted(edges), policies: networkPolicies(objects).length > 0 };
}
