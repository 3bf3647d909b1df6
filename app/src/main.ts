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
import { exposureWarning, KEY_PLACEHOLDER, listeningUrls, startupBanner } from "./lib/banner.js";
import { createLogger } from "./lib/logger.js";
import { buildApp } from "./server.js";
import { type RunningTelemetry, startTelemetry } from "./telemetry/app-telemetry.js";
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

/** The cluster worker this process is, if any. */
type Worker = typeof cluster.worker;

async function runServer(config: Config, logger: Logger): Promise<void> {
  const worker = cluster.isWorker ? cluster.worker : undefined;
  const running = startTelemetry(config, logger, {
    scrapeWith: worker ? clusterScrape : undefined,
    workerId: worker?.id,
  });
  const app = await startApp(config, logger, running);
  const inFlight = trackInFlight(app);
  const host = "0.0.0.0";
  const address = await listenQuietly(app, host, config.port);
  const metricsServer = await startMetricsListener(config, app, running, { host, worker });
  if (!config.database.url) {
    // Where `npm run import` finds this server (it sends its batches here instead of opening the folder).
    await advertiseServer(config.database.dataDir, `http://127.0.0.1:${portOf(app)}`);
  }
  announce(config, logger, app, {
    host,
    worker,
    metrics: `${metricsServer?.address ?? address}${HTTP_PATHS.metrics}`,
  });
  const stop = shutdown(config, logger, app, { inFlight, metricsServer, running, worker });
  process.on("SIGINT", () => void stop("SIGINT"));
  process.on("SIGTERM", () => void stop("SIGTERM"));
}

/** The app, built; a start failure with an operator's fix (wrong model, folder locked or damaged) exits 1. */
async function startApp(config: Config, logger: Logger, running: RunningTelemetry): Promise<FastifyInstance> {
  try {
    return await buildApp({
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
}

/** Listens; fastify's one "Server listening at" line per interface is held back (the banner names them all once). */
async function listenQuietly(app: FastifyInstance, host: string, port: number): Promise<string> {
  const level = app.log.level;
  app.log.level = "warn";
  try {
    return await app.listen({ host, port });
  } finally {
    app.log.level = level;
  }
}

/** The METRICS_PORT listener, when configured; if it cannot start, the app is closed and the error thrown. */
async function startMetricsListener(
  config: Config,
  app: FastifyInstance,
  running: RunningTelemetry,
  at: { host: string; worker: Worker },
): Promise<MetricsServer | undefined> {
  if (config.metricsPort === undefined) return undefined;
  try {
    return await startMetricsServer({
      host: at.host,
      port: config.metricsPort,
      scrape: running.telemetry.scrape,
      workerId: at.worker?.id,
      onError: (error) => app.log.error({ err: error }, "metrics scrape failed"),
    });
  } catch (error) {
    await app.close();
    await running.shutdown(2_000);
    throw error;
  }
}

/** The exposure warning, the "started" record (JSON logs) and the startup banner. */
function announce(
  config: Config,
  logger: Logger,
  app: FastifyInstance,
  at: { host: string; worker: Worker; metrics: string },
): void {
  const { worker, metrics } = at;
  const database = config.database.url ? "postgres (DATABASE_URL)" : `pglite at ${config.database.dataDir}`;
  const port = portOf(app);
  const addresses = listeningUrls(at.host, port);
  const authRequired = config.apiKeys.size > 0;
  const warning = exposureWarning(addresses, authRequired);
  // One warning per start, not per worker.
  if (warning && (worker?.id ?? 1) === 1) logger.warn(warning);
  // JSON logs carry the details as a record; a terminal gets them in the block below.
  if (config.log.json) {
    app.log.info(
      {
        addresses,
        authRequired,
        database,
        embedding: config.embedding,
        answer: config.answer.provider,
        worker: worker?.id,
        metrics,
      },
      "started",
    );
  }
  const tty = process.stdout.isTTY === true;
  const [firstKey] = config.apiKeys.keys();
  console.log(
    startupBanner({
      addresses,
      authRequired,
      baseUrl: `http://localhost:${port}`,
      database,
      metrics,
      // One block per start, not per worker.
      block: !config.log.json && (worker?.id ?? 1) === 1,
      apiKey: firstKey === undefined ? undefined : tty ? firstKey : KEY_PLACEHOLDER,
    }),
  );
}

/** The signal handler: drain, wait for requests in flight, close, flush telemetry, exit (see the top). */
function shutdown(
  config: Config,
  logger: Logger,
  app: FastifyInstance,
  parts: {
    inFlight: ReturnType<typeof trackInFlight>;
    metricsServer: MetricsServer | undefined;
    running: RunningTelemetry;
    worker: Worker;
  },
): (signal: string) => Promise<void> {
  const requestTimeoutMs = config.runtime.requestTimeoutSeconds * 1000;
  let stopping = false;
  return async (signal: string) => {
    if (stopping) {
      // Standalone, a second signal means "now". A cluster worker ignores it: the terminal's
      // signal and the primary's forwarded one both arrive.
      if (!parts.worker) process.exit(1);
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
      await parts.inFlight.whenIdle(requestTimeoutMs);
      await app.close();
      // Last listener to close: Prometheus can scrape the drain until here.
      await parts.metricsServer?.close();
      app.log.info("stopped");
      await parts.running.shutdown(5_000);
    } catch (error) {
      logger.error({ err: error }, "error during shutdown");
      process.exit(1);
    }
    console.log("mcp-backend stopped");
    process.exit(0);
  };
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
    // Everything it runs with, for whoever debugs a start; the banner is what a person reads.
    logger.debug({ config: describeConfig(config) }, "configuration");
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
