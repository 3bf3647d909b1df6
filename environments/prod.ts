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

/** Production: the reference's "Production Environment" and its Kubernetes Deployment. */
export const prod = {
  name: "prod",
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
    maxSize: 100000,
    defaultTtlSeconds: 3600,
    ttlSeconds: { embedding: 7200, search: 3600, rag: 1800 },
  },
  observability: {
    tracing: "otel-collector",
    sampler: "parentbased_traceidratio",
    samplerArg: 0.01,
    sentry: { enabled: true, environment: "production", tracesSampleRate: 0.01, profilesSampleRate: 0.01 },
  },
  database: {
    name: "mcp_production",
    user: "mcp",
    image: IMAGES.postgres,
    pool: { size: 20, maxOverflow: 40, recycleSeconds: 3600, prePing: true },
    // The reference's db-primary / db-replica pair, on CloudNativePG: 3 instances with automated
    // failover, the read-write and read-only services behind PgBouncer Poolers (docs/data.md).
    engine: "cloudnative-pg",
    readReplica: true,
    postgres: {
      ...REFERENCE_POSTGRES_TUNING,
      // 16Gi makes the reference's "shared_buffers = 4GB (25%)" and "effective_cache_size = 12GB (75%)".
      memory: "16Gi",
      cpu: "4",
      reservedConnections: 20,
      storage: "100Gi",
    },
    // The reference's numbers need (20 pods + 1 surge) × 4 workers × (20 + 40) = 5,040 connections per
    // pool (primary and replica) against max_connections = 200. A PgBouncer Pooler in transaction mode
    // per service takes them, and its 2 pods hold at most 2 × (80 + 10) = 180 server connections.
    pooler: {
      enabled: true,
      maxClientConnections: 5000,
      defaultPoolSize: 80,
      reservePoolSize: 10,
      replicas: 2,
    },
    cloudNativePg: { instances: 3 },
  },
  runtime: {
    workers: 4,
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
    namespace: "production",
    replicas: 4,
    rollingUpdate: REFERENCE_ROLLING_UPDATE,
    ...REFERENCE_PROBES,
    // preStop 10 s + request timeout 30 s + 5 s for flushing exporters.
    terminationGracePeriodSeconds: 45,
    resources: {
      requests: { cpu: "500m", memory: "1Gi", ephemeralStorage: "256Mi" },
      limits: { cpu: "2000m", memory: "4Gi", ephemeralStorage: "1Gi" },
    },
    hpa: {
      enabled: true,
      minReplicas: 4,
      maxReplicas: 20,
      cpuUtilization: 70,
      memoryUtilization: 80,
      behavior: REFERENCE_HPA_BEHAVIOR,
    },
    serviceType: "LoadBalancer",
    // With 4–20 pods, keeping 3 lets a node drain evict one pod at a time.
    pdbMinAvailable: 3,
    networkPolicies: true,
    dns: REFERENCE_CLUSTER_DNS,
    // pulumi destroy or a namespace replacement must never take the database with it.
    protectData: true,
    sideLoadedImage: false,
  },
  redis: {
    enabled: true,
    engine: "statefulset",
    image: IMAGES.redis,
    exporterImage: IMAGES.redisExporter,
    // The reference gives 512mb for staging only; prod holds 10× the entries (CACHE_MAX_SIZE 100000).
    maxmemory: "2gb",
    maxmemoryPolicy: "allkeys-lru",
    ...REFERENCE_REDIS_PERSISTENCE,
    resources: {
      requests: { cpu: "250m", memory: "2560Mi", ephemeralStorage: "64Mi" },
      limits: { cpu: "1", memory: "3Gi", ephemeralStorage: "256Mi" },
    },
    storage: "10Gi",
  },
  prometheus: {
    enabled: true,
    image: IMAGES.prometheus,
    scrapeInterval: "15s",
    evaluationInterval: "15s",
    retention: "15d",
    externalLabels: { cluster: "production", environment: "prod" },
    storage: "50Gi",
    alertmanagerImage: IMAGES.alertmanager,
    receiver: "null",
  },
  grafana: { enabled: true, image: IMAGES.grafana, port: 3000, storage: "5Gi" },
  jaeger: {
    enabled: false,
    image: IMAGES.jaeger,
    collector: {
      enabled: true,
      image: IMAGES.otelCollector,
      // The reference names no tracing backend for prod, so there is no default: each deployment names
      // its own (stack config jaeger.collector.exportEndpoint), and the stack stops until it does.
      exportInsecure: true,
    },
  },
  monitoring: REFERENCE_MONITORING,
  backups: {
    enabled: true,
    schedule: "0 2 * * *",
    retentionDays: 14,
    // Unused by CloudNativePG (its backups go to backups.objectStore, which each deployment names).
    storage: "200Gi",
  },
  operators: "install",
  // Kubernetes Secrets from Pulumi config; "external-secrets" reads a secret manager instead.
  secrets: { backend: "pulumi", keyPrefix: "mcp-stack/prod", refreshInterval: "1h" },
  // mTLS between services, as the reference asks of production; Linkerd taken as present in the
  // cluster (why Linkerd, and why not installed here: docs/security.md).
  mesh: "linkerd",
} satisfies Environment;
