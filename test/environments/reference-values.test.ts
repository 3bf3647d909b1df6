import { describe, expect, it } from "vitest";
import { resolveEnvironment } from "../../environments/index.js";

/**
 * Every value the reference design (shared/reference/infrastructure.md) gives, transcribed by hand per
 * environment as `field path → value`. This table is the oracle: it is not derived from dev.ts/staging.ts/
 * prod.ts, so a drifted model value fails here.
 */
const REFERENCE: Record<"dev" | "staging" | "prod", Record<string, unknown>> = {
  dev: {
    // Development → Logging
    "logging.level": "DEBUG",
    "logging.json": false,
    "logging.file": "logs/mcp-backend-dev.log",
    "logging.consoleTracing": true,
    // Development → Caching
    "cache.enabled": true,
    "cache.backend": "memory",
    "cache.maxSize": 1000,
    "cache.defaultTtlSeconds": 300,
    // Development → Observability: no external exporters
    "observability.tracing": "none",
    "observability.sentry.enabled": false,
    // Development → Database
    "database.name": "mcp_dev",
    "database.pool.size": 5,
    "database.pool.maxOverflow": 10,
    // Development → Docker Compose
    target: "docker",
  },
  staging: {
    "logging.level": "INFO",
    "logging.json": true,
    "logging.file": "/var/log/mcp-backend/app.log",
    "logging.consoleTracing": false,
    "cache.enabled": true,
    "cache.backend": "redis",
    "cache.maxSize": 10000,
    "cache.defaultTtlSeconds": 1800,
    "observability.tracing": "jaeger",
    "observability.sentry.enabled": true,
    "observability.sentry.environment": "staging",
    "observability.sentry.tracesSampleRate": 0.1,
    "observability.sentry.profilesSampleRate": 0.1,
    "database.name": "mcp_staging",
    "database.pool.size": 10,
    "database.pool.maxOverflow": 20,
    // Staging compose: replicas 2, limits 1.0 CPU / 2G, reservations 0.5 CPU / 1G
    "kubernetes.replicas": 2,
    "kubernetes.resources.limits.cpu": "1",
    "kubernetes.resources.limits.memory": "2Gi",
    "kubernetes.resources.requests.cpu": "500m",
    "kubernetes.resources.requests.memory": "1Gi",
    // Staging compose: redis-server --maxmemory 512mb --maxmemory-policy allkeys-lru
    "redis.enabled": true,
    "redis.maxmemory": "512mb",
    "redis.maxmemoryPolicy": "allkeys-lru",
    // Staging compose: prometheus --storage.tsdb.retention.time=15d; grafana on 3000; jaeger
    "prometheus.retention": "15d",
    "grafana.enabled": true,
    "grafana.port": 3000,
    "jaeger.enabled": true,
    target: "kubernetes",
  },
  prod: {
    "logging.level": "INFO",
    "logging.json": true,
    "logging.file": "/var/log/mcp-backend/app.log",
    "logging.consoleTracing": false,
    "cache.enabled": true,
    "cache.backend": "redis",
    "cache.maxSize": 100000,
    "cache.defaultTtlSeconds": 3600,
    "cache.ttlSeconds.embedding": 7200,
    "cache.ttlSeconds.search": 3600,
    "cache.ttlSeconds.rag": 1800,
    "observability.tracing": "otel-collector",
    "observability.sampler": "parentbased_traceidratio",
    "observability.samplerArg": 0.01,
    "observability.sentry.environment": "production",
    "observability.sentry.tracesSampleRate": 0.01,
    "observability.sentry.profilesSampleRate": 0.01,
    "database.name": "mcp_production",
    "database.readReplica": true,
    "database.pool.size": 20,
    "database.pool.maxOverflow": 40,
    "database.pool.recycleSeconds": 3600,
    "database.pool.prePing": true,
    // Performance Tuning
    "runtime.workers": 4,
    "runtime.workerConnections": 1000,
    "runtime.requestTimeoutSeconds": 30,
    "runtime.keepaliveTimeoutSeconds": 5,
    "runtime.rateLimitPerMinute": 100,
    "runtime.rateLimitBurst": 20,
    // Kubernetes Deployment (production)
    "kubernetes.namespace": "production",
    "kubernetes.replicas": 4,
    "kubernetes.rollingUpdate.maxSurge": 1,
    "kubernetes.rollingUpdate.maxUnavailable": 0,
    "kubernetes.resources.requests.cpu": "500m",
    "kubernetes.resources.requests.memory": "1Gi",
    "kubernetes.resources.limits.cpu": "2000m",
    "kubernetes.resources.limits.memory": "4Gi",
    "kubernetes.livenessProbe.initialDelaySeconds": 30,
    "kubernetes.livenessProbe.periodSeconds": 10,
    "kubernetes.livenessProbe.timeoutSeconds": 5,
    "kubernetes.livenessProbe.failureThreshold": 3,
    "kubernetes.readinessProbe.initialDelaySeconds": 5,
    "kubernetes.readinessProbe.periodSeconds": 5,
    "kubernetes.readinessProbe.timeoutSeconds": 3,
    "kubernetes.readinessProbe.failureThreshold": 2,
    "kubernetes.preStopSleepSeconds": 10,
    "kubernetes.serviceType": "LoadBalancer",
    "kubernetes.hpa.enabled": true,
    "kubernetes.hpa.minReplicas": 4,
    "kubernetes.hpa.maxReplicas": 20,
    "kubernetes.hpa.cpuUtilization": 70,
    "kubernetes.hpa.memoryUtilization": 80,
    "kubernetes.hpa.behavior.scaleUp.stabilizationWindowSeconds": 60,
    "kubernetes.hpa.behavior.scaleUp.policies": [{ type: "Percent", value: 50, periodSeconds: 60 }],
    "kubernetes.hpa.behavior.scaleDown.stabilizationWindowSeconds": 300,
    "kubernetes.hpa.behavior.scaleDown.policies": [{ type: "Percent", value: 25, periodSeconds: 60 }],
    // Monitoring Configuration → prometheus.yml
    "prometheus.scrapeInterval": "15s",
    "prometheus.evaluationInterval": "15s",
    "prometheus.externalLabels.cluster": "production",
    "prometheus.externalLabels.environment": "prod",
    // Performance Tuning → postgresql.conf
    "database.postgres.workMem": "64MB",
    "database.postgres.maintenanceWorkMem": "512MB",
    "database.postgres.maxConnections": 200,
    "database.postgres.randomPageCost": 1.1,
    "database.postgres.effectiveIoConcurrency": 200,
    "database.postgres.walBuffers": "16MB",
    "database.postgres.checkpointCompletionTarget": 0.9,
    "derived.postgres.sharedBuffers": "4GB",
    "derived.postgres.effectiveCacheSize": "12GB",
    // Backup and Recovery: daily at 02:00; WAL archiving is CloudNativePG's (continuous, to the object
    // store); Redis RDB save rules and AOF everysec
    "backups.enabled": true,
    "backups.schedule": "0 2 * * *",
    "database.engine": "cloudnative-pg",
    "redis.rdbSaves": [
      { seconds: 900, changes: 1 },
      { seconds: 300, changes: 10 },
      { seconds: 60, changes: 10000 },
    ],
    "redis.aof.enabled": true,
    "redis.aof.fsync": "everysec",
    target: "kubernetes",
  },
};

function at(obj: unknown, path: string): unknown {
  return path.split(".").reduce<unknown>((o, k) => (o as Record<string, unknown> | undefined)?.[k], obj);
}

describe.each(Object.keys(REFERENCE) as (keyof typeof REFERENCE)[])("the %s model", (name) => {
  const env = resolveEnvironment(name);
  it.each(Object.entries(REFERENCE[name]))("has %s as the reference gives it", (path, expected) => {
    expect(at(env, path)).toEqual(expected);
  });
});

describe("values every environment shares with the reference", () => {
  it.each(["dev", "staging", "prod"])(
    "%s pins pgvector on Postgres 16 and keeps the reference's monitoring intervals",
    (name) => {
      const env = resolveEnvironment(name);
      expect(env.database.image).toMatch(/^pgvector\/pgvector:.*pg16$/);
      expect(env.prometheus.scrapeInterval).toBe("15s");
    },
  );
});
