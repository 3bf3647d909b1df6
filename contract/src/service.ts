/**
 * The app's contract with everything that deploys, probes or scrapes it.
 *
 * This is the one home of the names that cross the app/infra boundary: environment variable names,
 * every port, probe and metrics paths, directories, the service and image name. The app reads them,
 * the stacks write ConfigMaps and Secrets keyed by them, infra opens the ports, the monitoring code
 * scrapes them. A name that appears here must never be typed as a string literal anywhere else.
 */

/** Name of the service everywhere: Kubernetes objects, OTel service name, image repository, job label. */
export const SERVICE_NAME = "mcp-backend";

/** Image repository of the app (tag = app version). */
export const IMAGE_NAME = "mcp-backend";

/** The port the app listens on inside its container (the reference's 8000). */
export const APP_PORT = 8000;

/**
 * The port `/metrics` is served on when METRICS_PORT is set (every Kubernetes deployment sets it):
 * its own listener, so the scrape endpoint never sits behind the public Service. 9464 is the port
 * OpenTelemetry's Prometheus exporter uses by convention. Unset (local `npm start`), `/metrics` stays
 * on the app port.
 */
export const METRICS_PORT = 9464;
/** Name of the container port METRICS_PORT is declared as (what a PodMonitor's endpoint names). */
export const METRICS_PORT_NAME = "metrics";

/** OTLP over gRPC, on every tracing backend (Jaeger v2, the OpenTelemetry Collector). */
export const OTLP_GRPC_PORT = 4317;
/** OTLP over HTTP, on every tracing backend. */
export const OTLP_HTTP_PORT = 4318;
/** Postgres, whichever engine runs it. */
export const POSTGRES_PORT = 5432;
/** Redis. */
export const REDIS_PORT = 6379;
/** prometheus-community/postgres_exporter's (and CloudNativePG's instance) metrics port. */
export const POSTGRES_EXPORTER_PORT = 9187;
/** oliver006/redis_exporter's metrics port. */
export const REDIS_EXPORTER_PORT = 9121;

/** Service (host) names of the data tier the app reaches in its namespace. */
export const DATA_SERVICES = {
  postgres: "postgres",
  redis: "redis",
} as const;

/** `app.kubernetes.io/part-of` of everything this project deploys. */
export const PART_OF = "mcp-stack";

/** Directories the app writes inside its container (the image creates them; Kubernetes mounts emptyDirs). */
export const APP_DIRS = {
  /** Where LOG_FILE goes when the path given is relative or the root filesystem is read-only. */
  logs: "/var/log/mcp-backend",
  /** DATA_DIR: PGlite's directory when DATABASE_URL is unset. */
  data: "/var/lib/mcp-backend",
} as const;

/** HTTP paths that infra relies on. */
export const HTTP_PATHS = {
  /** What the reference's liveness and readiness probes call. */
  health: "/health",
  /** Process only; never touches the database. */
  live: "/health/live",
  /** Database reachable and migrations applied. */
  ready: "/health/ready",
  /** Prometheus text format. */
  metrics: "/metrics",
  /** Streamable HTTP MCP endpoint. */
  mcp: "/mcp",
} as const;

/**
 * Every environment variable the app reads, named exactly as in the reference design, plus the few
 * the app needs beyond it (marked "beyond the reference").
 */
