import { z } from "zod";
import { isCpuQuantity, isMemoryQuantity } from "./quantity.js";

/**
 * The shape of one environment: every setting of the reference design
 * (`shared/reference/infrastructure.md`), grouped as it is there. Values live in dev.ts, staging.ts
 * and prod.ts; cross-field rules in rules.ts; derived values in derive.ts.
 *
 * Objects are strict so that a misspelt override (`pulumi config set --path mcp-stack:cache.maxSise`)
 * is an error rather than a silently ignored key.
 */

export const ENVIRONMENT_NAMES = ["dev", "staging", "prod"] as const;
export type EnvironmentName = (typeof ENVIRONMENT_NAMES)[number];

const memory = z
  .string()
  .refine(isMemoryQuantity, { message: "must be a memory quantity such as 512Mi or 2Gi" });
const cpu = z.string().refine(isCpuQuantity, { message: "must be a CPU quantity such as 500m or 2" });
const seconds = z.number().int().positive();
const ttlSeconds = z.number().int().describe("seconds; must be > 0");
const rate = z.number().describe("a sample rate in [0, 1]");
const port = z.number().int().min(1).max(65535);
/** A pinned image reference: a tag other than `latest`, or a digest. */
const pinnedImage = z
  .string()
  .regex(/^[^:@\s]+(:[A-Za-z0-9_.-]+|@sha256:[a-f0-9]{64})$/, { message: "must carry a tag or digest" })
  .refine((s) => !s.endsWith(":latest"), { message: "must be pinned to a version, never :latest" });

export const LOG_LEVELS = ["DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"] as const;

const logging = z.strictObject({
  /** LOG_LEVEL. */
  level: z.enum(LOG_LEVELS),
  /** USE_JSON_LOGS. */
  json: z.boolean(),
  /** LOG_FILE; empty string = stdout only. */
  file: z.string(),
  /**
   * Also write `file` on Kubernetes. Off: the app logs to stdout only there (the kubelet keeps and
   * rotates container logs, and collectors read them); on: the file goes to its emptyDir, rotated
   * within the volume's sizeLimit (LOG_FILE_MAX_BYTES). Docker always writes it (a bind mount).
   */
  kubernetesFile: z.boolean(),
  /** ENABLE_CONSOLE_TRACING. */
  consoleTracing: z.boolean(),
});

const cache = z.strictObject({
  /** CACHE_ENABLED. */
  enabled: z.boolean(),
  /** CACHE_BACKEND. */
  backend: z.enum(["memory", "redis"]),
  /** CACHE_MAX_SIZE (entries). */
  maxSize: z.number().int().positive(),
  /** CACHE_DEFAULT_TTL. */
  defaultTtlSeconds: ttlSeconds,
  /** CACHE_EMBEDDING_TTL / CACHE_SEARCH_TTL / CACHE_RAG_TTL; omitted = the default TTL. */
  ttlSeconds: z.strictObject({
    embedding: ttlSeconds.optional(),
    search: ttlSeconds.optional(),
    rag: ttlSeconds.optional(),
  }),
});

const observability = z.strictObject({
  /**
   * Where the app sends traces: none, an in-namespace Jaeger (staging: JAEGER_HOST/JAEGER_PORT), or an
   * OpenTelemetry Collector (prod: OTLP_ENDPOINT).
   */
  tracing: z.enum(["none", "jaeger", "otel-collector"]),
  /** OTEL_TRACES_SAMPLER. */
  sampler: z.enum([
    "always_on",
    "always_off",
    "traceidratio",
    "parentbased_always_on",
    "parentbased_traceidratio",
  ]),
  /** OTEL_TRACES_SAMPLER_ARG. */
  samplerArg: rate,
  sentry: z.strictObject({
    /** Whether the stack requires the `sentryDsn` secret and passes SENTRY_DSN. */
    enabled: z.boolean(),
    /** SENTRY_ENVIRONMENT. */
    environment: z.string().min(1),
    /** SENTRY_TRACES_SAMPLE_RATE. */
    tracesSampleRate: rate,
    /** SENTRY_PROFILES_SAMPLE_RATE. */
    profilesSampleRate: rate,
  }),
});

