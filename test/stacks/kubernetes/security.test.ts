import { beforeAll, describe, expect, it } from "vitest";
import { ENVIRONMENT_NAMES } from "../../../environments/index.js";
import {
  byKind,
  containers,
  type PodTemplate,
  podTemplates,
  type RenderedObject,
  rendered,
  selects,
} from "./rendered-objects.js";

/**
 * Secure by default: the Pod Security Standard "restricted" profile plus what kube-score, Polaris,
 * kube-linter and Checkov check by default, on every pod template every environment renders (app tier
 * and monitoring alike: no workload is left out).
 *
 * The explicit exceptions, each with its reason (the code that makes them carries the same comment).
 * `container` is absent for pod-level rules.
 */
type Rule = "uid>=10000" | "no-service-account-token";
interface Exception {
  readonly workload: string;
  readonly container?: string;
  readonly rule: Rule;
  readonly why: string;
}
const EXCEPTIONS: readonly Exception[] = [
  ...([["statefulset/postgres", "postgres"]] as const).map(([workload, container]) => ({
    workload,
    container,
    rule: "uid>=10000" as const,
    why: "the postgres image's entrypoint and server need the passwd entry of its postgres user (UID/GID 999)",
  })),
  {
    workload: "cronjob/postgres-backup",
    container: "pg-dump",
    rule: "uid>=10000",
    why: "runs the postgres image as its postgres user (999), which owns the dumps (and WAL archived by earlier versions) on the backup volume it prunes",
  },
  {
    workload: "deployment/prometheus",
    rule: "no-service-account-token",
    why: "Prometheus calls the API server for pod discovery (kubernetes_sd_configs) and the cAdvisor node proxy; its ClusterRole only gets/lists/watches those",
  },
];

function excepted(pod: PodTemplate, container: string | undefined, rule: Rule): boolean {
  return EXCEPTIONS.some((e) => e.workload === pod.workload && e.container === container && e.rule === rule);
}

/** True when the rendered pod still does what the exception excuses (so the exception is still needed). */
function stillBreaks(pod: PodTemplate, e: Exception): boolean {
  if (e.rule === "no-service-account-token") return pod.spec.automountServiceAccountToken !== false;
  const c = [...pod.spec.containers, ...(pod.spec.initContainers ?? [])].find((x) => x.name === e.container);
  if (!c) return false;
  const sc = { ...pod.spec.securityContext, ...c.securityContext } as Record<string, unknown>;
  return [sc.runAsUser, sc.runAsGroup].some((id) => typeof id === "number" && id < 10000);
}

/**
 * The workloads each environment must render (every one is walked, these only guard against a walk
 * that silently finds nothing): the app tier plus the monitoring tier.
 */
const EXPECTED: Readonly<Record<"dev" | "staging" | "prod", readonly string[]>> = {
  dev: ["deployment/mcp-backend", "statefulset/postgres", "deployment/postgres-exporter"],
  staging: [
    "deployment/mcp-backend",
    "statefulset/redis",
    "statefulset/postgres",
    "deployment/postgres-exporter",
    "cronjob/postgres-backup",
    "deployment/prometheus",
    "deployment/alertmanager",
    "deployment/grafana",
    "deployment/jaeger",
  ],
  prod: [
    "deployment/mcp-backend",
    "statefulset/redis",
    // PostgreSQL and PgBouncer pods are CloudNativePG's: see "operator-managed pods" below.
    "deployment/prometheus",
    "deployment/alertmanager",
    "deployment/grafana",
    "deployment/otel-collector",
  ],
};

const RECOMMENDED_LABELS = ["name", "instance", "version", "component", "part-of", "managed-by"].map(
  (l) => `app.kubernetes.io/${l}`,
);

