/**
 * Configuration: every environment variable of the reference design (and the app's own, see
 * `contract.ts`), parsed once at start-up with zod into one typed object.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import {
  APP_PORT,
  closestName,
  ENV,
  HTTP_PATHS,
  METRICS_PORT,
  SERVICE_NAME,
  usesOpenAi,
} from "@mcp-stack/contract";
import { z } from "zod";

/** The repo root's `.data/`, resolved from this file so `npm start` (cwd = repo root) and `npm run -w app` (cwd = app/) agree. */
export const DEFAULT_DATA_DIR = fileURLToPath(new URL("../../.data", import.meta.url));

const bool = z
  .string()
  .trim()
  .toLowerCase()
  .pipe(z.enum(["true", "false", "1", "0", "yes", "no", "on", "off"]))
  .transform((v) => v === "true" || v === "1" || v === "yes" || v === "on");
const int = (min: number, max = Number.MAX_SAFE_INTEGER) => z.coerce.number().int().min(min).max(max);
const rate = z.coerce.number().min(0).max(1);

/**
 * SEARCH_MIN_SCORE's default, chosen on the held-aside labelled set of
 * test/app/store/relevance-floor.test.ts with the local embedder (figures in docs/app.md, "Relevance
 * floor"). A different embedding model spreads similarities differently: measure it there.
 */
export const DEFAULT_SEARCH_MIN_SCORE = 0.4;
const seconds = int(0);
const url = z.url();

/** Tenant ids end up in cache keys, rate-limit keys and logs: keep them plain. */
const TENANT = /^[A-Za-z0-9._-]{1,64}$/;

/**
 * `key:tenant,key:tenant` → key → tenant. Issues say which entry (by position) is wrong and never
 * quote it: the value is a secret.
 */
const apiKeys = z.string().transform((raw, ctx) => {
  const keys = new Map<string, string>();
  const entries = raw.split(",").map((e) => e.trim());
  entries.forEach((entry, i) => {
    const where = `entry ${i + 1} of ${entries.length}`;
    const [key, tenant, ...rest] = entry.split(":");
    if (!key || tenant === undefined || rest.length > 0 || /\s/.test(key)) {
      ctx.addIssue({ code: "custom", message: `${where} is not \`key:tenant\``, input: "[redacted]" });
    } else if (!TENANT.test(tenant)) {
      ctx.addIssue({
        code: "custom",
        message: `${where}: the tenant must be 1-64 characters of A-Z a-z 0-9 . _ -`,
        input: "[redacted]",
      });
    } else if (keys.has(key)) {
      ctx.addIssue({ code: "custom", message: `${where} repeats an earlier key`, input: "[redacted]" });
    } else keys.set(key, tenant);
  });
  return keys;
});

const LOG_LEVELS = ["TRACE", "DEBUG", "INFO", "WARNING", "WARN", "ERROR", "CRITICAL", "FATAL"] as const;
const SAMPLERS = [
  "always_on",
  "always_off",
  "traceidratio",
  "parentbased_always_on",
  "parentbased_always_off",
  "parentbased_traceidratio",
] as const;