const postgresConf = z.strictObject({
  /** Memory of the Postgres container; shared_buffers and effective_cache_size derive from it. */
  memory: memory,
  cpu: cpu,
  /** max_connections. */
  maxConnections: z.number().int().positive(),
  /**
   * Connections kept out of the app's budget: superuser_reserved_connections, the exporter, backups,
   * replication slots, an operator's psql.
   */
  reservedConnections: z.number().int().nonnegative(),
  workMem: z.string().regex(/^\d+(kB|MB|GB)$/),
  maintenanceWorkMem: z.string().regex(/^\d+(kB|MB|GB)$/),
  randomPageCost: z.number().positive(),
  effectiveIoConcurrency: z.number().int().nonnegative(),
  walBuffers: z.string().regex(/^\d+(kB|MB|GB)$/),
  checkpointCompletionTarget: z.number().min(0).max(1),
  /** Size of the data volume. */
  storage: memory,
});

const pooler = z.strictObject({
  /**
   * PgBouncer in transaction mode in front of the database (CloudNativePG `Pooler`s: one to the
   * read-write service for DATABASE_URL, one to the read-only service for DATABASE_REPLICA_URL).
   */
  enabled: z.boolean(),
  /** PgBouncer max_client_conn: how many app connections each PgBouncer pod accepts. */
  maxClientConnections: z.number().int().positive(),
  /** PgBouncer default_pool_size: server connections per database/user, per PgBouncer pod. */
  defaultPoolSize: z.number().int().positive(),
  /** PgBouncer reserve_pool_size: extra server connections under load. */
  reservePoolSize: z.number().int().nonnegative(),
  /** PgBouncer pods per Pooler. */
  replicas: z.number().int().positive(),
});

/** An address range outside the cluster the app may connect to (a managed database or Redis). */
const egressTarget = z.strictObject({
  /** IPv4 or IPv6 CIDR, e.g. 10.20.0.0/16. */
  cidr: z.string().regex(/^([0-9]{1,3}(\.[0-9]{1,3}){3}|[0-9a-fA-F:]+)\/[0-9]{1,3}$/, {
    message: "must be a CIDR such as 10.0.0.0/16",
  }),
  port: port,
});

/** A service outside the cluster: its URL comes from a secret, its reachability from egress rules. */
const externalService = z.strictObject({
  /** Where NetworkPolicy lets the app connect; nothing else leaves the namespace for it. */
  egress: z.array(egressTarget).min(1),
});

const cloudNativePg = z.strictObject({
  /** PostgreSQL instances: one primary, the rest streaming replicas with automated failover. */
  instances: z.number().int().positive(),
  /**
   * CloudNativePG operand image carrying pgvector (the "standard" flavour), pinned. Omitted = the one
   * the CloudNativePgDatabase building block pins (CNPG_POSTGRES_IMAGE).
   */
  image: pinnedImage.optional(),
});

/**
 * Bootstrap a new cluster by recovery instead of initdb (docs/data.md, "Restore drill"), from the
 * object store's base backups and WAL through the Barman Cloud plugin: CloudNativePG's
 * `bootstrap.recovery.source` naming an `externalClusters` entry with the plugin's parameters. The
 * restored cluster is named apart from the live one (`postgres-restored`), so it never collides
 * with it and archives into a folder of its own.
 */
