/**
 * `npm start`: configuration from the environment, embedded defaults (PGlite under `.data/`, local
 * embedder, extractive answers), port 8000. WORKERS > 1 (with DATABASE_URL) runs a node:cluster of
 * that many workers (`cluster.ts`). With METRICS_PORT set, `/metrics` is served only by a second
 * listener on that port (`telemetry/metrics-server.ts`), started after the app's.
 *
 * Shutdown (SIGTERM/SIGINT), in order — see docs/observability.md:
 * 1. `app.draining = true`: `/health/ready` answers 503, the load balancer stops sending traffic.
 * 2. Requests already in flight finish while the listener stays open (at most REQUEST_TIMEOUT).
 * 3. `app.close()`: the listener closes, idle keep-alive connections are dropped, the cache and the
 *    database pools close. Then the METRICS_PORT listener closes (scrapes work until here).
 * 4. Spans are flushed (tracing.shutdown) and queued Sentry events sent; exit 0.
 * A second signal (standalone) or REQUEST_TIMEOUT + 10 s without finishing exits 1.
 */
import cluster from "node:cluster";
import { HTTP_PATHS } from "@mcp-stack/contract";
import type { FastifyInstance } from "fastify";
import type { Logger } from "pino";
import { planWorkers, runPrimary } from "./cluster.js";
import { type Config, ConfigError, loadConfig, unknownVariables } from "./config.js";
import { DataDirDamagedError } from "./db/damaged-folder.js";
import { advertiseServer, DataDirLockedError } from "./db/data-dir-lock.js";
import { EmbeddingMismatchError } from "./db/migrations.js";
import { STARTUP_RETRY } from "./db/startup.js";
import { KEY_PLACEHOLDER, startupBanner } from "./lib/banner.js";
import { createLogger } from "./lib/logger.js";
import { buildApp } from "./server.js";
import { startTelemetry } from "./telemetry/app-telemetry.js";
import { clusterScrape } from "./telemetry/cluster-metrics.js";
import { type MetricsServer, startMetricsServer } from "./telemetry/metrics-server.js";
import { createScrubber, describeConfig, secretValues } from "./telemetry/redaction.js";

/** Until the configuration is known there is nothing to scrub. */
let scrub: (text: string) => string = (text) => text;

/**
 * Paths whose requests do not hold shutdown back (probes and scrapes keep coming while draining).
 * Scrapes on the METRICS_PORT listener never reach the app's server, so they are not counted either.
 */
const UNTRACKED = new Set<string>([HTTP_PATHS.live, HTTP_PATHS.ready, HTTP_PATHS.health, HTTP_PATHS.metrics]);

/** Counts application requests in flight on the raw server, so shutdown can wait for them. */
function trackInFlight(app: FastifyInstance): { whenIdle(timeoutMs: number): Promise<void> } {
  let active = 0;
  let idle: (() => void) | undefined;
  app.server.on("request", (req, res) => {
    if (UNTRACKED.has((req.url ?? "").split("?", 1)[0] ?? "")) return;
    active++;
    res.once("close", () => {
      active--;
      if (active === 0) idle?.();
    });
  });
  return {
    whenIdle: (timeoutMs) =>
      new Promise<void>((resolve) => {
        if (active === 0) return resolve();
        const timer = setTimeout(resolve, timeoutMs);
        timer.unref();
        idle = () => {
          clearTimeout(timer);
          resolve();
        };
      }),
  };
}

function portOf(app: FastifyInstance): number {
  const address = app.server.address();
  return typeof address === "object" && address ? address.port : 0;
}

