import { beforeAll, describe, expect, it } from "vitest";
import { kubernetesObjects, type RenderedObject } from "../../../stacks/kubernetes/render.js";
import { runStackWithSecrets } from "../../helpers/stack.js";
import { type ContainerSpec, find, podTemplates } from "./rendered-objects.js";

/**
 * Values transcribed from shared/reference/infrastructure.md (not imported from environments/): the
 * production Deployment/Service/HPA, the staging compose file, postgresql.conf and the Redis settings.
 */
const PROBES = {
  liveness: { initialDelaySeconds: 30, periodSeconds: 10, timeoutSeconds: 5, failureThreshold: 3 },
  readiness: { initialDelaySeconds: 5, periodSeconds: 5, timeoutSeconds: 3, failureThreshold: 2 },
};
const REFERENCE = {
  prod: {
    namespace: "production",
    replicas: undefined,
    hpa: {
      minReplicas: 4,
      maxReplicas: 20,
      cpu: 70,
      memory: 80,
      scaleUp: {
        stabilizationWindowSeconds: 60,
        policies: [{ type: "Percent", value: 50, periodSeconds: 60 }],
      },
      scaleDown: {
        stabilizationWindowSeconds: 300,
        policies: [{ type: "Percent", value: 25, periodSeconds: 60 }],
      },
    },
    requests: { cpu: 500, memory: "1Gi" },
    limits: { cpu: 2000, memory: "4Gi" },
    serviceType: "LoadBalancer",
    postgresConf: {
      shared_buffers: "4GB",
      effective_cache_size: "12GB",
      work_mem: "64MB",
      maintenance_work_mem: "512MB",
      max_connections: "200",
      random_page_cost: "1.1",
      effective_io_concurrency: "200",
      wal_buffers: "16MB",
      checkpoint_completion_target: "0.9",
    },
    settings: {
      LOG_LEVEL: "INFO",
      USE_JSON_LOGS: "true",
      // The reference's LOG_FILE=/var/log/mcp-backend/app.log is a documented deviation: stdout only
      // on Kubernetes (docs/kubernetes.md; test/stacks/kubernetes/logs.test.ts).
      CACHE_BACKEND: "redis",
      CACHE_MAX_SIZE: "100000",
      CACHE_DEFAULT_TTL: "3600",
      CACHE_EMBEDDING_TTL: "7200",
      CACHE_SEARCH_TTL: "3600",
      CACHE_RAG_TTL: "1800",
      OTLP_ENDPOINT: "http://otel-collector:4317",
      OTEL_SERVICE_NAME: "mcp-backend",
      OTEL_TRACES_SAMPLER: "parentbased_traceidratio",
      OTEL_TRACES_SAMPLER_ARG: "0.01",
      SENTRY_ENVIRONMENT: "production",
      SENTRY_TRACES_SAMPLE_RATE: "0.01",
      DB_POOL_SIZE: "20",
      DB_MAX_OVERFLOW: "40",
      DB_POOL_RECYCLE: "3600",
      DB_POOL_PRE_PING: "true",
      WORKERS: "4",
      WORKER_CONNECTIONS: "1000",
      REQUEST_TIMEOUT: "30",
      KEEPALIVE_TIMEOUT: "5",
      RATE_LIMIT_PER_MINUTE: "100",
      RATE_LIMIT_BURST: "20",
    },
  },
  staging: {
    namespace: "staging",
    replicas: 2,
    hpa: undefined,
    // compose: limits cpus '1.0', memory 2G; reservations cpus '0.5', memory 1G.
    requests: { cpu: 500, memory: "1Gi" },
    limits: { cpu: 1000, memory: "2Gi" },
    serviceType: "ClusterIP",
    postgresConf: { max_connections: "200", work_mem: "64MB", random_page_cost: "1.1" },
    settings: {
      LOG_LEVEL: "INFO",
      CACHE_BACKEND: "redis",
      CACHE_MAX_SIZE: "10000",
      CACHE_DEFAULT_TTL: "1800",
      JAEGER_HOST: "jaeger",
      SENTRY_ENVIRONMENT: "staging",
      SENTRY_TRACES_SAMPLE_RATE: "0.1",
      SENTRY_PROFILES_SAMPLE_RATE: "0.1",
      DB_POOL_SIZE: "10",
      DB_MAX_OVERFLOW: "20",
    },
  },
} as const;

function millicores(q: string): number {
  return q.endsWith("m") ? Number(q.slice(0, -1)) : Number(q) * 1000;
}

function confValue(conf: string, key: string): string | undefined {
  const m = new RegExp(`^${key}\\s*=\\s*'?([^'\\n]*)'?`, "m").exec(conf);
  return m?.[1];
}

