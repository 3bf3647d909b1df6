import { APP_PORT, ENV, type EnvName } from "../../app/src/contract.js";
import type { ResolvedEnvironment } from "../../environments/index.js";

/** One environment variable of the app container, in the order the model lists its settings. */
export type Setting = readonly [name: EnvName, value: string];

/**
 * Host name of the Postgres container on the dev network, as in the reference's compose file
 * (`postgresql://user:password@db:5432/mcp_dev`).
 */
export const DB_HOST = "db";
/** Host name of the app container on the dev network (the reference's `app` service). */
export const APP_HOST = "app";
/** Port Postgres listens on in its container. */
export const POSTGRES_PORT = 5432;

/** A problem that keeps an environment from running on the Docker target. */
export interface DockerSupportIssue {
  readonly path: string;
  readonly message: string;
}

/**
 * The Docker target runs the app and Postgres only (the reference's development compose file). An
 * environment that needs more (Redis, a tracing backend, a read replica, a pooler) belongs on
 * Kubernetes; say which fields to change rather than deploying an app that cannot start.
 */
export function dockerSupportIssues(env: ResolvedEnvironment): DockerSupportIssue[] {
  const issues: DockerSupportIssue[] = [];
  const fix = "or deploy with `pulumi config set mcp-stack:target kubernetes`";
  if (env.cache.backend === "redis")
    issues.push({
      path: "cache.backend",
      message: `is "redis": the Docker target has no Redis; use "memory" ${fix}`,
    });
  if (env.observability.tracing !== "none")
    issues.push({
      path: "observability.tracing",
      message: `is "${env.observability.tracing}": the Docker target runs no tracing backend; use "none" ${fix}`,
    });
  if (env.database.readReplica)
    issues.push({
      path: "database.readReplica",
      message: `is true: the Docker target runs one Postgres ${fix}`,
    });
  if (env.database.pooler.enabled)
    issues.push({
      path: "database.pooler.enabled",
      message: `is true: the Docker target runs no PgBouncer ${fix}`,
    });
  return issues;
}

/** Throws naming every field that keeps `env` off the Docker target. */
export function assertDockerSupported(env: ResolvedEnvironment): void {
  const issues = dockerSupportIssues(env);
  if (issues.length === 0) return;
  throw new Error(
    `${env.name}: cannot deploy to the docker target:\n${issues.map((i) => `  - ${i.path} ${i.message}`).join("\n")}`,
  );
}

const flag = (b: boolean) => (b ? "true" : "false");

/**
 * Every non-secret app setting of the model as the app's environment variables (names from
 * app/src/contract.ts). Secrets (DATABASE_URL, OPENAI_API_KEY, SENTRY_DSN, API_KEYS) are added by the
 * caller from secret Outputs, or as interpolations in the compose file.
 *
 * Exporters that are off are passed as empty strings, as the reference's dev `.env` does
 * (`JAEGER_HOST=`, `OTLP_ENDPOINT=`), so nothing inherited from a shell turns them on.
 */
