import { beforeAll, describe, expect, it } from "vitest";
import type { MockRunResult } from "../../stacks/mock-run.js";
import { validateKubeObject } from "../helpers/kube-schema.js";
import { runStackWithSecrets, TEST_SECRETS } from "../helpers/stack.js";

const MINE = new Set(["prometheus", "alertmanager", "grafana", "jaeger", "otel-collector"]);
/**
 * The users the pods run as (docs/monitoring.md), all ≥ 10000: the images' own users (nobody 65534 in
 * the prom/* images, 10001 in jaeger and the collector), except Grafana, whose image's 472 is moved to
 * 10472 (the image supports arbitrary users).
 */
const RUN_AS: Record<string, number> = {
  prometheus: 65534,
  alertmanager: 65534,
  grafana: 10472,
  jaeger: 10001,
  "otel-collector": 10001,
};

/**
 * The paths the grafana/grafana image writes (its Dockerfile's GF_PATHS_DATA, GF_PATHS_PLUGINS,
 * GF_PATHS_LOGS; /tmp), each of which must be on a volume under a read-only root filesystem.
 */
const GRAFANA_WRITABLE = ["/var/lib/grafana", "/var/lib/grafana/plugins", "/var/log/grafana", "/tmp"];

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

  it("meet the restricted Pod Security Standard as non-root users at or above 10000", () => {
    for (const d of deployments()) {
      const pod = d.spec.template.spec;
      expect(pod.securityContext).toMatchObject({
        runAsNonRoot: true,
        fsGroup: RUN_AS[d.metadata.name],
        seccompProfile: { type: "RuntimeDefault" },
      });
      for (const c of pod.containers) {
        expect(c.securityContext).toMatchObject({
          allowPrivilegeEscalation: false,
          readOnlyRootFilesystem: true,
          runAsNonRoot: true,
          capabilities: { drop: ["ALL"] },
          runAsUser: RUN_AS[d.metadata.name],
          runAsGroup: RUN_AS[d.metadata.name],
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

  it("give Grafana a writable volume (or a volume's subdirectory) for every path its image writes", () => {
    const grafana = deployments().find((d) => d.metadata.name === "grafana")!;
    const c = grafana.spec.template.spec.containers[0] as Container & {
      volumeMounts: { mountPath: string; readOnly?: boolean }[];
    };
    const writable = c.volumeMounts.filter((m) => m.readOnly !== true).map((m) => m.mountPath);
    for (const path of GRAFANA_WRITABLE)
      expect(
        writable.some((m) => path === m || path.startsWith(`${m}/`)),
        `${path} in ${writable.join(", ")}`,
      ).toBe(true);
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
