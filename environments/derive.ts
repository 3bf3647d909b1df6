import { type EnvName, usesOpenAi } from "@mcp-stack/contract";
import { cpuMillicores, memoryBytes, postgresSize } from "./quantity.js";
import type { Environment } from "./schema.js";
import { SECRETS, type SecretKey, type SecretSpec, type WorkloadSecretKey } from "./secrets.js";

/** Values computed from an environment, never typed in. */
export interface Derived {
  /** WORKERS as the app receives it: "auto" resolved to 2 × cores + 1 from the CPU limit. */
  readonly workers: number;
  readonly postgres: {
    /** 25% of the Postgres container's memory (the reference's rule). */
    readonly sharedBuffers: string;
    /** 75% of the Postgres container's memory (the reference's rule). */
    readonly effectiveCacheSize: string;
  };
  readonly connections: ConnectionBudget;
  /** Either provider calls the OpenAI API: the app needs OPENAI_API_KEY and HTTPS egress. */
  readonly usesOpenAi: boolean;
  /** Postgres runs in the namespace (engines cloudnative-pg and statefulset), not as a managed service. */
  readonly postgresInCluster: boolean;
  /** Redis and its exporter run in the namespace (redis.engine statefulset). */
  readonly redisInCluster: boolean;
  /** Redis is a managed service outside the cluster, reached at a given URL through redis.external's ranges. */
  readonly redisManaged: boolean;
  /** The secrets the environment's workloads read, in the order of the table (environments/secrets.ts). */
  readonly secrets: readonly SecretUse[];
}

/** The facts of the model that secrets' needs depend on (computed before them). */
export type ModelFacts = Pick<
  Derived,
  "usesOpenAi" | "postgresInCluster" | "redisInCluster" | "redisManaged"
>;

/** A secret an environment's workloads read: its row of the table, and whether the stack composes it. */
export interface SecretUse {
  readonly key: WorkloadSecretKey;
  /** The app's variable it feeds; absent when only other workloads read it. */
  readonly appEnv?: EnvName;
  /** On Kubernetes, the variable naming the file the app reads it from instead. */
  readonly appFile?: EnvName;
  /** The data service whose URL it is (see SecretSpec.serviceUrl). */
  readonly serviceUrl?: "database" | "redis";
  /**
   * The stack composes it (pulumi backend) from the service it runs, so nobody sets it: the database
   * URLs when Postgres is in the cluster, CACHE_REDIS_URL when Redis is.
   */
  readonly composed: boolean;
}

/**
 * The connection arithmetic the reference gets wrong: every app process holds up to
 * pool size + overflow connections per pool — one pool on the primary and, with a read replica, a
 * second on the replica — and during a rollout maxSurge extra pods run beside the maximum.
 */
export interface ConnectionBudget {
  /** Most app pods that can run at once: (HPA max or replicas) + maxSurge. */
  readonly maxPods: number;
  /** Connections one pool of one pod may open: workers × (DB_POOL_SIZE + DB_MAX_OVERFLOW). */
  readonly perPodPerPool: number;
  /** Pools each worker opens: 1 (primary), or 2 with a read replica (DATABASE_REPLICA_URL). */
  readonly pools: number;
  /** Connections one pod may open, all pools: perPodPerPool × pools. */
  readonly perPod: number;
  /** Connections all app pods may open to one endpoint (the primary's, or the replica's). */
  readonly perEndpoint: number;
  /** Connections all app pods may open at once, all endpoints. */
  readonly appConnections: number;
  /** What each Postgres server leaves for the app: max_connections − reserved. */
  readonly available: number;
  /** Server connections one Pooler (all its PgBouncer pods) may open to its service, when enabled. */
  readonly poolerServerConnections: number;
  /** Client connections one Pooler (all its PgBouncer pods) accepts, when enabled. */
  readonly poolerClientCapacity: number;
}

/** The reference's worker formula: `workers = (2 * cpu_cores) + 1`. */
export function workersForCores(cores: number): number {
  return 2 * cores + 1;
}

