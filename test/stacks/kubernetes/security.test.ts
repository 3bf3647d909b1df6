import { beforeAll, describe, expect, it } from "vitest";
import { ENVIRONMENT_NAMES } from "../../../environments/index.js";
import { EXCEPTIONS, stillBreaks, violations } from "../../../policy/rules/index.js";
import { podTemplates, type RenderedObject, rendered } from "./rendered-objects.js";

/**
 * Secure by default: the Pod Security Standard "restricted" profile plus what kube-score, Polaris,
 * kube-linter and Checkov check by default, on every pod template every environment renders (app tier
 * and monitoring alike: no workload is left out). The rules and their listed exceptions live in
 * policy/rules/, the policy pack's home, so `pulumi preview --policy-pack policy` enforces the same.
 */
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

  it("run every workload as a ServiceAccount of its own, rendered without a token", () => {
    const accounts = objects.filter((o) => o.kind === "ServiceAccount");
    const used = podTemplates(objects).map((p) => p.spec.serviceAccountName);
    expect(new Set(used).size, used.join()).toBe(used.length);
    for (const name of used) {
      const sa = accounts.find((a) => a.metadata.name === name);
      expect(sa, name).toBeDefined();
      expect((sa as { automountServiceAccountToken?: boolean }).automountServiceAccountToken, name).toBe(
        false,
      );
    }
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
    delete grafana.spec.serviceAccountName;
    delete spec("alertmanager").metadata.labels["app.kubernetes.io/instance"];
    const withoutPdb = objects.filter(
      (o) => !(o.kind === "PodDisruptionBudget" && o.metadata.name === "otel-collector"),
    );
    const found = violations(withoutPdb, true);
    expect(found).toEqual(
      expect.arrayContaining([
        "deployment/grafana/grafana: runAsUser 472 < 10000",
        "deployment/grafana: service account token automounted",
        "deployment/grafana: runs as the namespace's default ServiceAccount",
        "deployment/alertmanager: pod template lacks label app.kubernetes.io/instance",
        "deployment/otel-collector: no PodDisruptionBudget",
      ]),
    );
    expect(found.filter((v) => v.startsWith("deployment/prometheus"))).toEqual([]);
  });
});
