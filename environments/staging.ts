import { MONITORING_SERVICES, OTLP_GRPC_PORT } from "@mcp-stack/contract";
import {
  IMAGES,
  REFERENCE_CLUSTER_DNS,
  REFERENCE_HPA_BEHAVIOR,
  REFERENCE_MONITORING,
  REFERENCE_POSTGRES_TUNING,
  REFERENCE_PROBES,
  REFERENCE_REDIS_PERSISTENCE,
  REFERENCE_ROLLING_UPDATE,
} from "./common.js";
import type { Environment } from "./schema.js";

/** Staging: the reference's "Staging Environment" (its compose file, translated to Kubernetes). */
export const staging = {
  name: "staging",
  target: "kubernetes",
  version: "1.0.0",
  logging: {
    level: "INFO",
    json: true,
    file: "/var/log/mcp-backend/app.log",
    // Reference deviation (docs/kubernetes.md): stdout only on Kubernetes.
    kubernetesFile: false,
    consoleTracing: false,
  },
  cache: {
    enabled: true,
    backend: "redis",
    maxSize: 10000,
    defaultTtlSeconds: 1800,
    // The reference sets no per-type TTLs for staging: all fall back to CACHE_DEFAULT_TTL.
    ttlSeconds: {},
  },
  observability: {
    tracing: "jaeger",
    // Not in the reference for staging: sample everything that the 10% Sentry rate would also see.
    sampler: "parentbased_traceidratio",
    samplerArg: 0.1,
    sentry: { enabled: true, environment: "staging", tracesSampleRate: 0.1, profilesSampleRate: 0.1 },
  },
  database: {
    name: "mcp_staging",
    user: "mcp",
    image: IMAGES.postgres,
    // Reference: DB_POOL_SIZE=10, DB_MAX_OVERFLOW=20; recycle and pre-ping as prod (not given for staging).
    pool: { size: 10, maxOverflow: 20, recycleSeconds: 3600, prePing: true },
    // One Postgres pod, as the reference\'s single `db`; logical backups only.
    engine: "statefulset",
    readReplica: false,
    postgres: {
      ...REFERENCE_POSTGRES_TUNING,
      // Not in the reference: a quarter of prod's database.
      memory: "4Gi",
      cpu: "2",
      reservedConnections: 20,
      storage: "20Gi",
    },
    // (2 pods + 1 surge) × 2 workers × 30 = 180 ≤ 200 − 20: fits without a pooler.
    pooler: {
      enabled: false,
      maxClientConnections: 1000,
      defaultPoolSize: 50,
      reservePoolSize: 10,
      replicas: 1,
    },
    // Unused by the statefulset engine; the values a switch to cloudnative-pg would start from.
    cloudNativePg: { instances: 1 },
  },
  runtime: {
    // Not in the reference for staging. "auto" would give 2 × 1 core + 1 = 3 workers, and during a
    // rollout (2 pods + 1 surge) × 3 × 30 = 270 connections > 200 − 20; 2 workers make exactly 180.
    workers: 2,
    workerConnections: 1000,
    requestTimeoutSeconds: 30,
    keepaliveTimeoutSeconds: 5,
    rateLimitPerMinute: 100,
    rateLimitBurst: 20,
    bodyLimitBytes: 1048576,
    requireApiKeys: true,
  },
  llm: {
    embeddingProvider: "openai",
    embeddingModel: "text-embedding-3-small",
    embeddingDimensions: 1536,
    answerProvider: "openai",
    chatModel: "gpt-4o-mini",
  },
  kubernetes: {
    namespace: "staging",
    replicas: 2,
    rollingUpdate: REFERENCE_ROLLING_UPDATE,
    ...REFERENCE_PROBES,
    terminationGracePeriodSeconds: 45,
    resources: {
      requests: { cpu: "500m", memory: "1Gi", ephemeralStorage: "256Mi" },
      limits: { cpu: "1", memory: "2Gi", ephemeralStorage: "1Gi" },
    },
    // The reference's staging runs a fixed 2 replicas; the HPA settings are kept for a config toggle.
    hpa: {
      enabled: false,
      minReplicas: 2,
      maxReplicas: 4,
      cpuUtilization: 70,
      memoryUtilization: 80,
      behavior: REFERENCE_HPA_BEHAVIOR,
    },
    serviceType: "ClusterIP",
    pdbMinAvailable: 1,
    networkPolicies: true,
    dns: REFERENCE_CLUSTER_DNS,
    // Staging can be torn down and rebuilt; its images come from a registry like prod's.
    protectData: false,
    sideLoadedImage: false,
  },
  redis: {
    engine: "statefulset",
    enabled: true,
    image: IMAGES.redis,
    exporterImage: IMAGES.redisExporter,
    maxmemory: "512mb",
    maxmemoryPolicy: "allkeys-lru",
    ...REFERENCE_REDIS_PERSISTENCE,
    resources: {
      requests: { cpu: "100m", memory: "640Mi", ephemeralStorage: "64Mi" },
      limits: { cpu: "500m", memory: "768Mi", ephemeralStorage: "256Mi" },
    },
    storage: "2Gi",
  },
  prometheus: {
    enabled: true,
    image: IMAGES.prometheus,
    scrapeInterval: "15s",
    evaluationInterval: "15s",
    retention: "15d",
    externalLabels: { cluster: "staging", environment: "staging" },
    storage: "20Gi",
    alertmanagerImage: IMAGES.alertmanager,
    receiver: "null",
  },
  grafana: { enabled: true, image: IMAGES.grafana, port: 3000, storage: "2Gi" },
  jaeger: {
    enabled: true,
    image: IMAGES.jaeger,
    collector: {
      enabled: false,
      image: IMAGES.otelCollector,
      exportEndpoint: `${MONITORING_SERVICES.jaeger.name}:${OTLP_GRPC_PORT}`,
      exportInsecure: true,
    },
  },
  monitoring: REFERENCE_MONITORING,
  backups: {
    enabled: true,
    schedule: "0 2 * * *",
    retentionDays: 7,
    storage: "40Gi",
  },
  operators: "existing",
  // Kubernetes Secrets from Pulumi config; "external-secrets" reads a secret manager instead.
  secrets: { backend: "pulumi", keyPrefix: "mcp-stack/staging", refreshInterval: "1h" },
  // Set to prod's mesh where the staging cluster runs it (docs/security.md).
  mesh: "none",
} satisfies Environment;
