/**
 * Builds the fastify app: config → databases (migrated) → store → services → REST routes, MCP
 * endpoint and probes. Timeouts, body limit and graceful close live here.
 */
import Fastify, { type FastifyBaseLogger, type FastifyInstance, type FastifyRequest } from "fastify";
import { type Answerer, createAnswerer } from "./answers/index.js";
import type { Config } from "./config.js";
import type { Databases } from "./db/database.js";
import { migrate } from "./db/migrations.js";
import { closeDatabases, openDatabases } from "./db/open.js";
import { createEmbedder, type Embedder } from "./embeddings/index.js";
import { mcpRoutes } from "./mcp/route.js";
import { registerErrorHandler } from "./plugins/app/error-handler.js";
import { useZodSchemas } from "./plugins/app/zod-schemas.js";
import type { ChunkOptions } from "./retrieval/chunker.js";
import { healthRoutes } from "./routes/health.js";
import { registerV1Routes } from "./routes/index.js";
import { createServices, defaultContext, type RequestContext, type Services } from "./services/index.js";
import { ConversationStore } from "./store/conversation-store.js";

declare module "fastify" {
  interface FastifyInstance {
    /** The service layer (what routes and MCP tools call). */
    services: Services;
    store: ConversationStore;
    databases: Databases;
    config: Config;
  }
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
  /** Derives the tenant from a request (issue 6's auth). Defaults to the `default` tenant. */
  context?: (request: FastifyRequest) => RequestContext;
}

/** Builds a ready-to-listen app with migrations applied. Close it with `app.close()`. */
export async function buildApp(options: BuildAppOptions): Promise<FastifyInstance> {
  const { config } = options;
  const embedder = options.embedder ?? createEmbedder(config);
  const databases = options.databases ?? (await openDatabases(config));
  try {
    await migrate(databases.primary, {
      provider: embedder.provider,
      model: embedder.model,
      dimensions: embedder.dimensions,
    });
  } catch (error) {
    if (!options.databases) await closeDatabases(databases);
    throw error;
  }
  if (databases.primary.kind === "pglite") {
    // PGlite has no autovacuum: give the planner today's table sizes (HNSW vs scan is size-driven).
    await databases.primary.query("ANALYZE");
  }
  const store = new ConversationStore(databases);
  const services = createServices({
    store,
    embedder,
    answerer: options.answerer ?? createAnswerer(config),
    chunking: options.chunking,
  });

  const app = Fastify({
    ...(options.logger ? { loggerInstance: options.logger } : { logger: false }),
    bodyLimit: config.bodyLimit,
    requestTimeout: config.runtime.requestTimeoutSeconds * 1000,
    keepAliveTimeout: config.runtime.keepAliveTimeoutSeconds * 1000,
    return503OnClosing: true,
    forceCloseConnections: "idle",
    // Long ids must reach validation (a 400 naming `params.id`), not the router's bare 414.
    routerOptions: { ignoreTrailingSlash: true, maxParamLength: 1000 },
  });
  app.decorate("services", services);
  app.decorate("store", store);
  app.decorate("databases", databases);
  app.decorate("config", config);
  // A JSON API: anything but application/json is a 415, not a string body.
  app.removeContentTypeParser("text/plain");
  useZodSchemas(app);
  registerErrorHandler(app);

  const context = options.context ?? (() => defaultContext);
  healthRoutes(app, { databases, version: config.version });
  registerV1Routes(app, { services, context });
  mcpRoutes(app, { services, context, version: config.version });

  if (!options.databases) app.addHook("onClose", async () => closeDatabases(databases));
  await app.ready();
  return app;
}
