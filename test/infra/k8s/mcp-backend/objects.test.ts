import { describe, expect, it } from "vitest";
import { type McpBackendArgs, mcpBackendObjects, validateMcpBackendArgs } from "../../../../infra/index.js";

const PROBE = { initialDelaySeconds: 30, periodSeconds: 10, timeoutSeconds: 5, failureThreshold: 3 };
const BASE: McpBackendArgs = {
  namespace: "ns",
  image: "registry.example/mcp-backend:1.2.3",
  version: "1.2.3",
  resources: {
    requests: { cpu: "250m", memory: "512Mi", ephemeralStorage: "128Mi" },
    limits: { cpu: "1", memory: "1Gi", ephemeralStorage: "512Mi" },
  },
  livenessProbe: { path: "/health/live", ...PROBE },
  readinessProbe: { path: "/health/ready", ...PROBE, initialDelaySeconds: 5 },
};

type Obj = ReturnType<typeof mcpBackendObjects>[number];
const of = (objs: Obj[], kind: string) => objs.find((o) => o.kind === kind);
// biome-ignore lint/suspicious/noExplicitAny: reaching into synthesised objects in a test
const spec = (o: Obj | undefined) => (o as any).spec;

describe("McpBackend defaults", () => {
  it("pins the secure container defaults: non-root 10001, no escalation, no capabilities, read-only root", () => {
    const dep = spec(of(mcpBackendObjects(BASE), "Deployment"));
    const pod = dep.template.spec;
    expect(pod.automountServiceAccountToken).toBe(false);
    expect(pod.securityContext).toMatchObject({
      runAsNonRoot: true,
      runAsUser: 10001,
      runAsGroup: 10001,
      fsGroup: 10001,
    });
    expect(pod.containers[0].securityContext).toEqual({
      allowPrivilegeEscalation: false,
      capabilities: { drop: ["ALL"] },
      privileged: false,
      readOnlyRootFilesystem: true,
      runAsNonRoot: true,
      runAsUser: 10001,
      runAsGroup: 10001,
      seccompProfile: { type: "RuntimeDefault" },
    });
  });

  it("mounts an emptyDir on /tmp, the log directory and the data directory", () => {
    const pod = spec(of(mcpBackendObjects(BASE), "Deployment")).template.spec;
    const mounts = pod.containers[0].volumeMounts.map((m: { mountPath: string }) => m.mountPath);
    expect(mounts).toEqual(["/tmp", "/var/log/mcp-backend", "/var/lib/mcp-backend"]);
    expect(pod.volumes.every((v: { emptyDir?: unknown }) => v.emptyDir)).toBe(true);
  });

  it("uses 1 replica, surge 1 / unavailable 0, a ClusterIP Service on 80 and no HPA by default", () => {
    const objs = mcpBackendObjects(BASE);
    expect(spec(of(objs, "Deployment")).replicas).toBe(1);
    expect(spec(of(objs, "Deployment")).strategy.rollingUpdate).toEqual({ maxSurge: 1, maxUnavailable: 0 });
    expect(spec(of(objs, "Service"))).toMatchObject({
      type: "ClusterIP",
      ports: [{ port: 80, targetPort: 8000 }],
    });
    expect(of(objs, "HorizontalPodAutoscaler")).toBeUndefined();
    expect(spec(of(objs, "PodDisruptionBudget")).minAvailable).toBe(0);
  });

  it("leaves replicas unset when an HPA owns the Deployment and defaults the PDB to min − 1", () => {
    const objs = mcpBackendObjects({
      ...BASE,
      replicas: 3,
      autoscaling: { minReplicas: 4, maxReplicas: 20 },
    });
    expect(spec(of(objs, "Deployment"))).not.toHaveProperty("replicas");
    expect(spec(of(objs, "HorizontalPodAutoscaler"))).toMatchObject({ minReplicas: 4, maxReplicas: 20 });
    expect(spec(of(objs, "PodDisruptionBudget")).minAvailable).toBe(3);
  });

  it("keeps selectors free of cdk8s hash labels", () => {
    const objs = mcpBackendObjects(BASE);
    expect(spec(of(objs, "Deployment")).selector).toEqual({ matchLabels: { app: "mcp-backend" } });
    expect(JSON.stringify(objs)).not.toContain("cdk8s.io/metadata.addr");
  });

  it("changes the pod template when a setting changes, so pods restart with it", () => {
    const a = spec(of(mcpBackendObjects({ ...BASE, config: { LOG_LEVEL: "INFO" } }), "Deployment"));
    const b = spec(of(mcpBackendObjects({ ...BASE, config: { LOG_LEVEL: "DEBUG" } }), "Deployment"));
    expect(a.template.metadata.annotations["checksum/config"]).not.toBe(
      b.template.metadata.annotations["checksum/config"],
    );
  });
});

describe("validateMcpBackendArgs", () => {
  it("accepts the base args", () => {
    expect(validateMcpBackendArgs(BASE)).toEqual([]);
  });

  it("rejects a PDB that blocks every eviction", () => {
    expect(validateMcpBackendArgs({ ...BASE, replicas: 2, pdbMinAvailable: 2 })).toEqual([
      expect.stringMatching(
        /pdbMinAvailable 2 with a minimum of 2 replicas blocks every eviction; use at most 1/,
      ),
    ]);
  });

  it("rejects identical probes, an unpinned image, a stuck rollout and a grace period shorter than preStop", () => {
    const issues = validateMcpBackendArgs({
      ...BASE,
      image: "mcp-backend:latest",
      readinessProbe: BASE.livenessProbe,
      maxSurge: 0,
      maxUnavailable: 0,
      preStopSleepSeconds: 30,
      terminationGracePeriodSeconds: 30,
    });
    expect(issues).toHaveLength(4);
    expect(issues.join("\n")).toMatch(/latest/);
    expect(issues.join("\n")).toMatch(/identical/);
    expect(issues.join("\n")).toMatch(/never progress/);
    expect(issues.join("\n")).toMatch(/terminationGracePeriodSeconds 30 must exceed preStopSleepSeconds 30/);
  });

  it("rejects a setting delivered both by ConfigMap and Secret, and an HPA whose max is below its min", () => {
    const issues = validateMcpBackendArgs({
      ...BASE,
      config: { DATABASE_URL: "x" },
      secretEnv: { DATABASE_URL: { secretName: "db", key: "url" } },
      autoscaling: { minReplicas: 5, maxReplicas: 2 },
    });
    expect(issues).toEqual([
      "autoscaling.maxReplicas 2 is below autoscaling.minReplicas 5",
      "secretEnv.DATABASE_URL is also in config (ConfigMap); keep it in one of them",
    ]);
  });

  it("is what the constructor's synthesis enforces", () => {
    expect(() => mcpBackendObjects({ ...BASE, replicas: 2, pdbMinAvailable: 5 })).toThrow(
      /Invalid McpBackend args/,
    );
  });
});