describe.each(["prod", "staging"] as const)("%s Kubernetes resources (reference values)", (env) => {
  const ref = REFERENCE[env];
  let objects: RenderedObject[];
  let app: ContainerSpec;
  let image: unknown;
  beforeAll(async () => {
    const run = await runStackWithSecrets(env);
    image = run.outputs.image;
    objects = kubernetesObjects(run.resources);
    const pod = podTemplates(objects).find((p) => p.workload === "deployment/mcp-backend");
    app = pod!.spec.containers.find((c) => c.name === "mcp-backend")!;
  });

  it("deploys into the reference namespace", () => {
    expect(find(objects, "Deployment", "mcp-backend").metadata.namespace).toBe(ref.namespace);
  });

  it("rolls out with RollingUpdate maxSurge 1 / maxUnavailable 0 and the reference's labels and annotations", () => {
    const spec = find(objects, "Deployment", "mcp-backend").spec as {
      replicas?: number;
      strategy: unknown;
      selector: unknown;
      template: { metadata: { labels: Record<string, string>; annotations: Record<string, string> } };
    };
    expect(spec.replicas).toBe(ref.replicas);
    expect(spec.strategy).toEqual({
      type: "RollingUpdate",
      rollingUpdate: { maxSurge: 1, maxUnavailable: 0 },
    });
    expect(spec.selector).toEqual({ matchLabels: { app: "mcp-backend" } });
    expect(spec.template.metadata.labels).toMatchObject({ app: "mcp-backend", version: "v1.0.0" });
    // Deviation: the reference's prometheus.io/port "8000" put /metrics behind the public Service;
    // the app serves it on its own port (METRICS_PORT 9464), which no Service exposes.
    expect(spec.template.metadata.annotations).toMatchObject({
      "prometheus.io/scrape": "true",
      "prometheus.io/port": "9464",
      "prometheus.io/path": "/metrics",
    });
  });

  it("runs the image the image stage produced (an Output patched into the Deployment)", () => {
    expect(typeof image).toBe("string");
    expect(app.image).toBe(image);
  });

  it("gives the app the reference's requests and limits", () => {
    const r = app.resources as { requests: Record<string, string>; limits: Record<string, string> };
    expect(millicores(r.requests.cpu!)).toBe(ref.requests.cpu);
    expect(r.requests.memory).toBe(ref.requests.memory);
    expect(millicores(r.limits.cpu!)).toBe(ref.limits.cpu);
    expect(r.limits.memory).toBe(ref.limits.memory);
  });

  it("probes /health/live 30/10/5/3 and /health/ready 5/5/3/2 on port 8000, and sleeps 10 s in preStop", () => {
    expect(app.livenessProbe).toEqual({ httpGet: { path: "/health/live", port: 8000 }, ...PROBES.liveness });
    expect(app.readinessProbe).toEqual({
      httpGet: { path: "/health/ready", port: 8000 },
      ...PROBES.readiness,
    });
    expect(app.lifecycle?.preStop?.exec?.command).toEqual(["/bin/sh", "-c", "sleep 10"]);
    expect(app.ports).toEqual([
      { containerPort: 8000, name: "http", protocol: "TCP" },
      { containerPort: 9464, name: "metrics", protocol: "TCP" },
    ]);
  });

  it("takes database, Redis, Sentry and OpenAI credentials from Secrets", () => {
    const refs = Object.fromEntries(
      (app.env ?? []).map((e) => [e.name, (e.valueFrom as { secretKeyRef?: unknown })?.secretKeyRef]),
    );
    // DATABASE_URL as a file from the reference's db-credentials/url (re-read on each new connection,
    // so a rotated password reaches running pods: docs/data.md).
    const file = (app.env ?? []).find((e) => e.name === "DATABASE_URL_FILE")?.value as string;
    expect(file).toBe("/var/run/secrets/mcp-backend/db-credentials/url");
    const pod = find(objects, "Deployment", "mcp-backend").spec as {
      template: {
        spec: {
          volumes: {
            name: string;
            secret?: { secretName: string; items: { key: string; path: string }[] };
          }[];
        };
      };
    };
    const mount = (app.volumeMounts ?? []).find((m) => file.startsWith(`${m.mountPath}/`));
    const volume = pod.template.spec.volumes.find((v) => v.name === mount?.name);
    expect(volume?.secret?.secretName).toBe("db-credentials");
    expect(volume?.secret?.items).toContainEqual({ key: "url", path: "url" });
    expect(refs.DATABASE_URL).toBeUndefined();
    expect(refs.CACHE_REDIS_URL).toEqual({ name: "redis-credentials", key: "url" });
    expect(refs.SENTRY_DSN).toEqual({ name: "sentry-credentials", key: "dsn" });
    expect(refs.OPENAI_API_KEY).toBeDefined();
    expect(refs.API_KEYS).toBeDefined();
  });

  it("exposes the app on Service port 80 → 8000 named http with the reference's type", () => {
    const svc = find(objects, "Service", "mcp-backend").spec as Record<string, unknown>;
    expect(svc.type).toBe(ref.serviceType);
    expect(svc.ports).toEqual([{ name: "http", port: 80, targetPort: 8000 }]);
    expect(svc.selector).toEqual({ app: "mcp-backend" });
  });

  it("puts the reference's settings in the ConfigMap", () => {
    expect(find(objects, "ConfigMap", "mcp-backend-config").data).toMatchObject(ref.settings);
  });

  it("tunes PostgreSQL as the reference (the Cluster's parameters in prod, postgresql.conf in staging)", () => {
    const cluster = objects.find((o) => o.kind === "Cluster");
    if (env === "prod") {
      const params =
        (cluster?.spec as { postgresql: { parameters: Record<string, string> } } | undefined)?.postgresql
          .parameters ?? {};
      for (const [k, v] of Object.entries(ref.postgresConf)) expect(params[k], k).toBe(v);
      return;
    }
    expect(cluster).toBeUndefined();
    const conf = (find(objects, "ConfigMap", "postgres-config").data as Record<string, string>)[
      "postgresql.conf"
    ]!;
    for (const [k, v] of Object.entries(ref.postgresConf)) expect(confValue(conf, k), k).toBe(v);
  });

  it("autoscales as the reference's HPA (prod) or runs fixed replicas without one (staging)", () => {
    const hpas = objects.filter((o) => o.kind === "HorizontalPodAutoscaler");
    if (!ref.hpa) {
      expect(hpas).toEqual([]);
      return;
    }
    const hpa = find(objects, "HorizontalPodAutoscaler", "mcp-backend-hpa");
    expect(hpa.apiVersion).toBe("autoscaling/v2");
    expect(hpa.spec).toMatchObject({
      scaleTargetRef: { apiVersion: "apps/v1", kind: "Deployment", name: "mcp-backend" },
      minReplicas: ref.hpa.minReplicas,
      maxReplicas: ref.hpa.maxReplicas,
      metrics: [
        {
          type: "Resource",
          resource: { name: "cpu", target: { type: "Utilization", averageUtilization: ref.hpa.cpu } },
        },
        {
          type: "Resource",
          resource: { name: "memory", target: { type: "Utilization", averageUtilization: ref.hpa.memory } },
        },
      ],
      behavior: { scaleUp: ref.hpa.scaleUp, scaleDown: ref.hpa.scaleDown },
    });
  });
});