const restore = z.strictObject({
  /**
   * A Backup object's name is not enough: recovery from `bootstrap.recovery.backup` is the in-tree
   * Barman path, which plugin backups do not take (cloudnative-pg docs/src/recovery.md).
   */
  backup: z
    .never({
      message:
        "is not supported with the Barman Cloud plugin; set database.restore.serverName (the old cluster's folder in the object store) and, for that backup, database.restore.backupId (the Backup's status.backupId)",
    })
    .optional(),
  /** The old cluster's folder in the object store (its serverName). */
  serverName: z.string().regex(/^[a-z]([-a-z0-9]*[a-z0-9])?$/),
  /**
   * Barman backup ID to start from (a Backup object's `status.backupId`, e.g. 20261201T020000);
   * omitted = the latest base backup before the target.
   */
  backupId: z
    .string()
    .regex(/^\d{8}T\d{6}$/, { message: "must be a Barman backup ID such as 20261201T020000" })
    .optional(),
  /** RFC 3339 with an offset; omitted = replay all WAL. */
  targetTime: z.iso.datetime({ offset: true }).optional(),
});

const database = z.strictObject({
  /** Database name (mcp_dev, mcp_staging, mcp_production). */
  name: z.string().regex(/^[a-z_][a-z0-9_]*$/),
  /** Role the app connects as; its password is the `dbPassword` secret. */
  user: z.string().regex(/^[a-z_][a-z0-9_]*$/),
  image: pinnedImage,
  pool: z.strictObject({
    /** DB_POOL_SIZE (per worker process). */
    size: z.number().int().positive(),
    /** DB_MAX_OVERFLOW (per worker process). */
    maxOverflow: z.number().int().nonnegative(),
    /** DB_POOL_RECYCLE seconds; 0 = never. */
    recycleSeconds: z.number().int().nonnegative(),
    /** DB_POOL_PRE_PING. */
    prePing: z.boolean(),
  }),
  /**
   * Which engine runs Postgres: a CloudNativePG cluster (failover, replicas, WAL archive and PITR), one
   * StatefulSet pod (logical backups only), or a managed service outside the cluster (URLs as secrets).
   */
  engine: z.enum(["cloudnative-pg", "statefulset", "external"]),
  /** DATABASE_REPLICA_URL: CloudNativePG's read-only service, or the external replica's URL secret. */
  readReplica: z.boolean(),
  /** Settings of the server (for `external`: the managed instance's max_connections, for the budget). */
  postgres: postgresConf,
  pooler: pooler,
  /** engine: cloudnative-pg. */
  cloudNativePg: cloudNativePg,
  /** engine: external. */
  external: externalService.optional(),
  /** engine: cloudnative-pg: bootstrap from a backup. Omitted = a new, empty database (initdb). */
  restore: restore.optional(),
});

const runtime = z.strictObject({
  /** WORKERS: a number, or "auto" = 2 × cores + 1 (the reference's formula) from the CPU limit. */
  workers: z.union([z.number().int().positive(), z.literal("auto")]),
  /** WORKER_CONNECTIONS. */
  workerConnections: z.number().int().positive(),
  /** REQUEST_TIMEOUT seconds. */
  requestTimeoutSeconds: seconds,
  /** KEEPALIVE_TIMEOUT seconds. */
  keepaliveTimeoutSeconds: seconds,
  /** RATE_LIMIT_PER_MINUTE; 0 = off. */
  rateLimitPerMinute: z.number().int().nonnegative(),
  /** RATE_LIMIT_BURST. */
  rateLimitBurst: z.number().int().nonnegative(),
  /** Request body limit (bytes); 413 above it. */
  bodyLimitBytes: z.number().int().positive(),
  /** Whether API_KEYS (bearer auth) is required; the `apiKeys` secret then must be set. */
  requireApiKeys: z.boolean(),
});

