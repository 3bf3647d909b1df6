import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { APP_PORT, ENV, METRICS_PORT, SERVICE_NAME } from "@mcp-stack/contract";
import { describe, expect, it } from "vitest";
import {
  ConfigError,
  DEFAULT_DATA_DIR,
  loadConfig,
  OWN_PREFIXES,
  unknownVariables,
} from "../../app/src/config.js";

const fail = (env: Record<string, string>) => {
  try {
    loadConfig(env);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as ConfigError).message;
  }
  throw new Error("expected loadConfig to throw");
};

describe("loadConfig", () => {
  it("starts on embedded defaults with an empty environment", () => {
    const config = loadConfig({});
    expect(config.port).toBe(APP_PORT);
    expect(config.database.url).toBeUndefined();
    expect(config.database.dataDir).toBe(DEFAULT_DATA_DIR);
    expect(config.embedding).toEqual({ provider: "local", model: "local-hash-v1", dimensions: 384 });
    expect(config.answer.provider).toBe("extractive");
    expect(config.cache).toMatchObject({ enabled: true, backend: "memory", maxSize: 1000 });
    expect(config.tracing.serviceName).toBe(SERVICE_NAME);
  });

  it("puts the default data directory at the repo root's .data/", () => {
    expect(DEFAULT_DATA_DIR).toBe(path.resolve(import.meta.dirname, "../../.data"));
  });

  it("resolves a relative DATA_DIR against the working directory", () => {
    expect(loadConfig({ DATA_DIR: "db" }, "/srv/app").database.dataDir).toBe("/srv/app/db");
  });

  it("parses the reference's production values", () => {
    const config = loadConfig({
      LOG_LEVEL: "INFO",
      USE_JSON_LOGS: "true",
      CACHE_BACKEND: "redis",
      CACHE_REDIS_URL: "redis://redis:6379/0",
      CACHE_MAX_SIZE: "100000",
      CACHE_DEFAULT_TTL: "3600",
      CACHE_EMBEDDING_TTL: "7200",
      OTLP_ENDPOINT: "http://otel-collector:4317",
      OTEL_TRACES_SAMPLER: "parentbased_traceidratio",
      OTEL_TRACES_SAMPLER_ARG: "0.01",
      SENTRY_TRACES_SAMPLE_RATE: "0.01",
      DATABASE_URL: "postgresql://user:password@db-primary:5432/mcp",
      DATABASE_REPLICA_URL: "postgresql://user:password@db-replica:5432/mcp",
      DB_POOL_SIZE: "20",
      DB_MAX_OVERFLOW: "40",
      DB_POOL_RECYCLE: "3600",
      DB_POOL_PRE_PING: "true",
      WORKERS: "4",
      WORKER_CONNECTIONS: "1000",
      REQUEST_TIMEOUT: "30",
      KEEPALIVE_TIMEOUT: "5",
      RATE_LIMIT_PER_MINUTE: "100",
      RATE_LIMIT_BURST: "20",
      API_KEYS: "k1:acme,k2:globex",
    });
    expect(config.log.level).toBe("info");
    expect(config.cache.ttl).toEqual({ default: 3600, embedding: 7200, search: 3600, rag: 3600 });
    expect(config.database).toMatchObject({ poolSize: 20, maxOverflow: 40, prePing: true });
    expect(config.tracing.samplerArg).toBe(0.01);
    expect(config.runtime).toEqual({
      workers: 4,
      workerConnections: 1000,
      requestTimeoutSeconds: 30,
      keepAliveTimeoutSeconds: 5,
    });
    expect(config.apiKeys.get("k2")).toBe("globex");
  });

  it.each([
    [ENV.PORT, "eighty"],
    [ENV.PORT, "70000"],
    [ENV.METRICS_PORT, "metrics"],
    [ENV.METRICS_PORT, "0"],
    [ENV.METRICS_PORT, "65536"],
    [ENV.LOG_LEVEL, "LOUD"],
    [ENV.USE_JSON_LOGS, "maybe"],
    [ENV.CACHE_MAX_SIZE, "-1"],
    [ENV.CACHE_BACKEND, "memcached"],
    [ENV.DB_POOL_SIZE, "0"],
    [ENV.DATABASE_URL, "mysql://db/x"],
    [ENV.OTLP_ENDPOINT, "not a url"],
    [ENV.SENTRY_TRACES_SAMPLE_RATE, "1.5"],
    [ENV.OTEL_TRACES_SAMPLER, "sometimes"],
    [ENV.EMBEDDING_DIMENSIONS, "4096"],
    [ENV.RATE_LIMIT_PER_MINUTE, "lots"],
    [ENV.API_KEYS, "no-tenant"],
  ])("rejects %s=%s naming the variable", (name, value) => {
    expect(fail({ [name]: value })).toContain(name);
  });

  it("requires CACHE_REDIS_URL for the redis backend and OPENAI_API_KEY for openai providers", () => {
    expect(fail({ CACHE_BACKEND: "redis" })).toContain(ENV.CACHE_REDIS_URL);
    expect(fail({ EMBEDDING_PROVIDER: "openai" })).toContain(ENV.OPENAI_API_KEY);
    expect(fail({ DATABASE_REPLICA_URL: "postgres://r/db" })).toContain(ENV.DATABASE_REPLICA_URL);
  });

  it("leaves METRICS_PORT unset by default (/metrics on the app port) and reads it when set", () => {
    expect(loadConfig({}).metricsPort).toBeUndefined();
    expect(loadConfig({ METRICS_PORT: " " }).metricsPort).toBeUndefined();
    expect(loadConfig({ METRICS_PORT: String(METRICS_PORT) }).metricsPort).toBe(METRICS_PORT);
    expect(loadConfig({ PORT: "9000", METRICS_PORT: "9001" })).toMatchObject({
      port: 9000,
      metricsPort: 9001,
    });
  });

  it("rejects METRICS_PORT equal to PORT, naming both and the way out", () => {
    const message = fail({ PORT: "9000", METRICS_PORT: "9000" });
    expect(message).toContain(`${ENV.METRICS_PORT}: must differ from ${ENV.PORT}`);
    expect(message).toContain(`unset ${ENV.METRICS_PORT}`);
    // PORT unset defaults to APP_PORT, so the same clash arises against the default.
    expect(fail({ METRICS_PORT: String(APP_PORT) })).toContain(`must differ from ${ENV.PORT}`);
  });

  it("reads DATABASE_URL(_REPLICA) from their _FILE variables, exclusive with the variables", () => {
    const dir = mkdtempSync(path.join(tmpdir(), "mcp-config-"));
    try {
      const file = path.join(dir, "url");
      writeFileSync(file, "postgresql://app:s3cret@db:5432/mcp\n");
      const config = loadConfig({ [ENV.DATABASE_URL_FILE]: file });
      expect(config.database.url).toBe("postgresql://app:s3cret@db:5432/mcp");
      expect(config.database.urlFile).toBe(file);
      expect(fail({ [ENV.DATABASE_URL_FILE]: file, [ENV.DATABASE_URL]: "postgres://x@y/z" })).toContain(
        "DATABASE_URL_FILE: set either DATABASE_URL or DATABASE_URL_FILE, not both",
      );
      expect(fail({ [ENV.DATABASE_URL_FILE]: path.join(dir, "missing") })).toContain(
        "DATABASE_URL_FILE: cannot read",
      );
      writeFileSync(file, "mysql://app:s3cret@db/mcp");
      const message = fail({ [ENV.DATABASE_URL_FILE]: file });
      expect(message).toContain("must hold a postgres:// or postgresql:// URL");
      // The file holds a password: never quoted back.
      expect(message).not.toContain("s3cret");
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("treats empty strings as unset", () => {
    expect(loadConfig({ PORT: "", DATABASE_URL: " " }).port).toBe(APP_PORT);
  });

  it("logs JSON at INFO where stdout is not a terminal (containers, pipes)", () => {
    expect(loadConfig({}).log).toMatchObject({ level: "info", json: true });
    expect(loadConfig({}, "/", { tty: false }).log).toMatchObject({ level: "info", json: true });
  });

  it("logs readably at the reference's development level (DEBUG) on a terminal", () => {
    expect(loadConfig({}, "/", { tty: true }).log).toMatchObject({ level: "debug", json: false });
  });

  it.each([
    [{ USE_JSON_LOGS: "true" }, { level: "debug", json: true }],
    [{ LOG_LEVEL: "WARNING" }, { level: "warn", json: false }],
    [
      { LOG_LEVEL: "INFO", USE_JSON_LOGS: "false" },
      { level: "info", json: false },
    ],
  ])("lets explicit variables win over the terminal's defaults (%j)", (env, log) => {
    expect(loadConfig(env, "/", { tty: true }).log).toMatchObject(log);
  });

  it("lets USE_JSON_LOGS=false give readable logs off a terminal too", () => {
    expect(loadConfig({ USE_JSON_LOGS: "false" }).log).toMatchObject({ level: "info", json: false });
  });
});

describe("unknownVariables", () => {
  it("warns about a variable of the app's own families it does not read, with the one meant", () => {
    expect(
      unknownVariables({
        CACHE_MAXSIZE: "10",
        DB_POOLSIZE: "3",
        DATABASE_HOST: "db.internal",
        [ENV.CACHE_MAX_SIZE]: "10",
      }),
    ).toEqual([
      "CACHE_MAXSIZE is set but the app reads no such variable; did you mean CACHE_MAX_SIZE?",
      "DATABASE_HOST is set but the app reads no such variable",
      "DB_POOLSIZE is set but the app reads no such variable; did you mean DB_POOL_SIZE?",
    ]);
  });

  it("leaves other software's variables alone, the shared SDK prefixes included", () => {
    expect(
      unknownVariables({
        PATH: "/bin",
        HOME: "/root",
        OTEL_EXPORTER_OTLP_ENDPOINT: "x",
        SENTRY_RELEASE: "1",
      }),
    ).toEqual([]);
    expect(OWN_PREFIXES).toEqual(expect.arrayContaining(["CACHE_", "DB_", "RATE_"]));
    expect(OWN_PREFIXES).not.toContain("OTEL_");
    const doc = readFileSync(path.resolve(import.meta.dirname, "../../docs/app.md"), "utf8");
    for (const prefix of OWN_PREFIXES) expect(doc, prefix).toContain(`\`${prefix}\``);
  });
});