export function appSettings(env: ResolvedEnvironment): Setting[] {
  const { logging, cache, observability: o, database: db, runtime: rt, llm } = env;
  const ttl = env.derived.cacheTtlSeconds;
  const settings: Setting[] = [
    [ENV.LOG_LEVEL, logging.level],
    [ENV.USE_JSON_LOGS, flag(logging.json)],
    [ENV.LOG_FILE, logging.file],
    [ENV.ENABLE_CONSOLE_TRACING, flag(logging.consoleTracing)],
    [ENV.CACHE_ENABLED, flag(cache.enabled)],
    [ENV.CACHE_BACKEND, cache.backend],
    [ENV.CACHE_MAX_SIZE, String(cache.maxSize)],
    [ENV.CACHE_DEFAULT_TTL, String(cache.defaultTtlSeconds)],
    [ENV.CACHE_EMBEDDING_TTL, String(ttl.embedding)],
    [ENV.CACHE_SEARCH_TTL, String(ttl.search)],
    [ENV.CACHE_RAG_TTL, String(ttl.rag)],
    [ENV.JAEGER_HOST, ""],
    [ENV.OTLP_ENDPOINT, ""],
    [ENV.OTEL_SERVICE_NAME, o.serviceName],
    [ENV.OTEL_TRACES_SAMPLER, o.sampler],
    [ENV.OTEL_TRACES_SAMPLER_ARG, String(o.samplerArg)],
    [ENV.SENTRY_ENVIRONMENT, o.sentry.environment],
    [ENV.SENTRY_TRACES_SAMPLE_RATE, String(o.sentry.tracesSampleRate)],
    [ENV.SENTRY_PROFILES_SAMPLE_RATE, String(o.sentry.profilesSampleRate)],
    [ENV.DB_POOL_SIZE, String(db.pool.size)],
    [ENV.DB_MAX_OVERFLOW, String(db.pool.maxOverflow)],
    [ENV.DB_POOL_RECYCLE, String(db.pool.recycleSeconds)],
    [ENV.DB_POOL_PRE_PING, flag(db.pool.prePing)],
    [ENV.WORKERS, String(env.derived.workers)],
    [ENV.WORKER_CONNECTIONS, String(rt.workerConnections)],
    [ENV.REQUEST_TIMEOUT, String(rt.requestTimeoutSeconds)],
    [ENV.KEEPALIVE_TIMEOUT, String(rt.keepaliveTimeoutSeconds)],
    [ENV.RATE_LIMIT_PER_MINUTE, String(rt.rateLimitPerMinute)],
    [ENV.RATE_LIMIT_BURST, String(rt.rateLimitBurst)],
    [ENV.BODY_LIMIT, String(rt.bodyLimitBytes)],
    [ENV.EMBEDDING_PROVIDER, llm.embeddingProvider],
    [ENV.EMBEDDING_MODEL, llm.embeddingModel],
    [ENV.EMBEDDING_DIMENSIONS, String(llm.embeddingDimensions)],
    [ENV.ANSWER_PROVIDER, llm.answerProvider],
    [ENV.CHAT_MODEL, llm.chatModel],
  ];
  if (llm.baseUrl !== undefined) settings.push([ENV.OPENAI_BASE_URL, llm.baseUrl]);
  settings.push([ENV.PORT, String(APP_PORT)], [ENV.APP_VERSION, env.version]);
  // Sentry off: an explicit empty DSN, as in the reference's dev `.env`.
  if (!o.sentry.enabled) settings.push([ENV.SENTRY_DSN, ""]);
  return settings;
}

/** The secret variables the app needs in this environment, by the secret config key that feeds each. */
export function secretSettings(
  env: ResolvedEnvironment,
): { name: EnvName; secret: "openaiApiKey" | "sentryDsn" | "apiKeys" }[] {
  const out: { name: EnvName; secret: "openaiApiKey" | "sentryDsn" | "apiKeys" }[] = [];
  if (env.llm.embeddingProvider === "openai" || env.llm.answerProvider === "openai")
    out.push({ name: ENV.OPENAI_API_KEY, secret: "openaiApiKey" });
  if (env.observability.sentry.enabled) out.push({ name: ENV.SENTRY_DSN, secret: "sentryDsn" });
  if (env.runtime.requireApiKeys) out.push({ name: ENV.API_KEYS, secret: "apiKeys" });
  return out;
}

/**
 * `postgres -c …` flags from the model's postgresql.conf values, so the dev database is tuned like
 * the model says (the reference's compose file passes none; derived values from derive.ts).
 */
export function postgresFlags(env: ResolvedEnvironment): string[] {
  const pg = env.database.postgres;
  const conf: [string, string | number][] = [
    ["max_connections", pg.maxConnections],
    ["shared_buffers", env.derived.postgres.sharedBuffers],
    ["effective_cache_size", env.derived.postgres.effectiveCacheSize],
    ["work_mem", pg.workMem],
    ["maintenance_work_mem", pg.maintenanceWorkMem],
    ["random_page_cost", pg.randomPageCost],
    ["effective_io_concurrency", pg.effectiveIoConcurrency],
    ["wal_buffers", pg.walBuffers],
    ["checkpoint_completion_target", pg.checkpointCompletionTarget],
  ];
  return conf.flatMap(([k, v]) => ["-c", `${k}=${v}`]);
}