const llm = z.strictObject({
  /** EMBEDDING_PROVIDER: the offline hashed n-gram embedder, or an OpenAI-compatible API. */
  embeddingProvider: z.enum(["local", "openai"]),
  /** EMBEDDING_MODEL. */
  embeddingModel: z.string().min(1),
  /** EMBEDDING_DIMENSIONS: the pgvector column's dimension follows it. */
  embeddingDimensions: z.number().int().min(16).max(4000),
  /** ANSWER_PROVIDER: the offline extractive answerer, or an OpenAI-compatible chat API. */
  answerProvider: z.enum(["extractive", "openai"]),
  /** CHAT_MODEL. */
  chatModel: z.string().min(1),
  /** OPENAI_BASE_URL; omitted = the OpenAI API. */
  baseUrl: z.string().url().optional(),
});

const probe = z.strictObject({
  path: z.string().startsWith("/"),
  initialDelaySeconds: z.number().int().nonnegative(),
  periodSeconds: seconds,
  timeoutSeconds: seconds,
  failureThreshold: seconds,
});

const resources = z.strictObject({
  cpu: cpu,
  memory: memory,
  ephemeralStorage: memory,
});

const scalingRules = z.strictObject({
  stabilizationWindowSeconds: z.number().int().nonnegative(),
  policies: z
    .array(
      z.strictObject({
        type: z.enum(["Percent", "Pods"]),
        value: z.number().int().positive(),
        periodSeconds: seconds,
      }),
    )
    .min(1),
});

const kubernetes = z.strictObject({
  namespace: z.string().regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/),
  /** Replicas when no HPA owns the Deployment. */
  replicas: z.number().int().positive(),
  rollingUpdate: z.strictObject({
    maxSurge: z.number().int().nonnegative(),
    maxUnavailable: z.number().int().nonnegative(),
  }),
  livenessProbe: probe,
  readinessProbe: probe,
  preStopSleepSeconds: z.number().int().nonnegative(),
  /** Pod termination grace; must exceed preStop sleep + request timeout so in-flight work finishes. */
  terminationGracePeriodSeconds: seconds,
  resources: z.strictObject({ requests: resources, limits: resources }),
  hpa: z.strictObject({
    enabled: z.boolean(),
    minReplicas: z.number().int().positive(),
    maxReplicas: z.number().int().positive(),
    cpuUtilization: z.number().int().min(1).max(100),
    memoryUtilization: z.number().int().min(1).max(100),
    behavior: z.strictObject({ scaleUp: scalingRules, scaleDown: scalingRules }),
  }),
  /** Service type of the app: LoadBalancer in prod (reference), ClusterIP elsewhere. */
  serviceType: z.enum(["ClusterIP", "LoadBalancer", "NodePort"]),
  /** PodDisruptionBudget minAvailable for the app. */
  pdbMinAvailable: z.number().int().nonnegative(),
  /** Default-deny NetworkPolicy plus the flows the stack needs. */
  networkPolicies: z.boolean(),
  /**
   * Where the pods' DNS lookups go, opened by every NetworkPolicy: the DNS pods' namespace, and the
   * DNS addresses that are no pod as CIDRs (NodeLocal DNSCache's link-local 169.254.20.10/32; on a
   * cluster where it also answers on the kube-dns Service IP, that IP too). docs/kubernetes.md.
   */
  dns: z.strictObject({
    namespace: z.string().regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/, { message: "must be a namespace name" }),
    addresses: z.array(
      z.string().regex(/^(\d{1,3}\.){3}\d{1,3}\/\d{1,2}$|^[0-9a-fA-F:]+\/\d{1,3}$/, {
        message: "must be a CIDR such as 169.254.20.10/32",
      }),
    ),
  }),
  /** StorageClass for PVCs; omitted = the cluster default. */
  storageClass: z.string().optional(),
  /**
   * `protect` on the Namespace, every PersistentVolumeClaim and every stateful workload or database
   * object, and `retainOnDelete` where a Kubernetes cascade would delete data: `pulumi destroy` or a
   * replacement then stops instead of deleting the database (docs/deploy.md).
   */
  protectData: z.boolean(),
  /**
   * The cluster runs images loaded into it locally (kind, minikube), so `mcp-backend:<version>` may be
   * deployed without `mcp-stack:image` or `mcp-stack:imageRegistry`. Elsewhere a missing image source
   * stops the deployment: a cluster cannot pull an image that was never pushed.
   */
  sideLoadedImage: z.boolean(),
});

