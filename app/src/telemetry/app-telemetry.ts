/**
 * The telemetry bundle buildApp plugs in (`BuildAppOptions.telemetry`): the metrics registry, the
 * tracer, the error reporter, the hooks the services and the cache call, the fastify plugin
 * (`/metrics`, HTTP metrics and spans, 5xx → Sentry) and the decorators that instrument databases,
 * embedder, answerer and cache.
 */

import { SERVICE_NAME } from "@mcp-stack/contract";
import { type Tracer, trace } from "@opentelemetry/api";
import type { FastifyPluginAsync } from "fastify";
import type { Logger } from "pino";
import type { Registry } from "prom-client";
import type { Answerer } from "../answers/answerer.js";
import type { Cache, CacheHooks } from "../cache/types.js";
import type { Config } from "../config.js";
import type { Databases } from "../db/database.js";
import type { Embedder } from "../embeddings/embedder.js";
import type { ServiceHooks } from "../services/hooks.js";
import { httpTelemetryPlugin } from "./http-plugin.js";
import {
  type InstrumentDeps,
  instrumentAnswerer,
  instrumentCache,
  instrumentDatabases,
  instrumentEmbedder,
} from "./instrument.js";
import { priceOf } from "./llm-pricing.js";
import { type AppMetrics, createMetrics } from "./metrics.js";
import { type ErrorReporter, initSentry } from "./sentry.js";
import { type StartTracingOptions, startTracing, type Tracing } from "./tracing.js";

/** Wraps a dependency so it reports spans and metrics; same interface in and out. */
export interface Instrumenter {
  databases(databases: Databases): Databases;
  embedder(embedder: Embedder): Embedder;
  answerer(answerer: Answerer): Answerer;
  cache(cache: Cache): Cache;
}

export interface Scrape {
  contentType: string;
  body: string;
}

export interface AppTelemetry {
  readonly registry: Registry;
  readonly metrics: AppMetrics;
  readonly tracer: Tracer;
  /** Sentry when SENTRY_DSN is set, else a no-op. The fastify plugin reports 5xx errors to it. */
  readonly errorReporter: ErrorReporter;
  readonly serviceHooks: ServiceHooks;
  readonly cacheHooks: CacheHooks;
  /** Register before the routes: `/metrics`, HTTP metrics and spans, 5xx reporting. */
  readonly fastifyPlugin: FastifyPluginAsync;
  readonly instrument: Instrumenter;
  /** What `/metrics` answers (the app's route, or the METRICS_PORT listener). */
  scrape(): Promise<Scrape>;
}

export interface CreateAppTelemetryOptions {
  config: Pick<Config, "embedding" | "answer">;
  /** Defaults to the global tracer (a no-op until `startTracing` registers a provider). */
  tracer?: Tracer;
  /** Defaults to a disabled reporter. */
  errorReporter?: ErrorReporter;
  /** prom-client's process metrics. Defaults to true. */
  defaultMetrics?: boolean;
  /**
   * Builds what `/metrics` answers from this process's registry, once at creation. Defaults to the
   * registry's own text; a cluster worker passes `clusterScrape` (the primary's aggregate).
   */
  scrapeWith?: (local: Registry) => () => Promise<Scrape>;
  /** Clustered: the worker's id, sent as `x-worker-id`. */
  workerId?: number;
  /**
   * Whether the app routes `GET /metrics` itself (default true). False when METRICS_PORT is set:
   * `scrape` is then served by `startMetricsServer` and the app port answers 404.
   */
  metricsRoute?: boolean;
}

const disabledReporter: ErrorReporter = {
  enabled: false,
  captureException: () => undefined,
  flush: async () => true,
};

export function createAppTelemetry(options: CreateAppTelemetryOptions): AppTelemetry {
  const { config } = options;
  const { registry, metrics, onCollect } = createMetrics({
    defaultMetrics: options.defaultMetrics,
    models: { embedding: config.embedding.model, chat: config.answer.model },
  });
  const tracer = options.tracer ?? trace.getTracer(SERVICE_NAME);
  const errorReporter = options.errorReporter ?? disabledReporter;
  const deps: InstrumentDeps = { metrics, tracer, onCollect };
  const scrape = options.scrapeWith
    ? options.scrapeWith(registry)
    : async (): Promise<Scrape> => ({ contentType: registry.contentType, body: await registry.metrics() });
  return {
    registry,
    metrics,
    tracer,
    errorReporter,
    serviceHooks: {
      conversationIngested: () => metrics.conversationsIngested.inc(),
      searchPerformed: (mode) => metrics.searches.inc({ mode }),
    },
    cacheHooks: {
      onHit: (cache) => metrics.cacheHits.inc({ cache }),
      onMiss: (cache) => metrics.cacheMisses.inc({ cache }),
      onEviction: (cache) => metrics.cacheEvictions.inc({ cache }),
    },
    fastifyPlugin: httpTelemetryPlugin({
      metrics,
      tracer,
      errorReporter,
      scrape,
      workerId: options.workerId,
      metricsRoute: options.metricsRoute,
    }),
    instrument: {
      databases: (d) => instrumentDatabases(d, deps),
      embedder: (e) => instrumentEmbedder(e, deps),
      answerer: (a) => instrumentAnswerer(a, deps),
      cache: (c) => instrumentCache(c, deps),
    },
    scrape,
  };
}

/** Everything start-up creates: the bundle plus what must be flushed and closed at shutdown. */
export interface RunningTelemetry {
  telemetry: AppTelemetry;
  tracing: Tracing;
  /** Flushes spans and queued Sentry events; call once, last, before exit. */
  shutdown(timeoutMs: number): Promise<void>;
}

export interface StartTelemetryOptions extends StartTracingOptions {
  scrapeWith?: CreateAppTelemetryOptions["scrapeWith"];
  workerId?: number;
}

/**
 * Start-up: tracing (global provider), Sentry when SENTRY_DSN is set, metrics. With METRICS_PORT set
 * the app gets no `/metrics` route; the caller serves `telemetry.scrape` on that port.
 */
export function startTelemetry(
  config: Config,
  logger: Pick<Logger, "info" | "warn">,
  options: StartTelemetryOptions = {},
): RunningTelemetry {
  const tracing = startTracing(config, logger, { exporters: options.exporters });
  const errorReporter = initSentry(config, logger);
  for (const model of new Set([config.embedding.model, config.answer.model])) {
    if (!priceOf(model))
      logger.warn({ model }, "no list price for this model: llm_cost_usd_total counts 0 for it");
  }
  const telemetry = createAppTelemetry({
    config,
    tracer: tracing.tracer,
    errorReporter,
    scrapeWith: options.scrapeWith,
    workerId: options.workerId,
    // With METRICS_PORT the scrape has its own listener (main.ts); the app port must not answer it.
    metricsRoute: config.metricsPort === undefined,
  });
  return {
    telemetry,
    tracing,
    async shutdown(timeoutMs) {
      await Promise.allSettled([tracing.shutdown(), errorReporter.flush(timeoutMs)]);
    },
  };
}
