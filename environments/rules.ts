import { connectionBudget, workerCount } from "./derive.js";
import { cpuMillicores, memoryBytes } from "./quantity.js";
import type { Environment } from "./schema.js";

/** One broken rule: the field path it is about and what is wrong, with the offending values. */
export interface RuleIssue {
  readonly path: string;
  readonly message: string;
}

type Resources = Environment["kubernetes"]["resources"];

function requestsWithinLimits(prefix: string, r: Resources): RuleIssue[] {
  const issues: RuleIssue[] = [];
  const pairs: [keyof Resources["requests"], (q: string) => number][] = [
    ["cpu", cpuMillicores],
    ["memory", memoryBytes],
    ["ephemeralStorage", memoryBytes],
  ];
  for (const [field, parse] of pairs) {
    if (parse(r.requests[field]) > parse(r.limits[field])) {
      issues.push({
        path: `${prefix}.requests.${field}`,
        message: `request ${r.requests[field]} exceeds limit ${r.limits[field]} (${prefix}.limits.${field})`,
      });
    }
  }
  return issues;
}

function rateInUnitInterval(path: string, value: number): RuleIssue[] {
  return value >= 0 && value <= 1 ? [] : [{ path, message: `sample rate ${value} must be between 0 and 1` }];
}

function positiveTtl(path: string, value: number | undefined): RuleIssue[] {
  return value === undefined || value > 0
    ? []
    : [{ path, message: `TTL ${value} must be greater than 0 seconds` }];
}

/**
 * Both pools of every worker of every pod (primary and, with a replica, the replica's) against what
 * receives them: each Pooler's client capacity and, behind it, each server's max_connections − reserved.
 * The same for every engine (for `external`, postgres.maxConnections is the managed instance's).
 */
function connectionRules(env: Environment): RuleIssue[] {
  const workers = workerCount(env);
  const b = connectionBudget(env, workers);
  const pg = env.database.postgres;
  const p = env.database.pooler;
  const endpoints = env.database.readReplica ? "the primary and the replica each" : "the primary";
  const demand =
    `${b.maxPods} pods (max replicas + maxSurge) × ${workers} workers × ` +
    `(pool ${env.database.pool.size} + overflow ${env.database.pool.maxOverflow}) = ${b.perEndpoint} connections to ${endpoints}`;
  if (!p.enabled) {
    if (b.perEndpoint <= b.available) return [];
    return [
      {
        path: "database.pooler.enabled",
        message:
          `${demand}, but Postgres allows ${b.available} (max_connections ${pg.maxConnections} − ` +
          `${pg.reservedConnections} reserved): enable the pooler or lower replicas, workers or pool sizes`,
      },
    ];
  }
  const issues: RuleIssue[] = [];
  if (b.poolerServerConnections > b.available) {
    issues.push({
      path: "database.pooler.defaultPoolSize",
      message:
        `each Pooler may open ${b.poolerServerConnections} server connections ` +
        `(${p.replicas} PgBouncer pods × (pool ${p.defaultPoolSize} + reserve ${p.reservePoolSize})), ` +
        `but Postgres allows ${b.available}`,
    });
  }
  if (b.perEndpoint > b.poolerClientCapacity) {
    issues.push({
      path: "database.pooler.maxClientConnections",
      message: `${demand}, but each Pooler accepts ${b.poolerClientCapacity} client connections`,
    });
  }
  return issues;
}

/** What each engine (database, Redis, secrets, mesh) can and cannot do, and what it needs. */
function engineRules(env: Environment): RuleIssue[] {
  return [...databaseEngineRules(env), ...platformRules(env), ...redisEngineRules(env)];
}

/** What each database engine can and cannot do, and what it needs (its backups' and restore's too). */
function databaseEngineRules(env: Environment): RuleIssue[] {
  const db = env.database;
  const issues: RuleIssue[] = [];
  if (db.engine === "statefulset") {
    if (db.readReplica)
      issues.push({
        path: "database.readReplica",
        message:
          "the statefulset engine runs one Postgres pod; a read replica needs engine cloudnative-pg or external",
      });
    if (db.pooler.enabled)
      issues.push({
        path: "database.pooler.enabled",
        message:
          "the statefulset engine has no pooler; use engine cloudnative-pg (a Pooler) or lower the pool sizes",
      });
  }
  if (db.engine !== "external" && db.external !== undefined)
    issues.push({ path: "database.external", message: `only for engine external (engine is ${db.engine})` });
  if (db.engine === "external") {
    if (db.external === undefined)
      issues.push({
        path: "database.external.egress",
        message:
          "engine external needs the address ranges the app may reach, e.g. " +
          "pulumi config set --path 'mcp-stack:database.external.egress[0].cidr' 10.20.0.0/16 and " +
          "pulumi config set --path 'mcp-stack:database.external.egress[0].port' 5432",
      });
    if (db.pooler.enabled)
      issues.push({
        path: "database.pooler.enabled",
        message:
          "engine external: the URLs point wherever the provider says (its own proxy or pooler); turn this off",
      });
  }
  const store = env.backups.objectStore;
  if (
    store &&
    store.destinationPath.startsWith("gs://") !== (store.identity?.provider === "gke-workload-identity")
  )
    issues.push({
      path: "backups.objectStore.identity",
      message:
        "a gs:// destinationPath is written through GKE Workload Identity and only so: set identity {provider: gke-workload-identity, serviceAccount: …} with gs://, or use s3://",
    });
  if (db.restore !== undefined && db.engine !== "cloudnative-pg")
    issues.push({
      path: "database.restore",
      message: `recovery bootstraps a cloudnative-pg cluster (engine is ${db.engine})`,
    });
  return issues;
}

