import { beforeAll, describe, expect, it } from "vitest";
import { podTemplates, type RenderedObject, rendered, selects } from "./rendered-objects.js";

interface Peer {
  podSelector?: { matchLabels?: Record<string, string> };
  namespaceSelector?: { matchLabels?: Record<string, string> };
  ipBlock?: { cidr: string };
}
interface Rule {
  from?: Peer[];
  to?: Peer[];
  ports?: { port: number; protocol?: string }[];
}
interface Policy {
  podSelector: { matchLabels?: Record<string, string> };
  policyTypes: string[];
  ingress?: Rule[];
  egress?: Rule[];
}

const policies = (objects: readonly RenderedObject[]) =>
  objects.filter((o) => o.kind === "NetworkPolicy").map((o) => o.spec as Policy);

function portMatches(rule: Rule, port: number, protocol: string): boolean {
  return !rule.ports || rule.ports.some((p) => p.port === port && (p.protocol ?? "TCP") === protocol);
}

/** A same-namespace pod peer (a bare podSelector), or no peer list at all (= anyone). */
function peerMatches(peers: Peer[] | undefined, labels: Record<string, string>): boolean {
  return (
    !peers ||
    peers.some((p) => !p.namespaceSelector && !p.ipBlock && selects(p.podSelector?.matchLabels, labels))
  );
}

/** Whether the policies let a pod with `src` labels open `port` on a pod with `dst` labels (same namespace). */
function allowed(
  objects: readonly RenderedObject[],
  src: Record<string, string>,
  dst: Record<string, string>,
  port: number,
  protocol = "TCP",
): boolean {
  const ps = policies(objects);
  const egressOk = ps
    .filter((p) => p.policyTypes.includes("Egress") && selects(p.podSelector.matchLabels, src))
    .some((p) => (p.egress ?? []).some((r) => portMatches(r, port, protocol) && peerMatches(r.to, dst)));
  const ingressOk = ps
    .filter((p) => p.policyTypes.includes("Ingress") && selects(p.podSelector.matchLabels, dst))
    .some((p) => (p.ingress ?? []).some((r) => portMatches(r, port, protocol) && peerMatches(r.from, src)));
  return egressOk && ingressOk;
}

function labelsOf(objects: readonly RenderedObject[], workload: string): Record<string, string> {
  const pod = podTemplates(objects).find((p) => p.workload === workload);
  if (!pod) throw new Error(`${workload} not rendered`);
  return pod.labels;
}

const PROMETHEUS = { "app.kubernetes.io/name": "prometheus" };
const COLLECTOR = {
  prod: { "app.kubernetes.io/name": "otel-collector" },
  staging: { "app.kubernetes.io/name": "jaeger" },
};

describe.each(["staging", "prod"] as const)("%s network policies", (env) => {
  let objects: RenderedObject[];
  let l: (w: string) => Record<string, string>;
  beforeAll(async () => {
    objects = await rendered(env);
    l = (w) => labelsOf(objects, w);
  });

  it("deny all ingress and egress in the namespace by default", () => {
    expect(policies(objects)).toContainEqual({ podSelector: {}, policyTypes: ["Ingress", "Egress"] });
    expect(allowed(objects, l("statefulset/redis"), l("statefulset/postgres"), 5432)).toBe(false);
    expect(allowed(objects, l("deployment/postgres-exporter"), l("deployment/mcp-backend"), 8000)).toBe(
      false,
    );
  });

  it("let the app reach its database, Redis and the trace collector", () => {
    const app = l("deployment/mcp-backend");
    const db = env === "prod" ? l("deployment/pgbouncer") : l("statefulset/postgres");
    expect(allowed(objects, app, db, 5432)).toBe(true);
    expect(allowed(objects, app, l("statefulset/redis"), 6379)).toBe(true);
    expect(allowed(objects, app, COLLECTOR[env], 4317)).toBe(true);
  });

  it("let Prometheus scrape the app and both exporters, and nothing else scrape them", () => {
    // /metrics has its own port (METRICS_PORT), not the app's.
    expect(allowed(objects, PROMETHEUS, l("deployment/mcp-backend"), 9464)).toBe(true);
    expect(allowed(objects, l("statefulset/redis"), l("deployment/mcp-backend"), 9464)).toBe(false);
    expect(allowed(objects, PROMETHEUS, l("statefulset/redis"), 9121)).toBe(true);
    expect(allowed(objects, PROMETHEUS, l("deployment/postgres-exporter"), 9187)).toBe(true);
    expect(allowed(objects, l("deployment/mcp-backend"), l("statefulset/redis"), 9121)).toBe(false);
  });

  it("let backups and the exporter reach Postgres", () => {
    expect(allowed(objects, l("cronjob/postgres-backup"), l("statefulset/postgres"), 5432)).toBe(true);
    expect(allowed(objects, l("deployment/postgres-exporter"), l("statefulset/postgres"), 5432)).toBe(true);
  });

  it("give every app-tier pod DNS egress to kube-system on port 53 UDP and TCP", () => {
    for (const pod of podTemplates(objects).filter(
      (p) => p.labels["app.kubernetes.io/part-of"] === "mcp-stack" && p.labels.app,
    )) {
      const rules = policies(objects)
        .filter(
          (p) =>
            Object.keys(p.podSelector.matchLabels ?? {}).length > 0 &&
            selects(p.podSelector.matchLabels, pod.labels),
        )
        .flatMap((p) => p.egress ?? [])
        .filter((r) =>
          r.to?.some(
            (t) => t.namespaceSelector?.matchLabels?.["kubernetes.io/metadata.name"] === "kube-system",
          ),
        );
      const ports = rules.flatMap((r) => r.ports ?? []).map((p) => `${p.protocol}/${p.port}`);
      expect(ports, pod.workload).toEqual(expect.arrayContaining(["UDP/53", "TCP/53"]));
    }
  });
});

describe("prod network policies", () => {
  it("route the app through PgBouncer only, and PgBouncer to Postgres", async () => {
    const objects = await rendered("prod");
    const l = (w: string) => labelsOf(objects, w);
    expect(allowed(objects, l("deployment/mcp-backend"), l("statefulset/postgres"), 5432)).toBe(false);
    expect(allowed(objects, l("deployment/pgbouncer"), l("statefulset/postgres"), 5432)).toBe(true);
    // No replica runs, so no policy is left for one.
    expect(objects.filter((o) => o.kind === "NetworkPolicy" && o.metadata.name.includes("replica"))).toEqual(
      [],
    );
  });
});