const redis = z.strictObject({
  /** The environment has a Redis (the cache's redis backend points at it). */
  enabled: z.boolean(),
  /** One Redis StatefulSet in the namespace, or a managed Redis outside the cluster (URL as a secret). */
  engine: z.enum(["statefulset", "external"]),
  /** engine: external. */
  external: externalService.optional(),
  image: pinnedImage,
  exporterImage: pinnedImage,
  /** --maxmemory, Redis notation (512mb). */
  maxmemory: z.string().regex(/^\d+(kb|mb|gb)$/),
  maxmemoryPolicy: z.enum(["allkeys-lru", "allkeys-lfu", "volatile-lru", "volatile-lfu", "noeviction"]),
  /** RDB `save <seconds> <changes>` rules; empty = RDB off. */
  rdbSaves: z.array(z.strictObject({ seconds: seconds, changes: z.number().int().positive() })),
  aof: z.strictObject({ enabled: z.boolean(), fsync: z.enum(["always", "everysec", "no"]) }),
  resources: z.strictObject({ requests: resources, limits: resources }),
  storage: memory,
});

const prometheus = z.strictObject({
  enabled: z.boolean(),
  image: pinnedImage,
  scrapeInterval: z.string().regex(/^\d+[smh]$/),
  evaluationInterval: z.string().regex(/^\d+[smh]$/),
  /** --storage.tsdb.retention.time. */
  retention: z.string().regex(/^\d+[dhwy]$/),
  externalLabels: z.strictObject({ cluster: z.string().min(1), environment: z.string().min(1) }),
  storage: memory,
  alertmanagerImage: pinnedImage,
  /** Alert receiver; the webhook/Slack/PagerDuty secret is read only when chosen. */
  receiver: z.enum(["null", "webhook", "slack", "pagerduty"]),
});

const grafana = z.strictObject({
  enabled: z.boolean(),
  image: pinnedImage,
  port: port,
  storage: memory,
});

const jaeger = z.strictObject({
  /** Jaeger all-in-one in the namespace (staging). */
  enabled: z.boolean(),
  image: pinnedImage,
  /** OpenTelemetry Collector in front of a tracing backend (prod). */
  collector: z.strictObject({
    enabled: z.boolean(),
    image: pinnedImage,
    /**
     * OTLP gRPC endpoint (`host:port`) the collector exports to: the tracing backend (Jaeger, Tempo, a
     * vendor). No default for prod: the stack stops without it rather than export to a host that does
     * not exist (`pulumi config set --path mcp-stack:jaeger.collector.exportEndpoint <host>:4317`).
     */
    exportEndpoint: z.string().min(1).optional(),
    exportInsecure: z.boolean(),
  }),
});