export const ENV = {
  // Logging
  LOG_LEVEL: "LOG_LEVEL",
  USE_JSON_LOGS: "USE_JSON_LOGS",
  LOG_FILE: "LOG_FILE",
  /**
   * Beyond the reference: rotate LOG_FILE at this many bytes (one previous file kept as LOG_FILE.1),
   * so the logs stay within 2 × this on disk. Unset = never rotated.
   */
  LOG_FILE_MAX_BYTES: "LOG_FILE_MAX_BYTES",
  ENABLE_CONSOLE_TRACING: "ENABLE_CONSOLE_TRACING",
  // Cache
  CACHE_ENABLED: "CACHE_ENABLED",
  CACHE_BACKEND: "CACHE_BACKEND",
  CACHE_REDIS_URL: "CACHE_REDIS_URL",
  CACHE_MAX_SIZE: "CACHE_MAX_SIZE",
  CACHE_DEFAULT_TTL: "CACHE_DEFAULT_TTL",
  CACHE_EMBEDDING_TTL: "CACHE_EMBEDDING_TTL",
  CACHE_SEARCH_TTL: "CACHE_SEARCH_TTL",
  CACHE_RAG_TTL: "CACHE_RAG_TTL",
  // Observability
  JAEGER_HOST: "JAEGER_HOST",
  JAEGER_PORT: "JAEGER_PORT",
  OTLP_ENDPOINT: "OTLP_ENDPOINT",
  OTEL_SERVICE_NAME: "OTEL_SERVICE_NAME",
  OTEL_TRACES_SAMPLER: "OTEL_TRACES_SAMPLER",
  OTEL_TRACES_SAMPLER_ARG: "OTEL_TRACES_SAMPLER_ARG",
  SENTRY_DSN: "SENTRY_DSN",
  SENTRY_ENVIRONMENT: "SENTRY_ENVIRONMENT",
  SENTRY_TRACES_SAMPLE_RATE: "SENTRY_TRACES_SAMPLE_RATE",
  SENTRY_PROFILES_SAMPLE_RATE: "SENTRY_PROFILES_SAMPLE_RATE",
  // Database
  DATABASE_URL: "DATABASE_URL",
  DATABASE_REPLICA_URL: "DATABASE_REPLICA_URL",
  /**
   * Beyond the reference: a file holding DATABASE_URL instead of the variable (a mounted Secret key).
   * Its password is re-read for every new connection, so a rotated password is used without a restart.
   */
  DATABASE_URL_FILE: "DATABASE_URL_FILE",
  /** Beyond the reference: DATABASE_REPLICA_URL from a file, as DATABASE_URL_FILE. */
  DATABASE_REPLICA_URL_FILE: "DATABASE_REPLICA_URL_FILE",
  DB_POOL_SIZE: "DB_POOL_SIZE",
  DB_MAX_OVERFLOW: "DB_MAX_OVERFLOW",
  DB_POOL_RECYCLE: "DB_POOL_RECYCLE",
  DB_POOL_PRE_PING: "DB_POOL_PRE_PING",
  // Runtime
  WORKERS: "WORKERS",
  WORKER_CONNECTIONS: "WORKER_CONNECTIONS",
  REQUEST_TIMEOUT: "REQUEST_TIMEOUT",
  KEEPALIVE_TIMEOUT: "KEEPALIVE_TIMEOUT",
  RATE_LIMIT_PER_MINUTE: "RATE_LIMIT_PER_MINUTE",
  RATE_LIMIT_BURST: "RATE_LIMIT_BURST",
  // LLM / embeddings
  OPENAI_API_KEY: "OPENAI_API_KEY",
  /** Beyond the reference: OpenAI-compatible base URL. */
  OPENAI_BASE_URL: "OPENAI_BASE_URL",
  /** Beyond the reference: `local` (offline, default) or `openai`. */
  EMBEDDING_PROVIDER: "EMBEDDING_PROVIDER",
  /** Beyond the reference. */
  EMBEDDING_MODEL: "EMBEDDING_MODEL",
  /** Beyond the reference: vector dimension of the embedding column. */
  EMBEDDING_DIMENSIONS: "EMBEDDING_DIMENSIONS",
  /** Beyond the reference: `extractive` (offline, default) or `openai`. */
  ANSWER_PROVIDER: "ANSWER_PROVIDER",
  /** Beyond the reference. */
  CHAT_MODEL: "CHAT_MODEL",
  // Server
  /** Beyond the reference: listen port (defaults to APP_PORT). */
  PORT: "PORT",
  /** Beyond the reference: serve `/metrics` on this port only, not on PORT (see METRICS_PORT). */
  METRICS_PORT: "METRICS_PORT",
  /** Beyond the reference: PGlite data directory when DATABASE_URL is unset. */
  DATA_DIR: "DATA_DIR",
  /** Beyond the reference: request body limit in bytes. */
  BODY_LIMIT: "BODY_LIMIT",
  /** Beyond the reference: `key:tenant,key:tenant` bearer keys. Secret. */
  API_KEYS: "API_KEYS",
  /** Beyond the reference: reported as the `version` label and in logs. */
  APP_VERSION: "APP_VERSION",
} as const;

export type EnvName = (typeof ENV)[keyof typeof ENV];

/**
 * Variables whose values are credentials (or contain them). Infra must deliver these from a Secret,
 * never a ConfigMap, and the app's logger redacts them.
 */
export const SECRET_ENV: readonly EnvName[] = [
  ENV.DATABASE_URL,
  ENV.DATABASE_REPLICA_URL,
  ENV.CACHE_REDIS_URL,
  ENV.SENTRY_DSN,
  ENV.OPENAI_API_KEY,
  ENV.API_KEYS,
];

/** The value of EMBEDDING_PROVIDER / ANSWER_PROVIDER that calls the OpenAI API. */
export const OPENAI_PROVIDER = "openai";

/** Whether either provider calls OpenAI, so OPENAI_API_KEY is required. The one home of that rule. */
export function usesOpenAi(providers: { readonly embedding: string; readonly answer: string }): boolean {
  return providers.embedding === OPENAI_PROVIDER || providers.answer === OPENAI_PROVIDER;
}