describe("Redis and the read replica", () => {
  it("runs Redis 7 with maxmemory 512mb allkeys-lru, the reference's RDB rules and AOF everysec in staging", async () => {
    const objects = kubernetesObjects((await runStackWithSecrets("staging")).resources);
    const pod = podTemplates(objects).find((p) => p.workload === "statefulset/redis")!;
    const redis = pod.spec.containers.find((c) => c.name === "redis")!;
    expect(redis.image).toMatch(/^redis:7\.\d+\.\d+/);
    expect(redis.args).toEqual(["--maxmemory", "512mb", "--maxmemory-policy", "allkeys-lru"]);
    const conf = (find(objects, "ConfigMap", "redis-config").data as Record<string, string>)["redis.conf"]!;
    for (const line of [
      "save 900 1",
      "save 300 10",
      "save 60 10000",
      "appendonly yes",
      'appendfilename "appendonly.aof"',
      "appendfsync everysec",
    ])
      expect(conf.split("\n")).toContain(line);
    expect(pod.spec.containers.find((c) => c.name === "redis-exporter")?.ports?.[0]?.containerPort).toBe(
      9121,
    );
    expect(find(objects, "Service", "redis-exporter")).toBeDefined();
  });

  it("runs prod's primary/replica pair as one CloudNativePG Cluster of 3 instances behind two Poolers", async () => {
    const objects = kubernetesObjects((await runStackWithSecrets("prod")).resources);
    const cluster = find(objects, "Cluster", "postgres").spec as { instances: number };
    expect(cluster.instances).toBe(3);
    const poolers = objects.filter((o) => o.kind === "Pooler");
    expect(poolers.map((p) => [p.metadata.name, (p.spec as { type: string }).type])).toEqual([
      ["postgres-pooler", "rw"],
      ["postgres-pooler-ro", "ro"],
    ]);
    // Nothing hand-rolled is left: no Postgres StatefulSet, no PgBouncer Deployment, no WAL volume.
    const kinds = objects.map((o) => `${o.kind}/${o.metadata.name}`);
    expect(
      kinds.filter((k) => /^(StatefulSet|Deployment|PersistentVolumeClaim)\/(postgres|pgbouncer)/.test(k)),
    ).toEqual([]);
  });
});