/** Every broken rule in one environment's objects, as "workload/container: rule" lines. */
function violations(objects: readonly RenderedObject[], networkPolicies: boolean): string[] {
  const out: string[] = [];
  const pods = podTemplates(objects);
  for (const { pod, c, init } of containers(pods)) {
    const at = `${pod.workload}/${c.name}`;
    const sc = { ...pod.spec.securityContext, ...c.securityContext } as Record<string, unknown>;
    for (const side of ["requests", "limits"] as const)
      for (const r of ["cpu", "memory", "ephemeral-storage"])
        if (c.resources?.[side]?.[r] === undefined) out.push(`${at}: no ${r} ${side}`);
    if (sc.runAsNonRoot !== true) out.push(`${at}: runAsNonRoot is not true`);
    for (const f of ["runAsUser", "runAsGroup"]) {
      const id = sc[f];
      if (typeof id !== "number" || id === 0) out.push(`${at}: ${f} unset or root`);
      else if (id < 10000 && !excepted(pod, c.name, "uid>=10000")) out.push(`${at}: ${f} ${id} < 10000`);
    }
    if (c.securityContext?.allowPrivilegeEscalation !== false)
      out.push(`${at}: allowPrivilegeEscalation not false`);
    if (c.securityContext?.privileged === true) out.push(`${at}: privileged`);
    if (!c.securityContext?.capabilities?.drop?.includes("ALL"))
      out.push(`${at}: capabilities do not drop ALL`);
    if ((c.securityContext?.capabilities?.add ?? []).length > 0) out.push(`${at}: adds capabilities`);
    if ((sc.seccompProfile as { type?: string } | undefined)?.type !== "RuntimeDefault")
      out.push(`${at}: seccompProfile not RuntimeDefault`);
    if (c.securityContext?.readOnlyRootFilesystem !== true) out.push(`${at}: root filesystem writable`);
    const tag = /:([^/:@]+)$/.exec(c.image)?.[1];
    if (!c.image.includes("@sha256:") && (tag === undefined || tag === "latest"))
      out.push(`${at}: image ${c.image} is not pinned`);
    // kube-score, Polaris and Checkov: a tag can be re-pushed, so the kubelet must check it every time.
    if (c.imagePullPolicy !== "Always") out.push(`${at}: imagePullPolicy is not Always`);
    if (pod.longRunning && !init) {
      if (!c.livenessProbe) out.push(`${at}: no liveness probe`);
      if (!c.readinessProbe) out.push(`${at}: no readiness probe`);
      if (c.livenessProbe && JSON.stringify(c.livenessProbe) === JSON.stringify(c.readinessProbe))
        out.push(`${at}: liveness and readiness probes are identical`);
    }
  }
  for (const pod of pods) {
    const at = pod.workload;
    if (
      pod.spec.automountServiceAccountToken !== false &&
      !excepted(pod, undefined, "no-service-account-token")
    )
      out.push(`${at}: service account token automounted`);
    if (pod.spec.hostNetwork || pod.spec.hostPID || pod.spec.hostIPC)
      out.push(`${at}: shares a host namespace`);
    if ((pod.spec.volumes ?? []).some((v) => v.hostPath)) out.push(`${at}: mounts a hostPath`);
    const objLabels = (pod.object.metadata.labels ?? {}) as Record<string, string>;
    for (const l of RECOMMENDED_LABELS) {
      if (!pod.labels[l]) out.push(`${at}: pod template lacks label ${l}`);
      if (!objLabels[l]) out.push(`${at}: object lacks label ${l}`);
    }
    if (pod.kind === "CronJob") {
      const spec = pod.object.spec as { startingDeadlineSeconds?: number; concurrencyPolicy?: string };
      if (spec.startingDeadlineSeconds === undefined) out.push(`${at}: no startingDeadlineSeconds`);
      if (spec.concurrencyPolicy !== "Forbid") out.push(`${at}: concurrencyPolicy is not Forbid`);
    }
    if (pod.longRunning) out.push(...availabilityViolations(objects, pod));
    if (networkPolicies) out.push(...networkViolations(objects, pod));
  }
  return out;
}

/** Replica counts (HPA min/max when an HPA targets the workload). */
function replicaRange(objects: readonly RenderedObject[], pod: PodTemplate): { min: number; max: number } {
  const hpa = byKind(objects, "HorizontalPodAutoscaler").find(
    (h) => (h.spec as { scaleTargetRef: { name: string } }).scaleTargetRef.name === pod.object.metadata.name,
  );
  if (hpa) {
    const s = hpa.spec as { minReplicas: number; maxReplicas: number };
    return { min: s.minReplicas, max: s.maxReplicas };
  }
  const n = (pod.object.spec as { replicas?: number }).replicas ?? 1;
  return { min: n, max: n };
}

