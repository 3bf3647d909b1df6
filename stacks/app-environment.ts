import { APP_PORT, ENV, type EnvName, OTLP_GRPC_PORT, SECRET_ENV, SERVICE_NAME } from "@mcp-stack/contract";
import type { ResolvedEnvironment, WorkloadSecretKey } from "../environments/index.js";

/** Where a target puts the things the model does not place itself. */
export interface SettingsPlacement {
  /** LOG_FILE as the container sees it; "" = stdout only. */
  readonly logFile: string;
  /** LOG_FILE_MAX_BYTES: rotate the file within its volume. Omitted = never rotated. */
  readonly logFileMaxBytes?: number;
  /** DATA_DIR (PGlite fallback); omitted = the app's default. */
  readonly dataDir?: string;
  /** JAEGER_HOST when observability.tracing is "jaeger". */
  readonly jaegerHost?: string;
  /** OTLP_ENDPOINT when observability.tracing is "otel-collector". */
  readonly otlpEndpoint?: string;
  /** METRICS_PORT: `/metrics` on its own port; omitted = on the app port (dev on Docker). */
  readonly metricsPort?: number;
  /**
   * Pass exporters that are off as empty strings (JAEGER_HOST=, OTLP_ENDPOINT=, SENTRY_DSN=), as the
   * reference's dev `.env` does, so nothing inherited from a shell turns them on. Defaults to false.
   */
  readonly blankDisabledExporters?: boolean;
}

const flag = (b: boolean) => (b ? "true" : "false");

/**
 * Every non-secret app setting of an environment, keyed by the contract's ENV names: the one mapping
 * from the model to the app's environment, used by the Kubernetes ConfigMap, the Docker container and
 * the compose file. Secret variables (SECRET_ENV) never appear here.
 */