/** WORKERS for an environment: the configured number, or the formula applied to the CPU limit. */
export function workerCount(env: Environment): number {
  if (env.runtime.workers !== "auto") return env.runtime.workers;
  return workersForCores(Math.max(1, Math.ceil(cpuMillicores(env.kubernetes.resources.limits.cpu) / 1000)));
}

export function connectionBudget(env: Environment, workers: number): ConnectionBudget {
  const k = env.kubernetes;
  const pods = (k.hpa.enabled ? k.hpa.maxReplicas : k.replicas) + k.rollingUpdate.maxSurge;
  const perPodPerPool = workers * (env.database.pool.size + env.database.pool.maxOverflow);
  const pools = env.database.readReplica ? 2 : 1;
  const p = env.database.pooler;
  return {
    maxPods: pods,
    perPodPerPool,
    pools,
    perPod: perPodPerPool * pools,
    perEndpoint: pods * perPodPerPool,
    appConnections: pods * perPodPerPool * pools,
    available: env.database.postgres.maxConnections - env.database.postgres.reservedConnections,
    poolerServerConnections: p.enabled ? p.replicas * (p.defaultPoolSize + p.reservePoolSize) : 0,
    poolerClientCapacity: p.enabled ? p.replicas * p.maxClientConnections : 0,
  };
}

/** The facts about the model's services that stacks and secrets depend on. */
export function modelFacts(env: Environment): ModelFacts {
  return {
    usesOpenAi: usesOpenAi({ embedding: env.llm.embeddingProvider, answer: env.llm.answerProvider }),
    postgresInCluster: env.database.engine !== "external",
    redisInCluster: env.redis.enabled && env.redis.engine === "statefulset",
    redisManaged: env.redis.enabled && env.redis.engine === "external",
  };
}

/** The rows of the secrets table the environment's workloads read. */
export function secretUses(env: Environment, facts: ModelFacts): SecretUse[] {
  const rows = Object.entries(SECRETS) as [SecretKey, SecretSpec][];
  return rows.flatMap(([key, spec]) => {
    if (!spec.readWhen?.(env, facts)) return [];
    const composed =
      (spec.serviceUrl === "database" && facts.postgresInCluster) ||
      (spec.serviceUrl === "redis" && facts.redisInCluster);
    const use: SecretUse = {
      // Only rows with readWhen get here (WorkloadSecretKey is exactly those).
      key: key as WorkloadSecretKey,
      ...(spec.appEnv ? { appEnv: spec.appEnv } : {}),
      ...(spec.appFile ? { appFile: spec.appFile } : {}),
      ...(spec.serviceUrl ? { serviceUrl: spec.serviceUrl } : {}),
      composed,
    };
    return [use];
  });
}

export function derive(env: Environment): Derived {
  const workers = workerCount(env);
  const pgMemory = memoryBytes(env.database.postgres.memory);
  const facts = modelFacts(env);
  return {
    workers,
    postgres: {
      sharedBuffers: postgresSize(Math.floor(pgMemory * 0.25)),
      effectiveCacheSize: postgresSize(Math.floor(pgMemory * 0.75)),
    },
    connections: connectionBudget(env, workers),
    ...facts,
    secrets: secretUses(env, facts),
  };
}

/**
 * The secret values the stack cannot compose, by config key: what `pulumi config set --secret` must
 * give (backend pulumi), or what the secret manager holds under `<secrets.keyPrefix>/<key>`.
 */
export function givenSecrets(derived: Pick<Derived, "secrets">): WorkloadSecretKey[] {
  return derived.secrets.filter((s) => !s.composed).map((s) => s.key);
}

/** {@link givenSecrets} of an environment not yet resolved. */
export function workloadSecretKeys(env: Environment): WorkloadSecretKey[] {
  return givenSecrets({ secrets: secretUses(env, modelFacts(env)) });
}

/** The secrets an environment cannot be deployed without. */
export function requiredSecrets(
  env: Pick<Environment, "secrets"> & { readonly derived: Pick<Derived, "secrets"> },
): WorkloadSecretKey[] {
  // With External Secrets the values live in the secret manager; the stack holds none of them.
  return env.secrets.backend === "external-secrets" ? [] : givenSecrets(env.derived);
}