function availabilityViolations(objects: readonly RenderedObject[], pod: PodTemplate): string[] {
  const out: string[] = [];
  const { min, max } = replicaRange(objects, pod);
  const pdbs = byKind(objects, "PodDisruptionBudget").filter((p) =>
    selects(
      (p.spec as { selector: { matchLabels: Record<string, string> } }).selector.matchLabels,
      pod.labels,
    ),
  );
  if (pdbs.length === 0) out.push(`${pod.workload}: no PodDisruptionBudget`);
  for (const p of pdbs) {
    const s = p.spec as { minAvailable?: number; maxUnavailable?: number };
    if (s.minAvailable !== undefined && s.minAvailable > 0 && s.minAvailable >= min)
      out.push(
        `${pod.workload}: PDB minAvailable ${s.minAvailable} blocks every eviction at ${min} replicas`,
      );
    if (s.maxUnavailable === 0) out.push(`${pod.workload}: PDB maxUnavailable 0 blocks every eviction`);
  }
  if (max > 1 && !pod.spec.topologySpreadConstraints?.length && !pod.spec.affinity?.podAntiAffinity)
    out.push(`${pod.workload}: ${max} replicas without topology spread or anti-affinity`);
  return out;
}

interface PolicySpec {
  podSelector: { matchLabels?: Record<string, string> };
  policyTypes?: string[];
  ingress?: unknown[];
  egress?: unknown[];
}

