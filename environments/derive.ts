import { cpuMillicores, memoryBytes, postgresSize } from "./quantity.js";
import type { Environment } from "./schema.js";

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

export function derive(env: Environment): Derived {
  const workers = workerCount(env);
  const pgMemory = memoryBytes(env.database.postgres.memory);
  return {
    workers,
    postgres: {
      sharedBuffers: postgresSize(Math.floor(pgMemory * 0.25)),
      effectiveCacheSize: postgresSize(Math.floor(pgMemory * 0.75)),
    },
    connections: connectionBudget(env, workers),
  };
}
