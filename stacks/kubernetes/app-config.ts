import { posix } from "node:path";
import { APP_PORT, ENV, type EnvName, SECRET_ENV } from "../../app/src/contract.js";
import type { ResolvedEnvironment } from "../../environments/index.js";

/** Where the app writes its log file on Kubernetes (an emptyDir on the read-only root filesystem). */
export const LOG_DIR = "/var/log/mcp-backend";
/** DATA_DIR on Kubernetes (an emptyDir; only used when DATABASE_URL is unset). */
export const DATA_DIR = "/var/lib/mcp-backend";
/** Service names of the tracing backends the monitoring tier deploys in the namespace. */
export const TRACING_HOSTS = { jaeger: "jaeger", collector: "otel-collector" } as const;
/** The OTLP gRPC port of both tracing backends. */
export const OTLP_GRPC_PORT = 4317;

/**
 * LOG_FILE on Kubernetes: an absolute path is kept (staging, prod: /var/log/mcp-backend/app.log); a
 * relative one (dev's logs/…) would land on the read-only root filesystem, so it moves into LOG_DIR.
 */
export function kubernetesLogFile(file: string): string {
  if (file === "") return "";
  return posix.isAbsolute(file) ? file : posix.join(LOG_DIR, posix.basename(file));
}

/**
 * Every non-secret app setting of the environment, keyed by the contract's ENV names: the ConfigMap's
 * data. Secret settings (SECRET_ENV) never appear here.
 */
export function appSettings(env: ResolvedEnvironment): Record<string, string> {
  const o = env.observability;
  const settings: Partial<Record<EnvName, string>> = {
    [ENV.LOG_LEVEL]: env.logging.level,
    [ENV.USE_JSON_LOGS]: String(env.logging.json),
    [ENV.ENABLE_CONSOLE_TRACING]: String(env.logging.consoleTracing),
    [ENV.CACHE_ENABLED]: String(env.cache.enabled),
    [ENV.CACHE_BACKEND]: env.cache.backend,
    [ENV.CACHE_MAX_SIZE]: String(env.cache.maxSize),
    [ENV.CACHE_DEFAULT_TTL]: String(env.cache.defaultTtlSeconds),
    [ENV.CACHE_EMBEDDING_TTL]: String(env.derived.cacheTtlSeconds.embedding),
    [ENV.CACHE_SEARCH_TTL]: String(env.derived.cacheTtlSeconds.search),
    [ENV.CACHE_RAG_TTL]: String(env.derived.cacheTtlSeconds.rag),
    [ENV.OTEL_SERVICE_NAME]: o.serviceName,
    [ENV.OTEL_TRACES_SAMPLER]: o.sampler,
    [ENV.OTEL_TRACES_SAMPLER_ARG]: String(o.samplerArg),
    [ENV.SENTRY_ENVIRONMENT]: o.sentry.environment,
    [ENV.SENTRY_TRACES_SAMPLE_RATE]: String(o.sentry.tracesSampleRate),
    [ENV.SENTRY_PROFILES_SAMPLE_RATE]: String(o.sentry.profilesSampleRate),
    [ENV.DB_POOL_SIZE]: String(env.database.pool.size),
    [ENV.DB_MAX_OVERFLOW]: String(env.database.pool.maxOverflow),
    [ENV.DB_POOL_RECYCLE]: String(env.database.pool.recycleSeconds),
    [ENV.DB_POOL_PRE_PING]: String(env.database.pool.prePing),
    [ENV.WORKERS]: String(env.derived.workers),
    [ENV.WORKER_CONNECTIONS]: String(env.runtime.workerConnections),
    [ENV.REQUEST_TIMEOUT]: String(env.runtime.requestTimeoutSeconds),
    [ENV.KEEPALIVE_TIMEOUT]: String(env.runtime.keepaliveTimeoutSeconds),
    [ENV.RATE_LIMIT_PER_MINUTE]: String(env.runtime.rateLimitPerMinute),
    [ENV.RATE_LIMIT_BURST]: String(env.runtime.rateLimitBurst),
    [ENV.EMBEDDING_PROVIDER]: env.llm.embeddingProvider,
    [ENV.EMBEDDING_MODEL]: env.llm.embeddingModel,
    [ENV.EMBEDDING_DIMENSIONS]: String(env.llm.embeddingDimensions),
    [ENV.ANSWER_PROVIDER]: env.llm.answerProvider,
    [ENV.CHAT_MODEL]: env.llm.chatModel,
    [ENV.PORT]: String(APP_PORT),
    [ENV.DATA_DIR]: DATA_DIR,
    [ENV.BODY_LIMIT]: String(env.runtime.bodyLimitBytes),
    [ENV.APP_VERSION]: env.version,
  };
  const logFile = kubernetesLogFile(env.logging.file);
  if (logFile !== "") settings[ENV.LOG_FILE] = logFile;
  if (o.tracing === "jaeger") {
    settings[ENV.JAEGER_HOST] = TRACING_HOSTS.jaeger;
    settings[ENV.JAEGER_PORT] = String(o.jaegerPort);
  }
  if (o.tracing === "otel-collector")
    settings[ENV.OTLP_ENDPOINT] = `http://${TRACING_HOSTS.collector}:${OTLP_GRPC_PORT}`;
  if (env.llm.baseUrl !== undefined) settings[ENV.OPENAI_BASE_URL] = env.llm.baseUrl;
  for (const secret of SECRET_ENV) delete settings[secret];
  return Object.fromEntries(Object.entries(settings).sort(([a], [b]) => a.localeCompare(b))) as Record<
    string,
    string
  >;
}
