/**
 * WORKERS > 1: a node:cluster primary forks that many workers, which share the listening port
 * (the primary hands out connections round-robin). The primary serves no HTTP; it aggregates the
 * workers' metrics for `/metrics` (`telemetry/cluster-metrics.ts`), replaces a worker that dies
 * after it started listening, and on SIGTERM/SIGINT forwards the signal to every worker and exits
 * once all have exited — 0 when each shut down cleanly. A second signal kills the workers and exits 1.
 */
import cluster, { type Worker } from "node:cluster";
import { availableParallelism } from "node:os";
import { ENV } from "@mcp-stack/contract";
import type { Logger } from "pino";
import type { Config } from "./config.js";
import { serveClusterMetrics } from "./telemetry/cluster-metrics.js";

/** WORKERS=0/auto: the reference's `(2 × cpu_cores) + 1`. */
export function resolveWorkers(configured: number, cores: number = availableParallelism()): number {
  return configured === 0 ? 2 * cores + 1 : configured;
}

export interface WorkerPlan {
  workers: number;
  /** Why the configured count was not used, for the start-up log. */
  warning?: string;
}

/**
 * How many processes to run. Embedded PGlite is single-process (two processes on one data directory
 * would corrupt it), so without DATABASE_URL the app always runs as one process.
 */
export function planWorkers(config: Pick<Config, "runtime" | "database">, cores?: number): WorkerPlan {
  const wanted = resolveWorkers(config.runtime.workers, cores);
  if (wanted > 1 && !config.database.url) {
    return {
      workers: 1,
      warning: `${ENV.WORKERS} resolves to ${wanted}, but embedded PGlite (no ${ENV.DATABASE_URL}) runs in one process; starting 1`,
    };
  }
  return { workers: wanted };
}

/** Runs the primary of a `workers`-process cluster. Resolves never; exits the process. */
export function runPrimary(workers: number, logger: Logger): void {
  serveClusterMetrics();
  let stopping = false;
  let failed = false;
  const listening = new WeakSet<Worker>();

  const fork = () => {
    const worker = cluster.fork();
    worker.on("listening", () => listening.add(worker));
    return worker;
  };

  cluster.on("exit", (worker, code, signal) => {
    if (stopping && (code !== 0 || signal)) failed = true;
    logger.info({ worker: worker.id, pid: worker.process.pid, code, signal }, "worker exited");
    if (!stopping) {
      if (listening.has(worker)) {
        logger.warn({ worker: worker.id }, "worker died; starting a replacement");
        fork();
        return;
      }
      // It never started (bad configuration, database mismatch): restarting would loop.
      logger.fatal({ worker: worker.id, code }, "worker failed during start-up; stopping the cluster");
      failed = true;
      shutdown("SIGTERM");
      return;
    }
    if (Object.keys(cluster.workers ?? {}).length === 0) {
      logger.info({ failed }, "all workers exited");
      process.exit(failed ? 1 : 0);
    }
  });

  const shutdown = (signal: NodeJS.Signals) => {
    if (stopping) {
      logger.warn(`${signal} received again: killing workers`);
      for (const worker of Object.values(cluster.workers ?? {})) worker?.process.kill("SIGKILL");
      process.exit(1);
    }
    stopping = true;
    logger.info({ signal }, "forwarding to workers");
    const alive = Object.values(cluster.workers ?? {});
    if (alive.length === 0) process.exit(failed ? 1 : 0);
    for (const worker of alive) worker?.process.kill(signal);
  };
  process.on("SIGTERM", () => shutdown("SIGTERM"));
  process.on("SIGINT", () => shutdown("SIGINT"));

  logger.info({ workers }, "starting cluster");
  for (let i = 0; i < workers; i++) fork();
}