const backups = z.strictObject({
  /**
   * statefulset: the reference's daily `pg_dump | gzip` CronJob to a volume. cloudnative-pg: continuous
   * WAL archiving and a daily base backup to `objectStore` (Barman Cloud plugin).
   */
  enabled: z.boolean(),
  /** Five-field cron, UTC (the reference's 02:00). */
  schedule: z.string().regex(/^(\S+\s+){4}\S+$/),
  retentionDays: z.number().int().positive(),
  /** statefulset: size of the dump volume. */
  storage: memory,
  /**
   * cloudnative-pg: where base backups and WAL go. No default: each deployment names its bucket
   * (`pulumi config set --path mcp-stack:backups.objectStore.destinationPath s3://bucket/path`);
   * credentials are the backupAccessKeyId / backupSecretAccessKey secrets, or the pod's IAM role.
   */
  objectStore: z
    .strictObject({
      /** s3://bucket/path, or gs://bucket/path with identity gke-workload-identity. */
      destinationPath: z.string().regex(/^(s3|gs):\/\/[a-z0-9][a-z0-9._-]+[a-z0-9](\/.*)?$/, {
        message: "must look like s3://bucket/path (or gs://bucket/path on GKE)",
      }),
      /** An S3-compatible endpoint (MinIO, R2, ...); omitted = AWS S3. */
      endpointUrl: z.string().url().optional(),
      /**
       * Backups by IAM role: the cloud identity the Postgres instances' ServiceAccount carries
       * (CloudNativePG `serviceAccountTemplate`), instead of the backupAccessKeyId / backupSecretAccessKey
       * secrets. The only way with External Secrets (the stack then holds no keys).
       */
      identity: z
        .discriminatedUnion("provider", [
          z.strictObject({
            /** EKS IAM Roles for Service Accounts. */
            provider: z.literal("aws-irsa"),
            roleArn: z.string().regex(/^arn:aws[a-z-]*:iam::\d{12}:role\/.+$/, {
              message: "must be an IAM role ARN such as arn:aws:iam::123456789012:role/mcp-backups",
            }),
          }),
          z.strictObject({
            /** GKE Workload Identity (destinationPath gs://). */
            provider: z.literal("gke-workload-identity"),
            serviceAccount: z
              .string()
              .regex(/^[a-z][-a-z0-9]{4,28}[a-z0-9]@[a-z][-a-z0-9.:]*\.iam\.gserviceaccount\.com$/, {
                message:
                  "must be a Google service account such as mcp-backups@my-project.iam.gserviceaccount.com",
              }),
          }),
        ])
        .optional(),
    })
    .optional(),
});

const labelMap = z.record(z.string().min(1), z.string());
const k8sName = z.string().regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/);

const monitoring = z.strictObject({
  /**
   * Who runs Prometheus, Alertmanager and Grafana. `bundled`: this stack, in the namespace (the
   * reference's design). `operator`: a Prometheus Operator already in the cluster (kube-prometheus-stack);
   * the stack then deploys none of the three and emits PodMonitor / ServiceMonitor / PrometheusRule
   * objects and the dashboards as ConfigMaps for Grafana's sidecar (docs/monitoring.md, "Operator mode").
   * `prometheus.enabled` and `grafana.enabled` still say whether the environment is scraped and has
   * dashboards.
   */
  mode: z.enum(["bundled", "operator"]),
  /** mode: operator. */
  operator: z.strictObject({
    /** Namespace the Operator's Prometheus runs in; NetworkPolicy lets it reach the metrics ports. */
    namespace: k8sName,
    /** Pod labels of that Prometheus (kube-prometheus-stack: `app.kubernetes.io/name: prometheus`). */
    prometheusPodSelector: labelMap.refine((m) => Object.keys(m).length > 0, {
      message: "must name at least one label, or every pod of the namespace is allowed in",
    }),
    /**
     * Labels every PodMonitor, ServiceMonitor and PrometheusRule carries so the Prometheus selects them.
     * kube-prometheus-stack selects `release: <its Helm release name>` unless its
     * `*SelectorNilUsesHelmValues` values are false: set this to your release's name.
     */
    selectorLabels: labelMap,
    /**
     * The scrape job of cAdvisor's container metrics in that Prometheus (kube-prometheus-stack's kubelet
     * ServiceMonitor: `kubelet`); the memory alert and panel select it.
     */
    cadvisorJob: z.string().min(1),
    dashboards: z.strictObject({
      /**
       * Where the dashboard ConfigMaps go. Grafana's sidecar searches only its own namespace unless
       * `sidecar.dashboards.searchNamespace` says otherwise.
       */
      namespace: k8sName,
      /** Labels the sidecar looks for (kube-prometheus-stack: `grafana_dashboard: "1"`). */
      labels: labelMap.refine((m) => Object.keys(m).length > 0, {
        message: "must name the label Grafana's sidecar watches",
      }),
    }),
  }),
});

