import { describe, expect, it } from "vitest";
import {
  ENVIRONMENT_NAMES,
  ENVIRONMENTS,
  EnvironmentValidationError,
  resolveEnvironment,
  UnknownEnvironmentError,
  validateEnvironment,
} from "../../environments/index.js";

/** The one issue line an invalid override produces, as the user sees it. */
function errorOf(name: string, overrides: unknown): string {
  try {
    resolveEnvironment(name, overrides);
  } catch (err) {
    if (err instanceof EnvironmentValidationError) return err.message;
    throw err;
  }
  throw new Error("expected the environment to be rejected");
}

describe("cross-field rules", () => {
  it("accepts every environment as committed", () => {
    for (const name of ENVIRONMENT_NAMES) expect(() => resolveEnvironment(name)).not.toThrow();
  });

  it("takes the cluster's DNS from kubernetes.dns and names a bad address", () => {
    const env = resolveEnvironment("prod", { kubernetes: { dns: { addresses: ["10.96.0.10/32"] } } });
    expect(env.kubernetes.dns).toEqual({ namespace: "kube-system", addresses: ["10.96.0.10/32"] });
    expect(errorOf("prod", { kubernetes: { dns: { addresses: ["169.254.20.10"] } } })).toContain(
      "kubernetes.dns.addresses.0: must be a CIDR such as 169.254.20.10/32",
    );
  });

  it("rejects a mesh on the docker target and a mesh without NetworkPolicies, and an unknown mesh", () => {
    expect(errorOf("dev", { mesh: "istio" })).toContain(
      "  - dev: mesh: the docker target has no service mesh; use none (mesh is istio)",
    );
    expect(errorOf("prod", { kubernetes: { networkPolicies: false } })).toContain(
      "  - prod: kubernetes.networkPolicies: mesh linkerd accepts plaintext on the ports of clients off the mesh",
    );
    expect(() =>
      resolveEnvironment("prod", { mesh: "none", kubernetes: { networkPolicies: false } }),
    ).not.toThrow();
    expect(errorOf("prod", { mesh: "consul" })).toMatch(/mesh: .*"none".*"linkerd".*"istio"/);
  });

  it("rejects an HPA whose minimum exceeds its maximum", () => {
    expect(errorOf("prod", { kubernetes: { hpa: { minReplicas: 30 } } })).toBe(
      'Invalid environment "prod":\n  - prod: kubernetes.hpa.minReplicas: minReplicas 30 exceeds maxReplicas 20',
    );
  });

  it("rejects a CPU request above its limit", () => {
    expect(errorOf("staging", { kubernetes: { resources: { requests: { cpu: "1500m" } } } })).toContain(
      "  - staging: kubernetes.resources.requests.cpu: request 1500m exceeds limit 1 (kubernetes.resources.limits.cpu)",
    );
  });

  it("rejects a memory request above its limit, comparing units", () => {
    // 3Gi > 2Gi although "3" < "2048" would be true of a naive numeric compare on mixed units.
    expect(errorOf("staging", { kubernetes: { resources: { requests: { memory: "3Gi" } } } })).toContain(
      "  - staging: kubernetes.resources.requests.memory: request 3Gi exceeds limit 2Gi (kubernetes.resources.limits.memory)",
    );
  });

  it("rejects a Redis request above its limit", () => {
    expect(errorOf("prod", { redis: { resources: { requests: { memory: "4Gi" } } } })).toContain(
      "  - prod: redis.resources.requests.memory: request 4Gi exceeds limit 3Gi (redis.resources.limits.memory)",
    );
  });

  it("rejects sample rates outside [0, 1]", () => {
    expect(errorOf("prod", { observability: { samplerArg: 1.5 } })).toContain(
      "  - prod: observability.samplerArg: sample rate 1.5 must be between 0 and 1",
    );
    expect(errorOf("staging", { observability: { sentry: { tracesSampleRate: -0.1 } } })).toContain(
      "  - staging: observability.sentry.tracesSampleRate: sample rate -0.1 must be between 0 and 1",
    );
    expect(errorOf("staging", { observability: { sentry: { profilesSampleRate: 2 } } })).toContain(
      "  - staging: observability.sentry.profilesSampleRate: sample rate 2 must be between 0 and 1",
    );
  });

  it("rejects TTLs that are not positive", () => {
    expect(errorOf("dev", { cache: { defaultTtlSeconds: 0 } })).toContain(
      "  - dev: cache.defaultTtlSeconds: TTL 0 must be greater than 0 seconds",
    );
    expect(errorOf("prod", { cache: { ttlSeconds: { rag: -5 } } })).toContain(
      "  - prod: cache.ttlSeconds.rag: TTL -5 must be greater than 0 seconds",
    );
  });

  it("rejects the reference's prod connection numbers without a pooler", () => {
    // (20 max pods + 1 surge) × 4 workers × (20 + 40) = 5,040 > 200 − 20.
    expect(errorOf("prod", { database: { pooler: { enabled: false } } })).toBe(
      'Invalid environment "prod":\n  - prod: database.pooler.enabled: 21 pods (max replicas + maxSurge) × 4 workers × ' +
        "(pool 20 + overflow 40) = 5040 connections to the primary and the replica each, but Postgres allows 180 (max_connections 200 − 20 reserved): " +
        "enable the pooler or lower replicas, workers or pool sizes",
    );
  });

  it("rejects staging once workers grow past what max_connections holds", () => {
    // (2 + 1) × 3 × 30 = 270 > 180.
    expect(errorOf("staging", { runtime: { workers: 3 } })).toContain(
      "  - staging: database.pooler.enabled: 3 pods (max replicas + maxSurge) × 3 workers × (pool 10 + overflow 20) = 270 connections",
    );
  });

  it("rejects a pooler whose server pools exceed max_connections", () => {
    expect(errorOf("prod", { database: { pooler: { defaultPoolSize: 150 } } })).toContain(
      "  - prod: database.pooler.defaultPoolSize: each Pooler may open 320 server connections " +
        "(2 PgBouncer pods × (pool 150 + reserve 10)), but Postgres allows 180",
    );
  });

  it("rejects a pooler that cannot accept every app connection", () => {
    expect(errorOf("prod", { database: { pooler: { maxClientConnections: 2000 } } })).toContain(
      "  - prod: database.pooler.maxClientConnections: 21 pods (max replicas + maxSurge) × 4 workers × " +
        "(pool 20 + overflow 40) = 5040 connections to the primary and the replica each, but each Pooler accepts 4000 client connections",
    );
  });

  it("counts the replica's pool too: a replica without a pooler needs its own room", () => {
    // 2 workers × (10 + 20) × 3 pods = 180 fits once; with external's replica URL it must fit on each.
    expect(
      errorOf("staging", {
        database: {
          engine: "external",
          readReplica: true,
          external: { egress: [{ cidr: "10.0.0.0/16", port: 5432 }] },
        },
        runtime: { workers: 3 },
      }),
    ).toContain("= 270 connections to the primary and the replica each, but Postgres allows 180");
  });

  it("keeps each engine to what it can do", () => {
    expect(errorOf("staging", { database: { readReplica: true } })).toContain(
      "  - staging: database.readReplica: the statefulset engine runs one Postgres pod; a read replica needs engine cloudnative-pg or external",
    );
    expect(errorOf("staging", { database: { engine: "external" } })).toContain(
      "  - staging: database.external.egress: engine external needs the address ranges the app may reach",
    );
    expect(errorOf("staging", { database: { restore: { serverName: "postgres" } } })).toContain(
      "  - staging: database.restore: recovery bootstraps a cloudnative-pg cluster (engine is statefulset)",
    );
    expect(errorOf("prod", { redis: { engine: "external" } })).toContain(
      "  - prod: redis.external.egress: redis engine external needs the address ranges the app may reach (cidr and port)",
    );
    expect(
      errorOf("prod", { database: { restore: { serverName: "postgres", targetTime: "yesterday" } } }),
    ).toMatch(/database\.restore/);
  });

  it("rejects a PodDisruptionBudget that blocks every eviction", () => {
    expect(errorOf("prod", { kubernetes: { pdbMinAvailable: 4 } })).toContain(
      "  - prod: kubernetes.pdbMinAvailable: minAvailable 4 with 4 replicas blocks every voluntary eviction; use at most 3",
    );
  });

  it("rejects a rollout that can never progress", () => {
    expect(errorOf("prod", { kubernetes: { rollingUpdate: { maxSurge: 0 } } })).toContain(
      "  - prod: kubernetes.rollingUpdate.maxSurge: maxSurge and maxUnavailable are both 0, so a rollout can never make progress",
    );
  });

  it("rejects a grace period shorter than preStop plus the request timeout", () => {
    expect(errorOf("prod", { kubernetes: { terminationGracePeriodSeconds: 40 } })).toContain(
      "  - prod: kubernetes.terminationGracePeriodSeconds: 40s must exceed preStop 10s + request timeout 30s = 40s, or in-flight requests are killed",
    );
  });

  it("rejects a Redis cache without Redis, and tracing without its backend", () => {
    expect(errorOf("staging", { redis: { enabled: false } })).toContain(
      "  - staging: redis.enabled: cache.backend is redis, so redis must be enabled",
    );
    expect(errorOf("staging", { jaeger: { enabled: false } })).toContain(
      "  - staging: jaeger.enabled: observability.tracing is jaeger, so jaeger must be enabled",
    );
    expect(errorOf("prod", { jaeger: { collector: { enabled: false } } })).toContain(
      "  - prod: jaeger.collector.enabled: observability.tracing is otel-collector, so jaeger.collector must be enabled",
    );
    expect(errorOf("staging", { prometheus: { enabled: false } })).toContain(
      "  - staging: grafana.enabled: grafana needs prometheus.enabled as its data source",
    );
  });
});