/** What the secrets backend and the mesh need of the target and of the policies. */
function platformRules(env: Environment): RuleIssue[] {
  const issues: RuleIssue[] = [];
  if (env.secrets.backend === "external-secrets" && env.secrets.store === undefined)
    issues.push({
      path: "secrets.store",
      message:
        "backend external-secrets needs a store, e.g. " +
        "pulumi config set --path mcp-stack:secrets.store.provider vault, " +
        "pulumi config set --path mcp-stack:secrets.store.server https://vault.example.com and " +
        "pulumi config set --path mcp-stack:secrets.store.role mcp-backend",
    });
  if (env.secrets.backend === "external-secrets" && env.target === "docker")
    issues.push({
      path: "secrets.backend",
      message: "the docker target has no External Secrets Operator; use pulumi",
    });
  if (env.mesh !== "none" && env.target === "docker")
    issues.push({
      path: "mesh",
      message: `the docker target has no service mesh; use none (mesh is ${env.mesh})`,
    });
  if (env.mesh !== "none" && !env.kubernetes.networkPolicies)
    issues.push({
      path: "kubernetes.networkPolicies",
      message:
        `mesh ${env.mesh} accepts plaintext on the ports of clients off the mesh (Prometheus' scrape, ` +
        "the public port) and leaves who reaches them to the NetworkPolicies: turn them on",
    });
  return issues;
}

/** A managed Redis needs the ranges the app may reach; only a managed one has them. */
function redisEngineRules(env: Environment): RuleIssue[] {
  const issues: RuleIssue[] = [];
  if (env.redis.engine === "external" && env.redis.external === undefined)
    issues.push({
      path: "redis.external.egress",
      message: "redis engine external needs the address ranges the app may reach (cidr and port)",
    });
  if (env.redis.engine !== "external" && env.redis.external !== undefined)
    issues.push({
      path: "redis.external",
      message: `only for redis engine external (engine is ${env.redis.engine})`,
    });
  return issues;
}

/**
 * Cross-field rules a schema alone cannot say. Each issue names the field to change; the caller adds
 * the environment's name.
 */
export function checkRules(env: Environment): RuleIssue[] {
  const k = env.kubernetes;
  const issues: RuleIssue[] = [];
  if (k.hpa.minReplicas > k.hpa.maxReplicas) {
    issues.push({
      path: "kubernetes.hpa.minReplicas",
      message: `minReplicas ${k.hpa.minReplicas} exceeds maxReplicas ${k.hpa.maxReplicas}`,
    });
  }
  issues.push(...requestsWithinLimits("kubernetes.resources", k.resources));
  issues.push(...requestsWithinLimits("redis.resources", env.redis.resources));
  issues.push(...rateInUnitInterval("observability.samplerArg", env.observability.samplerArg));
  issues.push(
    ...rateInUnitInterval("observability.sentry.tracesSampleRate", env.observability.sentry.tracesSampleRate),
  );
  issues.push(
    ...rateInUnitInterval(
      "observability.sentry.profilesSampleRate",
      env.observability.sentry.profilesSampleRate,
    ),
  );
  issues.push(...positiveTtl("cache.defaultTtlSeconds", env.cache.defaultTtlSeconds));
  for (const kind of ["embedding", "search", "rag"] as const) {
    issues.push(...positiveTtl(`cache.ttlSeconds.${kind}`, env.cache.ttlSeconds[kind]));
  }
  issues.push(...connectionRules(env));
  issues.push(...engineRules(env));

  const minPods = k.hpa.enabled ? k.hpa.minReplicas : k.replicas;
  if (k.pdbMinAvailable >= minPods && minPods > 0 && k.pdbMinAvailable > 0) {
    issues.push({
      path: "kubernetes.pdbMinAvailable",
      message: `minAvailable ${k.pdbMinAvailable} with ${minPods} replicas blocks every voluntary eviction; use at most ${minPods - 1}`,
    });
  }
  if (k.rollingUpdate.maxSurge === 0 && k.rollingUpdate.maxUnavailable === 0) {
    issues.push({
      path: "kubernetes.rollingUpdate.maxSurge",
      message: "maxSurge and maxUnavailable are both 0, so a rollout can never make progress",
    });
  }
  const needed = k.preStopSleepSeconds + env.runtime.requestTimeoutSeconds;
  if (k.terminationGracePeriodSeconds <= needed) {
    issues.push({
      path: "kubernetes.terminationGracePeriodSeconds",
      message: `${k.terminationGracePeriodSeconds}s must exceed preStop ${k.preStopSleepSeconds}s + request timeout ${env.runtime.requestTimeoutSeconds}s = ${needed}s, or in-flight requests are killed`,
    });
  }
  if (env.cache.enabled && env.cache.backend === "redis" && !env.redis.enabled) {
    issues.push({ path: "redis.enabled", message: "cache.backend is redis, so redis must be enabled" });
  }
  if (env.observability.tracing === "jaeger" && !env.jaeger.enabled) {
    issues.push({
      path: "jaeger.enabled",
      message: "observability.tracing is jaeger, so jaeger must be enabled",
    });
  }
  if (env.observability.tracing === "otel-collector" && !env.jaeger.collector.enabled) {
    issues.push({
      path: "jaeger.collector.enabled",
      message: "observability.tracing is otel-collector, so jaeger.collector must be enabled",
    });
  }
  if (env.grafana.enabled && !env.prometheus.enabled) {
    issues.push({ path: "grafana.enabled", message: "grafana needs prometheus.enabled as its data source" });
  }
  return issues;
}
