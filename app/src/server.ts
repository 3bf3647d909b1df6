/**
 * Builds the fastify app: config → databases (migrated) → cache → store → services → hooks
 * (deadline, telemetry, rate limit, auth) → REST routes, MCP endpoint and probes. Timeouts, body
 * limit (with a lingering close for bodies answered early), the UTF-8-only JSON parser, connection
 * limit and graceful close live here.
 */
import Fastify, {
  type FastifyBaseLogger,
  type FastifyInstance,
  type FastifyPluginAsync,
  type FastifyReply,
  type FastifyRequest,
  LogController,
} from "fastify";
import pino from "pino";
import { type Answerer, createAnswerer } from "./answers/index.js";
import { createCache } from "./cache/index.js";
import type { CacheHooks } from "./cache/types.js";
import type { Config } from "./config.js";
import type { Databases } from "./db/database.js";
import { migrate } from "./db/migrations.js";
import { closeDatabases, openDatabases } from "./db/open.js";
import { isNotYetAvailable, type RetryPolicy, untilAvailable } from "./db/startup.js";
import { createEmbedder, type Embedder } from "./embeddings/index.js";
import { mcpRoutes } from "./mcp/route.js";
import { KeyRing, registerAuth } from "./plugins/app/auth.js";
import { deadlineOf, registerDeadline } from "./plugins/app/deadline.js";
import { registerErrorHandler } from "./plugins/app/error-handler.js";
import { registerJsonBody } from "./plugins/app/json-body.js";
import { registerLingeringClose } from "./plugins/app/lingering-close.js";
import { useZodSchemas } from "./plugins/app/zod-schemas.js";
import { registerRateLimit } from "./plugins/external/rate-limit.js";
import { registerSwagger } from "./plugins/external/swagger.js";
import { registerSwaggerUi } from "./plugins/external/swagger-ui.js";
import type { ChunkOptions } from "./retrieval/chunker.js";
import { dashboardRoutes } from "./routes/dashboard.js";
import { healthRoutes } from "./routes/health.js";
import { registerV1Routes } from "./routes/index.js";
import { createServices, type RequestContext, type ServiceHooks, type Services } from "./services/index.js";
import { ConversationStore } from "./store/conversation-store.js";
import type { Instrumenter } from "./telemetry/app-telemetry.js";

declare module "fastify" {
  interface FastifyInstance {
    /** The service layer (what routes and MCP tools call). */
    services: Services;
    store: ConversationStore;
    databases: Databases;
    config: Config;
    /** Set on SIGTERM: /health/ready answers 503 so the load balancer stops sending traffic. */
    draining: boolean;
  }
}

/**
 * The part of the telemetry bundle (`app/src/telemetry/app-telemetry.ts`) buildApp plugs in:
 * a fastify plugin registered before the routes, and hooks for the services and the cache.
 */
export interface TelemetryPlugins {
  fastifyPlugin: FastifyPluginAsync;
  serviceHooks?: ServiceHooks;
  cacheHooks?: CacheHooks;
  /** Wraps databases, embedder, answerer and cache with spans and metrics. */
  instrument?: Instrumenter;
}

export interface BuildAppOptions {
  config: Config;
  /** Use these instead of opening from `config.database`; the app then does not close them. */
  databases?: Databases;
  /** Defaults to the configured provider. */
  embedder?: Embedder;
  /** Defaults to the configured provider. */
  answerer?: Answerer;
  chunking?: ChunkOptions;
  /** A pino logger; none (silent) when omitted. */
  logger?: FastifyBaseLogger;
  /** Overrides the tenant (tests); defaults to the one the API key maps to (`default` with auth off). */
  context?: (request: FastifyRequest) => Omit<RequestContext, "signal">;
  /** Metrics, HTTP spans and /metrics. None when omitted. */
  telemetry?: TelemetryPlugins;
  /**
   * Start even when the database is not there yet (db/startup.ts): the migrations are retried in the
   * background with this back-off while `/health/ready` answers 503. `onFatal` gets an error no wait
   * can fix (e.g. an embedding mismatch). Omitted: buildApp rejects when the migrations fail.
   */
  waitForDatabase?: { policy: RetryPolicy; onFatal(error: unknown): void };
}

/**
 * Readable logs are for a person at a terminal: one short line per request instead of fastify's two
 * multi-field records ("incoming request", "request completed"). JSON logs keep both.
 */
class OneLinePerRequest extends LogController {
  override incomingRequest(): void {}

  override requestCompleted(
    error: Error | null | undefined,
    request: FastifyRequest,
    reply: FastifyReply,
  ): void {
    const line = `${request.method} ${request.url} ${reply.statusCode} ${reply.elapsedTime.toFixed(0)} ms`;
    if (error) reply.log.error({ err: error }, line);
    else reply.log.info(line);
  }
}

/**
 * Builds a ready-to-listen app with migrations applied (or, with `waitForDatabase`, being retried
 * until the database comes). Close it with `app.close()`.
 */
