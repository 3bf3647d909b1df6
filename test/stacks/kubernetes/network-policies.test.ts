import { beforeAll, describe, expect, it } from "vitest";
import {
  allowed,
  type NetworkPolicySpec,
  networkPolicies,
  portMatches,
} from "../../../policy/rules/network.js";
import { podTemplates, type RenderedObject, rendered, selects } from "./rendered-objects.js";

// The reachability the diagram draws and the policy pack checks coverage with (policy/rules/network.ts).
type Policy = NetworkPolicySpec & { policyTypes: string[] };
const policies = (objects: readonly RenderedObject[]) => networkPolicies(objects) as Policy[];

function labelsOf(objects: readonly RenderedObject[], workload: string): Record<string, string> {
  const pod = podTemplates(objects).find((p) => p.workload === workload);
  if (!pod) throw new Error(`${workload} not rendered`);
  return pod.labels;
}

const PROMETHEUS = { "app.kubernetes.io/name": "prometheus" };
/**
 * Pods the operator creates, with the labels CloudNativePG gives them (cnpg.io/cluster, podRole,
 * poolerName: its pkg/utils/labels_annotations.go); rendered manifests have no pod template for them.
 */
const INSTANCE = {
  "cnpg.io/cluster": "postgres",
  "cnpg.io/podRole": "instance",
  "cnpg.io/instanceName": "postgres-1",
};
const POOLER = {
  "cnpg.io/cluster": "postgres",
  "cnpg.io/podRole": "pooler",
  "cnpg.io/poolerName": "postgres-pooler",
};
const RO_POOLER = { ...POOLER, "cnpg.io/poolerName": "postgres-pooler-ro" };
const OPERATOR = { "app.kubernetes.io/name": "cloudnative-pg" };
const DATABASE = {
  prod: INSTANCE,
  staging: {
    app: "postgres",
    "app.kubernetes.io/name": "postgres",
    "app.kubernetes.io/part-of": "mcp-stack",
  },
};
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
    expect(allowed(objects, l("statefulset/redis"), DATABASE[env], 5432)).toBe(false);
    expect(allowed(objects, l("statefulset/redis"), l("deployment/mcp-backend"), 9464)).toBe(false);
  });

  it("let the app reach its database, Redis and the trace collector", () => {
    const app = l("deployment/mcp-backend");
    const db = env === "prod" ? POOLER : DATABASE.staging;
    expect(allowed(objects, app, db, 5432)).toBe(true);
    expect(allowed(objects, app, l("statefulset/redis"), 6379)).toBe(true);
    expect(allowed(objects, app, COLLECTOR[env], 4317)).toBe(true);
  });

  it("let Prometheus scrape the app and Redis's exporter, and nothing else scrape them", () => {
    // /metrics has its own port (METRICS_PORT), not the app's.
    expect(allowed(objects, PROMETHEUS, l("deployment/mcp-backend"), 9464)).toBe(true);
    expect(allowed(objects, l("statefulset/redis"), l("deployment/mcp-backend"), 9464)).toBe(false);
    expect(allowed(objects, PROMETHEUS, l("statefulset/redis"), 9121)).toBe(true);
    expect(allowed(objects, l("deployment/mcp-backend"), l("statefulset/redis"), 9121)).toBe(false);
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

describe("staging network policies (statefulset engine)", () => {
  it("let backups and the exporter reach Postgres", async () => {
    const objects = await rendered("staging");
    const l = (w: string) => labelsOf(objects, w);
    expect(allowed(objects, l("cronjob/postgres-backup"), l("statefulset/postgres"), 5432)).toBe(true);
    expect(allowed(objects, l("deployment/postgres-exporter"), l("statefulset/postgres"), 5432)).toBe(true);
    expect(allowed(objects, PROMETHEUS, l("deployment/postgres-exporter"), 9187)).toBe(true);
  });
});

/** Ingress from another namespace's pods (a namespaceSelector peer), as for the operator. */
function allowedFromNamespace(
  objects: readonly RenderedObject[],
  namespace: string,
  src: Record<string, string>,
  dst: Record<string, string>,
  port: number,
): boolean {
  return policies(objects)
    .filter((p) => p.policyTypes.includes("Ingress") && selects(p.podSelector.matchLabels, dst))
    .some((p) =>
      (p.ingress ?? []).some(
        (r) =>
          portMatches(r, port, "TCP") &&
          (r.from ?? []).some(
            (f) =>
              f.namespaceSelector?.matchLabels?.["kubernetes.io/metadata.name"] === namespace &&
              selects(f.podSelector?.matchLabels, src),
          ),
      ),
    );
}

/** Egress to an ipBlock (outside the cluster, or the API server) on a port. */
function egressToCidr(
  objects: readonly RenderedObject[],
  src: Record<string, string>,
  port: number,
): boolean {
  return policies(objects)
    .filter((p) => p.policyTypes.includes("Egress") && selects(p.podSelector.matchLabels, src))
    .some((p) => (p.egress ?? []).some((r) => portMatches(r, port, "TCP") && r.to?.some((t) => t.ipBlock)));
}

describe("prod network policies (CloudNativePG)", () => {
  let objects: RenderedObject[];
  beforeAll(async () => {
    objects = await rendered("prod");
  });

  it("route the app through the Poolers only, and the Poolers to the instances", () => {
    const app = labelsOf(objects, "deployment/mcp-backend");
    expect(allowed(objects, app, INSTANCE, 5432)).toBe(false);
    expect(allowed(objects, app, RO_POOLER, 5432)).toBe(true);
    expect(allowed(objects, POOLER, INSTANCE, 5432)).toBe(true);
    expect(allowed(objects, RO_POOLER, INSTANCE, 5432)).toBe(true);
    expect(allowed(objects, POOLER, app, 8000)).toBe(false);
  });

  it("let the instances replicate and reach each other's status port", () => {
    const other = { ...INSTANCE, "cnpg.io/instanceName": "postgres-2" };
    expect(allowed(objects, INSTANCE, other, 5432)).toBe(true);
    expect(allowed(objects, INSTANCE, other, 8000)).toBe(true);
  });

  it("let the operator (cnpg-system) reach the instance manager, and nothing else from outside", () => {
    expect(allowedFromNamespace(objects, "cnpg-system", OPERATOR, INSTANCE, 8000)).toBe(true);
    expect(allowedFromNamespace(objects, "cnpg-system", OPERATOR, INSTANCE, 5432)).toBe(false);
    expect(allowedFromNamespace(objects, "default", OPERATOR, INSTANCE, 8000)).toBe(false);
  });

  it("let the instances and Poolers reach the API server, and the instances the object store", () => {
    expect(egressToCidr(objects, INSTANCE, 443)).toBe(true);
    expect(egressToCidr(objects, INSTANCE, 6443)).toBe(true);
    expect(egressToCidr(objects, POOLER, 6443)).toBe(true);
  });

  it("let Prometheus scrape the instances (9187) and the Poolers (9127)", () => {
    expect(allowed(objects, PROMETHEUS, INSTANCE, 9187)).toBe(true);
    expect(allowed(objects, PROMETHEUS, POOLER, 9127)).toBe(true);
    expect(allowed(objects, POOLER, INSTANCE, 9187)).toBe(false);
  });
});
