import { beforeAll, describe, expect, it } from "vitest";
import type { MockRunResult } from "../../stacks/mock-run.js";
import { validateKubeObject } from "../helpers/kube-schema.js";
import { runStackWithSecrets, TEST_SECRETS } from "../helpers/stack.js";

const MINE = new Set(["prometheus", "alertmanager", "grafana", "jaeger", "otel-collector"]);
/** UIDs of the images (their Dockerfiles); only Grafana's 472 is below 10000 (docs/monitoring.md). */
const IMAGE_UIDS: Record<string, number> = {
  prometheus: 65534,
  alertmanager: 65534,
  grafana: 472,
  jaeger: 10001,
  "otel-collector": 10001,
};

type Obj = {
  apiVersion: string;
  kind: string;
  metadata: { name: string; labels?: Record<string, string> };
  [k: string]: unknown;
};

const SECRET_SIG = "4dabf18193072939515e22adb298388d";

/** Pulumi secret Outputs arrive in mock inputs wrapped in a signature object; the schema wants the value. */
function unwrapSecrets(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(unwrapSecrets);
  if (v && typeof v === "object") {
    const o = v as Record<string, unknown>;
    if (SECRET_SIG in o) return unwrapSecrets(o.value);
    return Object.fromEntries(Object.entries(o).map(([k, x]) => [k, unwrapSecrets(x)]));
  }
  return v;
}

interface Container {
  image: string;
  args?: string[];
  env?: { name: string; valueFrom?: unknown }[];
  securityContext: Record<string, unknown>;
  resources: Record<string, Record<string, string>>;
  livenessProbe?: unknown;
  readinessProbe?: unknown;
}

function monitoringObjects(result: MockRunResult): Obj[] {
  return result.resources
    .filter((r) => r.type.startsWith("kubernetes:"))
    .map((r) => unwrapSecrets(r.inputs) as Obj)
    .filter(
      (o) =>
        MINE.has(o.metadata?.labels?.["app.kubernetes.io/name"] ?? "") ||
        o.metadata?.name?.endsWith("-monitoring"),
    );
}

const runs: Record<string, Obj[]> = {};
beforeAll(async () => {
  for (const s of ["staging", "prod"]) runs[s] = monitoringObjects(await runStackWithSecrets(s));
});

describe.each(["staging", "prod"])("monitoring objects of %s", (stack) => {
  const objs = () => runs[stack]!;
  const deployments = () =>
    objs().filter((o) => o.kind === "Deployment") as unknown as {
      metadata: { name: string };
      spec: {
        template: {
          spec: {
            securityContext: Record<string, unknown>;
            automountServiceAccountToken: boolean;
            containers: Container[];
          };
        };
      };
    }[];

  it("validate against the Kubernetes OpenAPI schema", () => {
    expect(objs().length).toBeGreaterThan(10);
    for (const o of objs()) validateKubeObject(o);
  });

  it("run the expected workloads", () => {
    const names = deployments()
      .map((d) => d.metadata.name)
      .sort();
    expect(names).toEqual(
      stack === "staging"
        ? ["alertmanager", "grafana", "jaeger", "prometheus"]
        : ["alertmanager", "grafana", "otel-collector", "prometheus"],
    );
  });

  it("meet the restricted Pod Security Standard with the images' own non-root users", () => {
    for (const d of deployments()) {
      const pod = d.spec.template.spec;
      expect(pod.securityContext).toMatchObject({
        runAsNonRoot: true,
        seccompProfile: { type: "RuntimeDefault" },
      });
      for (const c of pod.containers) {
        expect(c.securityContext).toMatchObject({
          allowPrivilegeEscalation: false,
          readOnlyRootFilesystem: true,
          runAsNonRoot: true,
          capabilities: { drop: ["ALL"] },
          runAsUser: IMAGE_UIDS[d.metadata.name],
        });
        expect(c.image).toMatch(/:[^:]+$/);
        expect(c.image).not.toMatch(/:latest$/);
        for (const side of ["requests", "limits"])
          expect(Object.keys(c.resources[side] ?? {}).sort()).toEqual(["cpu", "ephemeral-storage", "memory"]);
        expect(c.livenessProbe).toBeDefined();
        expect(c.readinessProbe).toBeDefined();
        expect(c.livenessProbe).not.toEqual(c.readinessProbe);
      }
      // Only Prometheus talks to the API (service discovery, cAdvisor proxy).
      expect(pod.automountServiceAccountToken).toBe(d.metadata.name === "prometheus");
    }
  });

  it("give every monitoring workload a NetworkPolicy with ingress and egress", () => {
    const policies = objs().filter((o) => o.kind === "NetworkPolicy") as unknown as {
      spec: { podSelector: { matchLabels: Record<string, string> }; policyTypes: string[] };
    }[];
    for (const d of deployments()) {
      const p = policies.find(
        (x) => x.spec.podSelector.matchLabels["app.kubernetes.io/name"] === d.metadata.name,
      );
      expect(p, d.metadata.name).toBeDefined();
      expect(p!.spec.policyTypes).toEqual(["Ingress", "Egress"]);
    }
  });

  it("keep secrets out of ConfigMaps; Grafana reads its password through secretKeyRef", () => {
    for (const cm of objs().filter((o) => o.kind === "ConfigMap"))
      for (const v of Object.values(TEST_SECRETS)) expect(JSON.stringify(cm)).not.toContain(v);
    const grafana = deployments().find((d) => d.metadata.name === "grafana")!;
    const env = grafana.spec.template.spec.containers[0]!.env ?? [];
    expect(env.find((e) => e.name === "GF_SECURITY_ADMIN_PASSWORD")?.valueFrom).toEqual({
      secretKeyRef: { name: "grafana-admin", key: "admin-password" },
    });
  });

  it("run Prometheus with the model's retention and a PVC", () => {
    const prom = deployments().find((d) => d.metadata.name === "prometheus")!;
    expect(prom.spec.template.spec.containers[0]!.args).toContain("--storage.tsdb.retention.time=15d");
    expect(
      objs().some((o) => o.kind === "PersistentVolumeClaim" && o.metadata.name === "prometheus-data"),
    ).toBe(true);
  });
});

describe("prometheus RBAC", () => {
  it("lets Prometheus read nodes/proxy (cAdvisor) and discover pods", () => {
    const role = runs.prod!.find((o) => o.kind === "ClusterRole") as unknown as {
      rules: { resources: string[] }[];
    };
    const resources = role.rules.flatMap((r) => r.resources);
    expect(resources).toEqual(
      expect.arrayContaining(["nodes", "nodes/metrics", "nodes/proxy", "pods", "endpoints", "services"]),
    );
  });
});