export async function buildApp(options: BuildAppOptions): Promise<FastifyInstance> {
  const { config } = options;
  const logger = options.logger ?? pino({ enabled: false });
  const instrument = options.telemetry?.instrument;
  const baseEmbedder = options.embedder ?? createEmbedder(config);
  const embedder = instrument ? instrument.embedder(baseEmbedder) : baseEmbedder;
  const opened = options.databases ?? (await openDatabases(config));
  const databases = instrument ? instrument.databases(opened) : opened;
  const closeOwned = async () => {
    if (!options.databases) await closeDatabases(databases);
  };
  // Aborted on close, so a background wait for the database ends with the app.
  const closing = new AbortController();
  const { background } = await migrateOrWait(databases, embedder, options.waitForDatabase, {
    logger,
    signal: closing.signal,
    closeOwned,
  });
  if (databases.primary.kind === "pglite") {
    // PGlite has no autovacuum: give the planner today's table sizes (HNSW vs scan is size-driven).
    await databases.primary.query("ANALYZE");
  }
  // Resolves even with Redis down: the cache then misses until its client reconnects.
  const baseCache = await createCache(config.cache, { logger, hooks: options.telemetry?.cacheHooks });
  const cache = instrument ? instrument.cache(baseCache) : baseCache;
  const answerer = options.answerer ?? createAnswerer(config);
  const store = new ConversationStore(databases);
  const services = createServices({
    store,
    embedder,
    answerer: instrument ? instrument.answerer(answerer) : answerer,
    chunking: options.chunking,
    cache,
    hooks: options.telemetry?.serviceHooks,
    minScore: config.search.minScore,
  });

  const app = createFastify(config, options.logger);
  app.decorate("services", services);
  app.decorate("store", store);
  app.decorate("databases", databases);
  app.decorate("config", config);
  app.decorate("draining", false);
  app.addHook("onClose", async () => {
    closing.abort(new Error("app closing"));
    await background;
    await cache.close();
    await closeOwned();
  });
  try {
    await registerPluginsAndRoutes(app, options, services, databases);
    await app.ready();
  } catch (error) {
    await app.close();
    throw error;
  }
  return app;
}

/**
 * Applies the migrations. When the database is not there yet and `wait` is given, retries them in the
 * background instead and returns that retry as `background` (ended by `signal`; wrapped, so that
 * returning it does not wait for it); otherwise closes the databases the app owns and rethrows.
 */
async function migrateOrWait(
  databases: Databases,
  embedder: Embedder,
  wait: BuildAppOptions["waitForDatabase"],
  on: { logger: FastifyBaseLogger; signal: AbortSignal; closeOwned(): Promise<void> },
): Promise<{ background?: Promise<void> }> {
  const { logger, signal } = on;
  const runMigrations = async () => {
    await migrate(databases.primary, {
      provider: embedder.provider,
      model: embedder.model,
      dimensions: embedder.dimensions,
    });
  };
  try {
    await runMigrations();
    return {};
  } catch (error) {
    if (!wait || !isNotYetAvailable(error)) {
      await on.closeOwned();
      throw error;
    }
    logger.warn({ err: error }, "database not available yet; listening, not ready, retrying the migrations");
    const background = untilAvailable(runMigrations, wait.policy, {
      signal,
      onRetry: (err, attempt, delayMs) =>
        logger.warn({ err, attempt, delayMs }, "database still not available; retrying the migrations"),
    }).then(
      () => logger.info("database available; migrations applied"),
      (err: unknown) => {
        if (!signal.aborted) wait.onFatal(err);
      },
    );
    return { background };
  }
}

/** The fastify instance with the configured timeouts, limits and logging. */
function createFastify(config: Config, logger: FastifyBaseLogger | undefined): FastifyInstance {
  const app = Fastify({
    ...(logger ? { loggerInstance: logger } : { logger: false }),
    bodyLimit: config.bodyLimit,
    // Node's limit on receiving the whole request (slow clients, 408); the handler deadline is below.
    requestTimeout: config.runtime.requestTimeoutSeconds * 1000,
    keepAliveTimeout: config.runtime.keepAliveTimeoutSeconds * 1000,
    return503OnClosing: true,
    forceCloseConnections: "idle",
    // Long ids must reach validation (a 400 naming `params.id`), not the router's bare 414.
    routerOptions: { ignoreTrailingSlash: true, maxParamLength: 1000 },
    ...(config.log.json ? {} : { logController: new OneLinePerRequest() }),
  });
  // WORKER_CONNECTIONS: Node drops connections beyond this many open ones (per process).
  app.server.maxConnections = config.runtime.workerConnections;
  return app;
}

/** Parsers, hooks and plugins in the order they must run, then the REST routes, MCP, probes, dashboard. */
async function registerPluginsAndRoutes(
  app: FastifyInstance,
  options: BuildAppOptions,
  services: Services,
  databases: Databases,
): Promise<void> {
  const { config } = options;
  // A JSON API: anything but application/json is a 415, not a string body.
  app.removeContentTypeParser("text/plain");
  registerJsonBody(app);
  useZodSchemas(app);
  registerErrorHandler(app);
  // An answer before the whole body is read (413, 401) drains the rest, so the client sees it.
  registerLingeringClose(app);
  registerDeadline(app, config.runtime.requestTimeoutSeconds);
  if (options.telemetry) await app.register(options.telemetry.fastifyPlugin);
  // Before the routes it documents (it collects them as they are added); after /metrics, which
  // is Prometheus text for the scraper and not part of the API.
  await registerSwagger(app, config.version);
  await registerSwaggerUi(app);
  const ring = new KeyRing(config.apiKeys);
  await registerRateLimit(app, {
    ...config.rateLimit,
    ring,
    redisUrl: config.cache.backend === "redis" ? config.cache.redisUrl : undefined,
  });
  registerAuth(app, ring);

  const context = (request: FastifyRequest): RequestContext => ({
    ...(options.context ? options.context(request) : { tenantId: request.tenantId }),
    signal: deadlineOf(request),
  });
  healthRoutes(app, { databases, version: config.version });
  registerV1Routes(app, { services, context });
  mcpRoutes(app, { services, context, version: config.version });
  dashboardRoutes(app);
}