/** A secret manager External Secrets reads from, authenticated as each is meant to be from Kubernetes. */
const secretStore = z.discriminatedUnion("provider", [
  z.strictObject({
    /** HashiCorp Vault (KV), Kubernetes auth. */
    provider: z.literal("vault"),
    server: z.string().url(),
    /** The Vault role bound to the store's ServiceAccount. */
    role: z.string().min(1),
    /** KV mount; omitted = "secret". */
    path: z.string().min(1).optional(),
    /** Kubernetes auth mount; omitted = "kubernetes". */
    mountPath: z.string().min(1).optional(),
  }),
  z.strictObject({
    /** AWS Secrets Manager, through IRSA (a role on the store's ServiceAccount) or EKS Pod Identity. */
    provider: z.literal("aws-secrets-manager"),
    region: z.string().min(1),
    auth: z.enum(["irsa", "pod-identity"]).optional(),
    /** The IAM role (IRSA). */
    roleArn: z.string().min(1).optional(),
  }),
  z.strictObject({
    /** Azure Key Vault, workload identity. */
    provider: z.literal("azure-key-vault"),
    vaultUrl: z.string().url(),
    clientId: z.string().min(1),
    tenantId: z.string().min(1).optional(),
  }),
]);

/**
 * Where secret values come from: `pulumi config set --secret` (into Kubernetes Secrets through Pulumi,
 * encrypted in its state), or a secret manager through the External Secrets Operator, which writes the
 * same Secrets (names and keys) so the workloads do not change, and the stack never sees a value.
 */
const secrets = z.strictObject({
  backend: z.enum(["pulumi", "external-secrets"]),
  /** backend external-secrets: the store. */
  store: secretStore.optional(),
  /** Remote keys are `<keyPrefix>/<secret config key>`, e.g. mcp-stack/prod/dbPassword. */
  keyPrefix: z.string().min(1),
  /** How often External Secrets re-reads the store (a Go duration such as 1h). */
  refreshInterval: z
    .string()
    .regex(/^(\d+(ms|s|m|h))+$/, { message: "must be a duration such as 1h or 30m" }),
});

/**
 * Service mesh of the namespace: mTLS between the workloads and authorization mirroring the
 * NetworkPolicy flows (infra/k8s/service-mesh/). The mesh's control plane is taken as present, never installed
 * by this stack (it is cluster-wide, shared by every namespace); docs/security.md says how to choose.
 */
const mesh = z.enum(["none", "linkerd", "istio"]);

/** Operators the data tier runs on: installed by this stack from pinned Helm charts, or already there. */
const operators = z.enum(["install", "existing"]);

export const environmentSchema = z.strictObject({
  name: z.enum(ENVIRONMENT_NAMES),
  /** Where `pulumi up` deploys: a Kubernetes cluster or a local Docker engine. */
  target: z.enum(["kubernetes", "docker"]),
  /** App version: image tag and the `version` label. */
  version: z.string().regex(/^\d+\.\d+\.\d+([-+][0-9A-Za-z.-]+)?$/),
  logging,
  cache,
  observability,
  database,
  runtime,
  llm,
  kubernetes,
  redis,
  prometheus,
  grafana,
  jaeger,
  /** Bundled monitoring, or the objects of a Prometheus Operator already in the cluster. */
  monitoring,
  backups,
  /**
   * CloudNativePG, its Barman Cloud plugin and cert-manager (engine: cloudnative-pg), and the External
   * Secrets Operator with Reloader (secrets.backend: external-secrets).
   */
  operators,
  secrets,
  mesh,
});

/** An environment as written in dev.ts / staging.ts / prod.ts, before derivation. */
export type Environment = z.infer<typeof environmentSchema>;