function networkViolations(objects: readonly RenderedObject[], pod: PodTemplate): string[] {
  const policies = byKind(objects, "NetworkPolicy").map((p) => p.spec as PolicySpec);
  const out: string[] = [];
  if (
    !policies.some(
      (p) => Object.keys(p.podSelector.matchLabels ?? {}).length === 0 && p.policyTypes?.length === 2,
    )
  )
    out.push("namespace: no default-deny policy");
  // A policy of its own (not only the empty-selector default deny) with both types and real egress rules.
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

const NETWORK_POLICIES = { dev: false, staging: true, prod: true } as const;

describe.each(ENVIRONMENT_NAMES)("%s pods are secure by default", (env) => {
  let objects: RenderedObject[];
  beforeAll(async () => {
    objects = await rendered(env);
  });

  it("walk every workload the environment renders", () => {
    const rendered = podTemplates(objects).map((p) => p.workload);
    expect([...rendered].sort()).toEqual([...EXPECTED[env]].sort());
  });

  it("break no rule outside the listed exceptions", () => {
    expect(violations(objects, NETWORK_POLICIES[env])).toEqual([]);
  });

  it("need each listed exception that applies to one of its workloads", () => {
    const pods = podTemplates(objects);
    for (const e of EXCEPTIONS) {
      const pod = pods.find((p) => p.workload === e.workload);
      if (!pod) continue;
      expect(stillBreaks(pod, e), `${e.workload}/${e.container ?? "(pod)"} ${e.rule}: ${e.why}`).toBe(true);
    }
  });
});

describe("operator-managed pods (prod's CloudNativePG), where the stack sets their spec", () => {
  let objects: RenderedObject[];
  beforeAll(async () => {
    objects = await rendered("prod");
  });

  // The operator builds the pods (restricted security contexts of its own, UID 26); the stack owns
  // their size, spread and access, which is what is checked here.
  it("sizes every PostgreSQL instance with requests equal to limits, and spreads them across nodes", () => {
    const cluster = objects.find((o) => o.kind === "Cluster")?.spec as {
      resources: { requests: Record<string, string>; limits: Record<string, string> };
      affinity: { enablePodAntiAffinity: boolean; topologyKey: string };
      enableSuperuserAccess: boolean;
    };
    expect(cluster.resources.requests).toEqual(cluster.resources.limits);
    expect(cluster.resources.limits).toMatchObject({ cpu: expect.any(String), memory: expect.any(String) });
    expect(cluster.affinity).toMatchObject({
      enablePodAntiAffinity: true,
      topologyKey: "kubernetes.io/hostname",
    });
    expect(cluster.enableSuperuserAccess).toBe(false);
  });

  it("sizes every PgBouncer container", () => {
    const poolers = objects.filter((o) => o.kind === "Pooler");
    expect(poolers.length).toBe(2);
    for (const p of poolers) {
      const containers = (
        p.spec as { template: { spec: { containers: { resources?: { limits?: unknown } }[] } } }
      ).template.spec.containers;
      expect(
        containers.every((c) => c.resources?.limits !== undefined),
        p.metadata.name,
      ).toBe(true);
    }
  });
});

describe("the exception list", () => {
  it("names only workloads and containers some environment renders", async () => {
    const pods = (await Promise.all(ENVIRONMENT_NAMES.map((env) => rendered(env)))).flatMap((o) =>
      podTemplates(o),
    );
    for (const e of EXCEPTIONS) {
      const pod = pods.find((p) => p.workload === e.workload);
      expect(pod, `${e.workload}: ${e.why}`).toBeDefined();
      if (e.container !== undefined)
        expect(
          [...pod!.spec.containers, ...(pod!.spec.initContainers ?? [])].map((c) => c.name),
          `${e.workload}: ${e.why}`,
        ).toContain(e.container);
    }
  });

  it("gives every exception a reason", () => {
    for (const e of EXCEPTIONS) expect(e.why.length, e.workload).toBeGreaterThan(20);
  });
});

describe("the security walk", () => {
  it("flags a root container, a latest image, identical probes and a missing policy", async () => {
    const objects = structuredClone(await rendered("prod"));
    const dep = objects.find((o) => o.kind === "Deployment" && o.metadata.name === "mcp-backend")!;
    const pod = (dep.spec as { template: { spec: { containers: Record<string, unknown>[] } } }).template.spec;
    const c = pod.containers[0]!;
    c.image = "mcp-backend:latest";
    c.securityContext = { ...(c.securityContext as object), runAsUser: 0, readOnlyRootFilesystem: false };
    c.readinessProbe = c.livenessProbe;
    const withoutPolicy = objects.filter(
      (o) => !(o.kind === "NetworkPolicy" && o.metadata.name === "mcp-backend"),
    );
    const found = violations(withoutPolicy, true).filter((v) => v.startsWith("deployment/mcp-backend"));
    expect(found).toEqual(
      expect.arrayContaining([
        "deployment/mcp-backend/mcp-backend: runAsUser unset or root",
        "deployment/mcp-backend/mcp-backend: root filesystem writable",
        "deployment/mcp-backend/mcp-backend: image mcp-backend:latest is not pinned",
        "deployment/mcp-backend/mcp-backend: liveness and readiness probes are identical",
        "deployment/mcp-backend: no NetworkPolicy with both Ingress and Egress selects it",
      ]),
    );
  });
});

describe("the security walk over monitoring pods", () => {
  it("flags a low UID, a mounted token, a missing PDB and a missing instance label; excuses only Prometheus's token", async () => {
    const objects = structuredClone(await rendered("prod"));
    const spec = (name: string) =>
      (
        objects.find((o) => o.kind === "Deployment" && o.metadata.name === name)!.spec as {
          template: { metadata: { labels: Record<string, string> }; spec: Record<string, unknown> };
        }
      ).template;
    const grafana = spec("grafana");
    grafana.spec.securityContext = { ...(grafana.spec.securityContext as object), runAsUser: 472 };
    (grafana.spec.containers as Record<string, unknown>[])[0]!.securityContext = {
      ...((grafana.spec.containers as Record<string, unknown>[])[0]!.securityContext as object),
      runAsUser: 472,
    };
    grafana.spec.automountServiceAccountToken = true;
    delete spec("alertmanager").metadata.labels["app.kubernetes.io/instance"];
    const withoutPdb = objects.filter(
      (o) => !(o.kind === "PodDisruptionBudget" && o.metadata.name === "otel-collector"),
    );
    const found = violations(withoutPdb, true);
    expect(found).toEqual(
      expect.arrayContaining([
        "deployment/grafana/grafana: runAsUser 472 < 10000",
        "deployment/grafana: service account token automounted",
        "deployment/alertmanager: pod template lacks label app.kubernetes.io/instance",
        "deployment/otel-collector: no PodDisruptionBudget",
      ]),
    );
    expect(found.filter((v) => v.startsWith("deployment/prometheus"))).toEqual([]);
  });
});