async function runServer(config: Config, logger: Logger): Promise<void> {
  const worker = cluster.isWorker ? cluster.worker : undefined;
  const running = startTelemetry(config, logger, {
    scrapeWith: worker ? clusterScrape : undefined,
    workerId: worker?.id,
  });
  let app: FastifyInstance;
  try {
    app = await buildApp({
      config,
      logger,
      telemetry: running.telemetry,
      // A Postgres that is not up yet (first deploy, failover) is waited for, not crashed on.
      waitForDatabase: config.database.url
        ? {
            policy: STARTUP_RETRY,
            onFatal: (error) => {
              logger.fatal({ err: error }, "the database cannot be used");
              console.error(scrub(error instanceof Error ? error.message : String(error)));
              process.exit(1);
            },
          }
        : undefined,
    });
  } catch (error) {
    await running.shutdown(2_000);
    // Problems with a fix the operator applies: the message says which; a stack trace would bury it.
    if (
      error instanceof EmbeddingMismatchError ||
      error instanceof DataDirLockedError ||
      error instanceof DataDirDamagedError
    ) {
      logger.fatal(error.message);
      console.error(error.message);
      process.exit(1);
    }
    throw error;
  }
  const inFlight = trackInFlight(app);
  const database = config.database.url ? "postgres (DATABASE_URL)" : `pglite at ${config.database.dataDir}`;
  const host = "0.0.0.0";
  const address = await app.listen({ host, port: config.port });
  let metricsServer: MetricsServer | undefined;
  if (config.metricsPort !== undefined) {
    try {
      metricsServer = await startMetricsServer({
        host,
        port: config.metricsPort,
        scrape: running.telemetry.scrape,
        workerId: worker?.id,
        onError: (error) => app.log.error({ err: error }, "metrics scrape failed"),
      });
    } catch (error) {
      await app.close();
      await running.shutdown(2_000);
      throw error;
    }
  }
  if (!config.database.url) {
    // Where `npm run import` finds this server (it sends its batches here instead of opening the folder).
    await advertiseServer(config.database.dataDir, `http://127.0.0.1:${portOf(app)}`);
  }
  const metrics = `${metricsServer?.address ?? address}${HTTP_PATHS.metrics}`;
  app.log.info(
    { database, embedding: config.embedding, answer: config.answer.provider, worker: worker?.id, metrics },
    `listening on ${address}`,
  );
  const tty = process.stdout.isTTY === true;
  const [firstKey] = config.apiKeys.keys();
  console.log(
    startupBanner({
      address,
      baseUrl: `http://localhost:${config.port === 0 ? portOf(app) : config.port}`,
      database,
      metrics,
      // One block per start, not per worker.
      block: !config.log.json && (worker?.id ?? 1) === 1,
      apiKey: firstKey === undefined ? undefined : tty ? firstKey : KEY_PLACEHOLDER,
    }),
  );

  const requestTimeoutMs = config.runtime.requestTimeoutSeconds * 1000;
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) {
      // Standalone, a second signal means "now". A cluster worker ignores it: the terminal's
      // signal and the primary's forwarded one both arrive.
      if (!worker) process.exit(1);
      return;
    }
    stopping = true;
    app.draining = true;
    app.log.info({ signal }, "shutting down: draining");
    const timer = setTimeout(() => {
      app.log.error("shutdown did not finish in time; exiting");
      process.exit(1);
    }, requestTimeoutMs + 10_000);
    timer.unref();
    try {
      await inFlight.whenIdle(requestTimeoutMs);
      await app.close();
      // Last listener to close: Prometheus can scrape the drain until here.
      await metricsServer?.close();
      app.log.info("stopped");
      await running.shutdown(5_000);
    } catch (error) {
      logger.error({ err: error }, "error during shutdown");
      process.exit(1);
    }
    console.log("mcp-backend stopped");
    process.exit(0);
  };
  process.on("SIGINT", () => void stop("SIGINT"));
  process.on("SIGTERM", () => void stop("SIGTERM"));
}

async function main(): Promise<void> {
  let config: Config;
  try {
    config = loadConfig(process.env, process.cwd(), { tty: process.stdout.isTTY === true });
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(error.message);
      process.exit(1);
    }
    throw error;
  }
  scrub = createScrubber(secretValues(config));
  const logger = createLogger(config);
  if (cluster.isPrimary) {
    logger.info({ config: describeConfig(config) }, "configuration");
    for (const warning of unknownVariables(process.env)) logger.warn(warning);
    const plan = planWorkers(config);
    if (plan.warning) logger.warn(plan.warning);
    if (plan.workers > 1) return runPrimary(plan.workers, logger);
  }
  await runServer(config, logger);
}

main().catch((error: unknown) => {
  // Outside the logger: scrub here too (a driver error may quote a connection string).
  console.error(scrub(error instanceof Error ? (error.stack ?? error.message) : String(error)));
  process.exit(1);
});