/** Keys are the variable names themselves, so every zod issue path names the offending variable. */
const envSchema = z.object({
  // Defaults depend on the terminal (loadConfig's `tty`): INFO + JSON, or DEBUG + readable.
  [ENV.LOG_LEVEL]: z.string().trim().toUpperCase().pipe(z.enum(LOG_LEVELS)).optional(),
  [ENV.USE_JSON_LOGS]: bool.optional(),
  [ENV.LOG_FILE]: z.string().min(1).optional(),
  [ENV.LOG_FILE_MAX_BYTES]: int(4096).optional(),
  [ENV.ENABLE_CONSOLE_TRACING]: bool.default(false),
  [ENV.CACHE_ENABLED]: bool.default(true),
  [ENV.CACHE_BACKEND]: z.enum(["memory", "redis"]).default("memory"),
  [ENV.CACHE_REDIS_URL]: url.optional(),
  [ENV.CACHE_MAX_SIZE]: int(1).default(1000),
  [ENV.CACHE_DEFAULT_TTL]: seconds.default(300),
  [ENV.CACHE_EMBEDDING_TTL]: seconds.optional(),
  [ENV.CACHE_SEARCH_TTL]: seconds.optional(),
  [ENV.CACHE_RAG_TTL]: seconds.optional(),
  [ENV.JAEGER_HOST]: z.string().min(1).optional(),
  [ENV.JAEGER_PORT]: int(1, 65535).default(6831),
  [ENV.OTLP_ENDPOINT]: url.optional(),
  [ENV.OTEL_SERVICE_NAME]: z.string().min(1).default(SERVICE_NAME),
  [ENV.OTEL_TRACES_SAMPLER]: z.enum(SAMPLERS).default("parentbased_always_on"),
  [ENV.OTEL_TRACES_SAMPLER_ARG]: rate.optional(),
  [ENV.SENTRY_DSN]: url.optional(),
  [ENV.SENTRY_ENVIRONMENT]: z.string().min(1).default("development"),
  [ENV.SENTRY_TRACES_SAMPLE_RATE]: rate.default(0),
  [ENV.SENTRY_PROFILES_SAMPLE_RATE]: rate.default(0),
  [ENV.DATABASE_URL]: z
    .string()
    .regex(/^postgres(ql)?:\/\//, "must be a postgres:// or postgresql:// URL")
    .optional(),
  [ENV.DATABASE_REPLICA_URL]: z
    .string()
    .regex(/^postgres(ql)?:\/\//, "must be a postgres:// or postgresql:// URL")
    .optional(),
  [ENV.DATABASE_URL_FILE]: z.string().min(1).optional(),
  [ENV.DATABASE_REPLICA_URL_FILE]: z.string().min(1).optional(),
  [ENV.DB_POOL_SIZE]: int(1, 1000).default(5),
  [ENV.DB_MAX_OVERFLOW]: int(0, 1000).default(10),
  [ENV.DB_POOL_RECYCLE]: seconds.default(3600),
  [ENV.DB_POOL_PRE_PING]: bool.default(false),
  // 0 or "auto": 2 × cores + 1 (resolved by app/src/cluster.ts), the reference's formula.
  [ENV.WORKERS]: z
    .string()
    .trim()
    .toLowerCase()
    .transform((v) => (v === "auto" ? 0 : Number(v)))
    .pipe(z.number().int().min(0).max(1024))
    .default(1),
  [ENV.WORKER_CONNECTIONS]: int(1).default(1000),
  [ENV.REQUEST_TIMEOUT]: int(1).default(30),
  [ENV.KEEPALIVE_TIMEOUT]: int(1).default(5),
  // 0 turns rate limiting off (the dev model sends 0).
  [ENV.RATE_LIMIT_PER_MINUTE]: int(0).default(100),
  [ENV.RATE_LIMIT_BURST]: int(0).default(20),
  [ENV.OPENAI_API_KEY]: z.string().min(1).optional(),
  [ENV.OPENAI_BASE_URL]: url.default("https://api.openai.com/v1"),
  [ENV.EMBEDDING_PROVIDER]: z.enum(["local", "openai"]).default("local"),
  [ENV.EMBEDDING_MODEL]: z.string().min(1).optional(),
  [ENV.EMBEDDING_DIMENSIONS]: int(8, 2000).optional(),
  [ENV.ANSWER_PROVIDER]: z.enum(["extractive", "openai"]).default("extractive"),
  [ENV.SEARCH_MIN_SCORE]: rate.default(DEFAULT_SEARCH_MIN_SCORE),
  [ENV.CHAT_MODEL]: z.string().min(1).default("gpt-4o-mini"),
  [ENV.PORT]: int(0, 65535).default(APP_PORT),
  [ENV.METRICS_PORT]: int(1, 65535).optional(),
  [ENV.DATA_DIR]: z.string().min(1).optional(),
  [ENV.BODY_LIMIT]: int(1024).default(1024 * 1024),
  [ENV.API_KEYS]: apiKeys.optional(),
  [ENV.APP_VERSION]: z.string().min(1).default("dev"),
});

type RawEnv = z.infer<typeof envSchema>;

export type LogLevel = "trace" | "debug" | "info" | "warn" | "error" | "fatal";

/** The app's whole configuration. Issue 6 wires cache, tracing, Sentry, rate limit and auth from it. */
export interface Config {
  port: number;
  /**
   * Set: `/metrics` is served only by a listener of its own on this port, never on `port`.
   * Unset: `/metrics` is a route of the app (local runs).
   */
  metricsPort?: number;
  bodyLimit: number;
  version: string;
  log: {
    level: LogLevel;
    json: boolean;
    file?: string;
    /** LOG_FILE_MAX_BYTES: rotate the file at this size (one previous file kept). */
    fileMaxBytes?: number;
    consoleTracing: boolean;
  };
  cache: {
    enabled: boolean;
    backend: "memory" | "redis";
    redisUrl?: string;
    maxSize: number;
    ttl: { default: number; embedding: number; search: number; rag: number };
  };
  tracing: {
    jaegerHost?: string;
    jaegerPort: number;
    otlpEndpoint?: string;
    serviceName: string;
    sampler: (typeof SAMPLERS)[number];
    samplerArg?: number;
  };
  sentry: { dsn?: string; environment: string; tracesSampleRate: number; profilesSampleRate: number };
  database: {
    /** Unset: embedded PGlite under `dataDir`. */
    url?: string;
    replicaUrl?: string;
    /** DATABASE_URL_FILE: where `url` came from; its password is re-read for each new connection. */
    urlFile?: string;
    /** DATABASE_REPLICA_URL_FILE, as urlFile. */
    replicaUrlFile?: string;
    poolSize: number;
    maxOverflow: number;
    recycleSeconds: number;
    prePing: boolean;
    /** Absolute path of the PGlite data directory. */
    dataDir: string;
  };
  runtime: {
    workers: number;
    workerConnections: number;
    requestTimeoutSeconds: number;
    keepAliveTimeoutSeconds: number;
  };
  /**
   * Per client (API key, else address): `perMinute + burst` requests per fixed 60 s window.
   * `perMinute` 0: no rate limiting.
   */
  rateLimit: { perMinute: number; burst: number };
  openai: { apiKey?: string; baseUrl: string };
  embedding: { provider: "local" | "openai"; model: string; dimensions: number };
  answer: { provider: "extractive" | "openai"; model: string };
  /** SEARCH_MIN_SCORE: 0 turns the floor off. */
  search: { minScore: number };
  /** Bearer key → tenant id. Empty: auth off (dev only; staging and prod always set API_KEYS). */
  apiKeys: Map<string, string>;
}

/** Start-up stops with this; the message names every offending variable. */
export class ConfigError extends Error {
  readonly issues: { variable: string; message: string }[];
  constructor(issues: { variable: string; message: string }[]) {
    super(`Invalid configuration: ${issues.map((i) => `${i.variable}: ${i.message}`).join("; ")}`);
    this.issues = issues;
    this.name = "ConfigError";
  }
}

const LEVELS: Record<(typeof LOG_LEVELS)[number], LogLevel> = {
  TRACE: "trace",
  DEBUG: "debug",
  INFO: "info",
  WARNING: "warn",
  WARN: "warn",
  ERROR: "error",
  CRITICAL: "fatal",
  FATAL: "fatal",
};

export interface LoadConfigOptions {
  /**
   * Whether stdout is a terminal (`npm start` by a person). Then the unset log variables take the
   * reference's development values, LOG_LEVEL=DEBUG and USE_JSON_LOGS=false; otherwise (containers,
   * pipes, tests) production's, INFO and JSON. Variables that are set always win. Defaults to false.
   */
  tty?: boolean;
}

const POSTGRES_URL = /^postgres(ql)?:\/\//;

/**
 * DATABASE_URL / DATABASE_REPLICA_URL read from their `_FILE` variables (each exclusive with the
 * variable itself); problems are added to `issues`.
 */
function urlsFromFiles(
  e: RawEnv,
  issues: { variable: string; message: string }[],
): Partial<Pick<RawEnv, "DATABASE_URL" | "DATABASE_REPLICA_URL">> {
  const out: Partial<Pick<RawEnv, "DATABASE_URL" | "DATABASE_REPLICA_URL">> = {};
  const pairs = [
    [ENV.DATABASE_URL, ENV.DATABASE_URL_FILE],
    [ENV.DATABASE_REPLICA_URL, ENV.DATABASE_REPLICA_URL_FILE],
  ] as const;
  for (const [name, fileVar] of pairs) {
    const file = e[fileVar];
    if (file === undefined) continue;
    if (e[name] !== undefined) {
      issues.push({ variable: fileVar, message: `set either ${name} or ${fileVar}, not both` });
      continue;
    }
    let value: string;
    try {
      value = readFileSync(file, "utf8").trim();
    } catch (error) {
      issues.push({ variable: fileVar, message: `cannot read ${file}: ${(error as Error).message}` });
      continue;
    }
    // Never quote the file's content: it holds a password.
    if (!POSTGRES_URL.test(value))
      issues.push({ variable: fileVar, message: `${file} must hold a postgres:// or postgresql:// URL` });
    else out[name] = value;
  }
  return out;
}

/**
 * Parses the environment into a {@link Config}. Pure apart from resolving a relative `DATA_DIR`
 * against `cwd` and reading the `DATABASE_*_FILE` files. Empty strings count as unset (what ConfigMaps often deliver).
 * @throws ConfigError naming each bad variable.
 */
export function loadConfig(
  env: Record<string, string | undefined>,
  cwd: string = process.cwd(),
  options: LoadConfigOptions = {},
): Config {
  const parsed = parseVariables(env);
  const issues: { variable: string; message: string }[] = [];
  const e: RawEnv = { ...parsed, ...urlsFromFiles(parsed, issues) };
  issues.push(...crossVariableIssues(e));
  if (issues.length > 0) throw new ConfigError(issues);
  return toConfig(e, cwd, options);
}

/** The app's variables that are set (not empty), each parsed on its own; a bad one throws ConfigError. */
function parseVariables(env: Record<string, string | undefined>): RawEnv {
  const present: Record<string, string> = {};
  for (const name of Object.values(ENV)) {
    const value = env[name];
    if (value !== undefined && value.trim() !== "") present[name] = value;
  }
  const parsed = envSchema.safeParse(present);
  if (!parsed.success) {
    throw new ConfigError(
      parsed.error.issues.map((i) => ({ variable: String(i.path[0] ?? "environment"), message: i.message })),
    );
  }
  return parsed.data;
}

/** Variables that are each valid but do not fit together. */
function crossVariableIssues(e: RawEnv): { variable: string; message: string }[] {
  const issues: { variable: string; message: string }[] = [];
  if (e.CACHE_BACKEND === "redis" && !e.CACHE_REDIS_URL) {
    issues.push({ variable: ENV.CACHE_REDIS_URL, message: "is required when CACHE_BACKEND=redis" });
  }
  if (usesOpenAi({ embedding: e.EMBEDDING_PROVIDER, answer: e.ANSWER_PROVIDER }) && !e.OPENAI_API_KEY) {
    issues.push({
      variable: ENV.OPENAI_API_KEY,
      message: "is required when EMBEDDING_PROVIDER or ANSWER_PROVIDER is openai",
    });
  }
  if (e.DATABASE_REPLICA_URL && !e.DATABASE_URL) {
    issues.push({ variable: ENV.DATABASE_REPLICA_URL, message: "needs DATABASE_URL to be set as well" });
  }
  if (e.METRICS_PORT !== undefined && e.METRICS_PORT === e.PORT) {
    issues.push({
      variable: ENV.METRICS_PORT,
      message: `must differ from ${ENV.PORT} (both are ${e.PORT}); unset ${ENV.METRICS_PORT} to serve ${HTTP_PATHS.metrics} on the app port, or give it another port (the deployments use ${METRICS_PORT})`,
    });
  }
  return issues;
}

/** The Config of valid variables, with the defaults that depend on other variables. */
function toConfig(e: RawEnv, cwd: string, options: LoadConfigOptions): Config {
  const local = e.EMBEDDING_PROVIDER === "local";
  return {
    port: e.PORT,
    metricsPort: e.METRICS_PORT,
    bodyLimit: e.BODY_LIMIT,
    version: e.APP_VERSION,
    log: {
      level: LEVELS[e.LOG_LEVEL ?? (options.tty ? "DEBUG" : "INFO")],
      json: e.USE_JSON_LOGS ?? !options.tty,
      file: e.LOG_FILE,
      fileMaxBytes: e.LOG_FILE_MAX_BYTES,
      consoleTracing: e.ENABLE_CONSOLE_TRACING,
    },
    cache: cacheConfig(e),
    tracing: {
      jaegerHost: e.JAEGER_HOST,
      jaegerPort: e.JAEGER_PORT,
      otlpEndpoint: e.OTLP_ENDPOINT,
      serviceName: e.OTEL_SERVICE_NAME,
      sampler: e.OTEL_TRACES_SAMPLER,
      samplerArg: e.OTEL_TRACES_SAMPLER_ARG,
    },
    sentry: {
      dsn: e.SENTRY_DSN,
      environment: e.SENTRY_ENVIRONMENT,
      tracesSampleRate: e.SENTRY_TRACES_SAMPLE_RATE,
      profilesSampleRate: e.SENTRY_PROFILES_SAMPLE_RATE,
    },
    database: databaseConfig(e, cwd),
    runtime: {
      workers: e.WORKERS,
      workerConnections: e.WORKER_CONNECTIONS,
      requestTimeoutSeconds: e.REQUEST_TIMEOUT,
      keepAliveTimeoutSeconds: e.KEEPALIVE_TIMEOUT,
    },
    rateLimit: { perMinute: e.RATE_LIMIT_PER_MINUTE, burst: e.RATE_LIMIT_BURST },
    openai: { apiKey: e.OPENAI_API_KEY, baseUrl: e.OPENAI_BASE_URL.replace(/\/+$/, "") },
    embedding: {
      provider: e.EMBEDDING_PROVIDER,
      model: e.EMBEDDING_MODEL ?? (local ? "local-hash-v1" : "text-embedding-3-small"),
      dimensions: e.EMBEDDING_DIMENSIONS ?? (local ? 384 : 1536),
    },
    search: { minScore: e.SEARCH_MIN_SCORE },
    answer: {
      provider: e.ANSWER_PROVIDER,
      model: e.ANSWER_PROVIDER === "openai" ? e.CHAT_MODEL : "extractive",
    },
    apiKeys: e.API_KEYS ?? new Map(),
  };
}

/** The cache settings; each per-type TTL the environment leaves unset falls back to CACHE_DEFAULT_TTL. */
function cacheConfig(e: RawEnv): Config["cache"] {
  const defaultTtl = e.CACHE_DEFAULT_TTL;
  return {
    enabled: e.CACHE_ENABLED,
    backend: e.CACHE_BACKEND,
    redisUrl: e.CACHE_REDIS_URL,
    maxSize: e.CACHE_MAX_SIZE,
    ttl: {
      default: defaultTtl,
      embedding: e.CACHE_EMBEDDING_TTL ?? defaultTtl,
      search: e.CACHE_SEARCH_TTL ?? defaultTtl,
      rag: e.CACHE_RAG_TTL ?? defaultTtl,
    },
  };
}

/** The database settings; a relative DATA_DIR resolves against `cwd`. */
function databaseConfig(e: RawEnv, cwd: string): Config["database"] {
  return {
    url: e.DATABASE_URL,
    replicaUrl: e.DATABASE_REPLICA_URL,
    urlFile: e.DATABASE_URL_FILE,
    replicaUrlFile: e.DATABASE_REPLICA_URL_FILE,
    poolSize: e.DB_POOL_SIZE,
    maxOverflow: e.DB_MAX_OVERFLOW,
    recycleSeconds: e.DB_POOL_RECYCLE,
    prePing: e.DB_POOL_PRE_PING,
    dataDir: e.DATA_DIR ? path.resolve(cwd, e.DATA_DIR) : DEFAULT_DATA_DIR,
  };
}

/**
 * Families whose prefix other software reads too (the OpenTelemetry, Sentry and OpenAI SDKs, Jaeger
 * clients): a variable there that the app does not know is someone else's, not a typo.
 */
const SHARED_PREFIXES = new Set(["OTEL", "SENTRY", "OPENAI", "JAEGER"]);

/** The app's own families: a first word that two or more of its variables share (CACHE_, DB_, RATE_…). */
export const OWN_PREFIXES: readonly string[] = (() => {
  const counts = new Map<string, number>();
  for (const name of Object.values(ENV)) {
    const word = name.includes("_") ? name.slice(0, name.indexOf("_")) : undefined;
    if (word && !SHARED_PREFIXES.has(word)) counts.set(word, (counts.get(word) ?? 0) + 1);
  }
  return [...counts].filter(([, n]) => n >= 2).map(([word]) => `${word}_`);
})();

/**
 * Variables in the app's own families that it does not read, e.g. CACHE_MAXSIZE: one warning each,
 * with the variable meant when one is near. Start-up logs them; they are not errors because the
 * platform may set variables of its own under the same prefix (DATABASE_HOST).
 */
export function unknownVariables(env: Record<string, string | undefined>): string[] {
  const known = new Set<string>(Object.values(ENV));
  return Object.keys(env)
    .filter((name) => !known.has(name) && OWN_PREFIXES.some((p) => name.startsWith(p)))
    .sort()
    .map((name) => {
      const near = closestName(name, known);
      return `${name} is set but the app reads no such variable${near ? `; did you mean ${near}?` : ""}`;
    });
}