describe("schema errors", () => {
  it("name the environment and the field path of a wrong type", () => {
    expect(errorOf("prod", { kubernetes: { replicas: "four" } })).toContain(
      "  - prod: kubernetes.replicas: ",
    );
  });

  it("reject unknown (misspelt) keys instead of ignoring them, with the near name", () => {
    expect(errorOf("dev", { cache: { maxSise: 5 } })).toContain(
      '  - dev: cache.maxSise: unknown key; did you mean "maxSize"?',
    );
  });

  it("reject an unknown top-level key of an environment file, every unknown key listed with its path", () => {
    const file = { ...ENVIRONMENTS.staging, kubernete: { replicas: 3 }, zzz: 1 };
    const message = (() => {
      try {
        validateEnvironment("staging", file);
      } catch (err) {
        if (err instanceof EnvironmentValidationError) return err.message;
        throw err;
      }
      throw new Error("expected the environment file to be rejected");
    })();
    expect(message).toContain('  - staging: kubernete: unknown key; did you mean "kubernetes"?');
    // Nothing near: no guess.
    expect(message).toMatch(/^ {2}- staging: zzz: unknown key$/m);
  });

  it("suggests through optionals, unions and arrays", () => {
    const message = errorOf("prod", {
      secrets: { store: { provider: "vault", server: "https://vault.example", role: "r", mountPth: "k8s" } },
      redis: { rdbSaves: [{ seconds: 60, change: 1 }] },
    });
    expect(message).toContain('secrets.store.mountPth: unknown key; did you mean "mountPath"?');
    expect(message).toContain('redis.rdbSaves.0.change: unknown key; did you mean "changes"?');
  });

  it("reject unpinned images", () => {
    expect(errorOf("prod", { redis: { image: "redis:latest" } })).toContain(
      "  - prod: redis.image: must be pinned to a version, never :latest",
    );
    expect(errorOf("prod", { redis: { image: "redis" } })).toContain(
      "  - prod: redis.image: must carry a tag or digest",
    );
  });

  it("reject quantities Kubernetes would not accept", () => {
    expect(errorOf("prod", { kubernetes: { resources: { limits: { memory: "4 GB" } } } })).toContain(
      "  - prod: kubernetes.resources.limits.memory: must be a memory quantity such as 512Mi or 2Gi",
    );
  });

  it("reject an override that renames the environment", () => {
    expect(errorOf("prod", { name: "staging" })).toContain(
      '  - prod: name: is "staging" but the environment is "prod"',
    );
  });
});

describe("environment names", () => {
  it("an unknown name lists the valid ones", () => {
    expect(() => resolveEnvironment("qa")).toThrow(UnknownEnvironmentError);
    expect(() => resolveEnvironment("qa")).toThrow(
      'Unknown environment "qa". Valid environments: dev, staging, prod',
    );
  });
});
