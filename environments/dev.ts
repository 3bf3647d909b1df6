import { MONITORING_SERVICES, OTLP_GRPC_PORT } from "@mcp-stack/contract";
import {
  IMAGES,
  REFERENCE_CLUSTER_DNS,
  REFERENCE_HPA_BEHAVIOR,
  REFERENCE_MONITORING,
  REFERENCE_POSTGRES_TUNING,
  REFERENCE_PROBES,
  REFERENCE_ROLLING_UPDATE,
} from "./common.js";
import type { Environment } from "./schema.js";

/**
 * Development: the reference's "Development Environment" — Docker by default (its compose file), and
 * renderable for a local Kubernetes cluster. No external exporters, console tracing, memory cache.
 */
export const dev = {
  name: "dev",
  target: "docker",
  version: "1.0.0",
  logging: {
    level: "DEBUG",
    json: false,
    file: "logs/mcp-backend-dev.log",
    // Reference deviation (docs/kubernetes.md): stdout only on Kubernetes.
    kubernetesFile: false,
    consoleTracing: true,
  },
  cache: { enabled: true, backend: "memory", maxSize: 1000, defaultTtlSeconds: 300, ttlSeconds: {} },
  observability: {
    tracing: "none",
    // Not in the reference for dev: trace everything, it only goes to the console.
    sampler: "parentbased_always_on",
    samplerArg: 1,
    // The reference leaves SENTRY_DSN empty in dev.
    sentry: { enabled: false, environment: "development", tracesSampleRate: 1, profilesSampleRate: 0 },
  },
  database: {
    name: "mcp_dev",
    user: "mcp",
    image: IMAGES.postgres,
    // Reference: DB_POOL_SIZE=5, DB_MAX_OVERFLOW=10; no recycling needed on a laptop.
    pool: { size: 5, maxOverflow: 10, recycleSeconds: 0, prePing: false },
    // One Postgres pod, as the reference\'s single `db`; logical backups only.
    engine: "statefulset",
    readReplica: false,
    postgres: {
      ...REFERENCE_POSTGRES_TUNING,
      // Not in the reference: a laptop-sized database, so 256MB shared_buffers.
      memory: "1Gi",
      cpu: "1",
      maxConnections: 100,
      reservedConnections: 10,
      workMem: "16MB",
      maintenanceWorkMem: "64MB",
      storage: "5Gi",
    },
    pooler: {
      enabled: false,
      maxClientConnections: 200,
      defaultPoolSize: 20,
      reservePoolSize: 0,
      replicas: 1,
    },
    // Unused by the statefulset engine; the values a switch to cloudnative-pg would start from.
    cloudNativePg: { instances: 1 },
  },
  runtime: {
    // One worker so hot reload restarts one process and breakpoints hit.
    workers: 1,
    workerConnections: 100,
    requestTimeoutSeconds: 30,
    keepaliveTimeoutSeconds: 5,
    // No rate limit on a laptop.
    rateLimitPerMinute: 0,
    rateLimitBurst: 0,
    bodyLimitBytes: 1048576,
    requireApiKeys: false,
  },
  // Offline providers: dev needs no OPENAI_API_KEY.
  llm: {
    embeddingProvider: "local",
    embeddingModel: "local-hash-ngram",
    embeddingDimensions: 384,
    answerProvider: "extractive",
    chatModel: "extractive",
  },
  kubernetes: {
    namespace: "dev",
    replicas: 1,
    rollingUpdate: REFERENCE_ROLLING_UPDATE,
    ...REFERENCE_PROBES,
    terminationGracePeriodSeconds: 45,
    resources: {
      requests: { cpu: "250m", memory: "512Mi", ephemeralStorage: "128Mi" },
      limits: { cpu: "1", memory: "1Gi", ephemeralStorage: "512Mi" },
    },
    hpa: {
      enabled: false,
      minReplicas: 1,
      maxReplicas: 2,
      cpuUtilization: 70,
      memoryUtilization: 80,
      behavior: REFERENCE_HPA_BEHAVIOR,
    },
    serviceType: "ClusterIP",
    // A single replica must stay evictable, so no disruption budget floor.
    pdbMinAvailable: 0,
    networkPolicies: false,
    dns: REFERENCE_CLUSTER_DNS,
    // kind/minikube load the dev image into the cluster; nothing here is worth protecting.
    protectData: false,
    sideLoadedImage: true,
  },
  redis: {
    engine: "statefulset",
    enabled: false,
    image: IMAGES.redis,
    exporterImage: IMAGES.redisExporter,
    maxmemory: "128mb",
    maxmemoryPolicy: "allkeys-lru",
    rdbSaves: [],
    aof: { enabled: false, fsync: "everysec" },
    resources: {
      requests: { cpu: "50m", memory: "128Mi", ephemeralStorage: "64Mi" },
      limits: { cpu: "250m", memory: "256Mi", ephemeralStorage: "256Mi" },
    },
    storage: "1Gi",
  },
  prometheus: {
    enabled: false,
    image: IMAGES.prometheus,
    scrapeInterval: "15s",
    evaluationInterval: "15s",
    retention: "3d",
    externalLabels: { cluster: "dev", environment: "dev" },
    storage: "5Gi",
    alertmanagerImage: IMAGES.alertmanager,
    receiver: "null",
  },
  grafana: { enabled: false, image: IMAGES.grafana, port: 3000, storage: "1Gi" },
  jaeger: {
    enabled: false,
    image: IMAGES.jaeger,
    collector: {
      enabled: false,
      image: IMAGES.otelCollector,
      exportEndpoint: `${MONITORING_SERVICES.jaeger.name}:${OTLP_GRPC_PORT}`,
      exportInsecure: true,
    },
  },
  // The reference backs dev up by hand (pg_dump); no CronJob.
  monitoring: REFERENCE_MONITORING,
  backups: { enabled: false, schedule: "0 2 * * *", retentionDays: 3, storage: "5Gi" },
  operators: "existing",
  // Kubernetes Secrets from Pulumi config; "external-secrets" reads a secret manager instead.
  secrets: { backend: "pulumi", keyPrefix: "mcp-stack/dev", refreshInterval: "1h" },
  // No mesh on a laptop cluster (docs/security.md).
  mesh: "none",
} satisfies Environment;