export function appEnvironment(
  env: ResolvedEnvironment,
  placement: SettingsPlacement,
): Record<string, string> {
  const { logging, cache, observability: o, database: db, runtime: rt, llm } = env;
  const settings: Partial<Record<EnvName, string>> = {
    [ENV.LOG_LEVEL]: logging.level,
    [ENV.USE_JSON_LOGS]: flag(logging.json),
    [ENV.ENABLE_CONSOLE_TRACING]: flag(logging.consoleTracing),
    [ENV.CACHE_ENABLED]: flag(cache.enabled),
    [ENV.CACHE_BACKEND]: cache.backend,
    [ENV.CACHE_MAX_SIZE]: String(cache.maxSize),
    [ENV.CACHE_DEFAULT_TTL]: String(cache.defaultTtlSeconds),
    [ENV.OTEL_SERVICE_NAME]: SERVICE_NAME,
    [ENV.OTEL_TRACES_SAMPLER]: o.sampler,
    [ENV.OTEL_TRACES_SAMPLER_ARG]: String(o.samplerArg),
    [ENV.SENTRY_ENVIRONMENT]: o.sentry.environment,
    [ENV.SENTRY_TRACES_SAMPLE_RATE]: String(o.sentry.tracesSampleRate),
    [ENV.SENTRY_PROFILES_SAMPLE_RATE]: String(o.sentry.profilesSampleRate),
    [ENV.DB_POOL_SIZE]: String(db.pool.size),
    [ENV.DB_MAX_OVERFLOW]: String(db.pool.maxOverflow),
    [ENV.DB_POOL_RECYCLE]: String(db.pool.recycleSeconds),
    [ENV.DB_POOL_PRE_PING]: flag(db.pool.prePing),
    [ENV.WORKERS]: String(env.derived.workers),
    [ENV.WORKER_CONNECTIONS]: String(rt.workerConnections),
    [ENV.REQUEST_TIMEOUT]: String(rt.requestTimeoutSeconds),
    [ENV.KEEPALIVE_TIMEOUT]: String(rt.keepaliveTimeoutSeconds),
    [ENV.RATE_LIMIT_PER_MINUTE]: String(rt.rateLimitPerMinute),
    [ENV.RATE_LIMIT_BURST]: String(rt.rateLimitBurst),
    [ENV.BODY_LIMIT]: String(rt.bodyLimitBytes),
    [ENV.EMBEDDING_PROVIDER]: llm.embeddingProvider,
    [ENV.EMBEDDING_MODEL]: llm.embeddingModel,
    [ENV.EMBEDDING_DIMENSIONS]: String(llm.embeddingDimensions),
    [ENV.ANSWER_PROVIDER]: llm.answerProvider,
    [ENV.CHAT_MODEL]: llm.chatModel,
    [ENV.PORT]: String(APP_PORT),
    [ENV.APP_VERSION]: env.version,
  };
  const blank = placement.blankDisabledExporters === true;
  // Only the per-type TTLs the model sets: the app falls back to CACHE_DEFAULT_TTL for the others, so
  // the fallback lives in one place and CACHE_DEFAULT_TTL keeps its effect where the app runs.
  const ttl = cache.ttlSeconds;
  if (ttl.embedding !== undefined) settings[ENV.CACHE_EMBEDDING_TTL] = String(ttl.embedding);
  if (ttl.search !== undefined) settings[ENV.CACHE_SEARCH_TTL] = String(ttl.search);
  if (ttl.rag !== undefined) settings[ENV.CACHE_RAG_TTL] = String(ttl.rag);
  if (placement.logFile !== "") settings[ENV.LOG_FILE] = placement.logFile;
  if (placement.logFile !== "" && placement.logFileMaxBytes !== undefined)
    settings[ENV.LOG_FILE_MAX_BYTES] = String(placement.logFileMaxBytes);
  if (placement.dataDir !== undefined) settings[ENV.DATA_DIR] = placement.dataDir;
  if (placement.metricsPort !== undefined) settings[ENV.METRICS_PORT] = String(placement.metricsPort);
  if (llm.baseUrl !== undefined) settings[ENV.OPENAI_BASE_URL] = llm.baseUrl;
  if (o.tracing === "jaeger" && placement.jaegerHost !== undefined) {
    settings[ENV.JAEGER_HOST] = placement.jaegerHost;
    // The reference's 6831 is the Jaeger agent's UDP Thrift port, which OpenTelemetry SDKs no longer
    // speak; Jaeger v2 takes OTLP gRPC (docs/decisions.md).
    settings[ENV.JAEGER_PORT] = String(OTLP_GRPC_PORT);
  } else if (blank) settings[ENV.JAEGER_HOST] = "";
  if (o.tracing === "otel-collector" && placement.otlpEndpoint !== undefined)
    settings[ENV.OTLP_ENDPOINT] = placement.otlpEndpoint;
  else if (blank) settings[ENV.OTLP_ENDPOINT] = "";
  for (const secret of SECRET_ENV) delete settings[secret];
  const out = Object.entries(settings).sort(([a], [b]) => a.localeCompare(b));
  // An empty DSN is not a secret: it is the explicit "Sentry off" of the reference's dev `.env`.
  if (blank && !o.sentry.enabled) out.push([ENV.SENTRY_DSN, ""]);
  return Object.fromEntries(out) as Record<string, string>;
}

/** A secret variable of the app and the secret config key that feeds it. */
export interface SecretSetting {
  readonly name: EnvName;
  readonly secret: WorkloadSecretKey;
}

/**
 * The secret variables the app needs in this environment besides the URLs of the data services (every
 * target composes the database URL from `dbPassword` and its own host names; the Docker target runs no
 * Redis): the rows of the secrets table (environments/secrets.ts) the app reads.
 */
export function secretSettings(env: ResolvedEnvironment): SecretSetting[] {
  return env.derived.secrets.flatMap((s) =>
    s.appEnv && s.serviceUrl === undefined ? [{ name: s.appEnv, secret: s.key }] : [],
  );
}
