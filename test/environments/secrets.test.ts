import { ENV, SECRET_ENV } from "@mcp-stack/contract";
import { describe, expect, it } from "vitest";
import {
  givenSecrets,
  requiredSecrets,
  resolveEnvironment,
  SECRET_KEYS,
  SECRETS,
  workloadSecretKeys,
} from "../../environments/index.js";

const MANAGED_POSTGRES = {
  engine: "external",
  external: { egress: [{ cidr: "10.0.0.0/16", port: 5432 }] },
};
const MANAGED_REDIS = { engine: "external", external: { egress: [{ cidr: "10.1.0.0/16", port: 6379 }] } };
const OFFLINE_MODELS = {
  embeddingProvider: "local",
  embeddingModel: "local-hash-ngram",
  embeddingDimensions: 384,
  answerProvider: "extractive",
};

const keysRead = (overrides: Parameters<typeof resolveEnvironment>[1], name = "staging") =>
  resolveEnvironment(name, overrides).derived.secrets.map((s) => s.key);

describe("the secrets table", () => {
  it("feeds exactly the app variables the contract marks secret (the ones the app's logger redacts)", () => {
    const appEnvs = Object.values(SECRETS).flatMap((s) => (s.appEnv ? [s.appEnv] : []));
    expect([...appEnvs].sort()).toEqual([...SECRET_ENV].sort());
  });

  it("reads only the database URLs from files, each beside its variable", () => {
    const files = Object.values(SECRETS).flatMap((s) => (s.appFile ? [[s.appEnv, s.appFile]] : []));
    expect(files).toEqual([
      [ENV.DATABASE_URL, ENV.DATABASE_URL_FILE],
      [ENV.DATABASE_REPLICA_URL, ENV.DATABASE_REPLICA_URL_FILE],
    ]);
  });

  it("names every secret by its own config key", () => {
    for (const [name, key] of Object.entries(SECRET_KEYS)) expect(key).toBe(name);
    expect(Object.keys(SECRET_KEYS)).toEqual(Object.keys(SECRETS));
  });

  it("asks prod for its role password and its app, Grafana secrets; the URLs are composed", () => {
    const prod = resolveEnvironment("prod");
    expect(prod.derived.secrets.map((s) => s.key)).toEqual([
      "databaseUrl",
      "databaseReplicaUrl",
      "dbPassword",
      "redisUrl",
      "openaiApiKey",
      "sentryDsn",
      "grafanaAdminPassword",
      "apiKeys",
    ]);
    expect(givenSecrets(prod.derived)).toEqual([
      "dbPassword",
      "openaiApiKey",
      "sentryDsn",
      "grafanaAdminPassword",
      "apiKeys",
    ]);
  });

  it("asks dev (offline models, no Sentry, no API keys, no monitoring) for the database password only", () => {
    expect(requiredSecrets(resolveEnvironment("dev"))).toEqual(["dbPassword"]);
  });

  it("asks for a managed Postgres' and Redis' URLs instead of a password", () => {
    const env = resolveEnvironment("staging", {
      database: { ...MANAGED_POSTGRES, readReplica: true },
      redis: MANAGED_REDIS,
    });
    const given = givenSecrets(env.derived);
    expect(given).toEqual(expect.arrayContaining(["databaseUrl", "databaseReplicaUrl", "redisUrl"]));
    expect(given).not.toContain("dbPassword");
    expect(env.derived.secrets.filter((s) => s.composed)).toEqual([]);
    expect(workloadSecretKeys(env)).toEqual(given);
  });

  it("reads no Redis URL where Redis is off, and composes it where Redis runs in the cluster", () => {
    expect(keysRead({ redis: { enabled: false }, cache: { backend: "memory" } })).not.toContain("redisUrl");
    const inCluster = resolveEnvironment("staging").derived.secrets.find((s) => s.key === "redisUrl");
    expect(inCluster).toMatchObject({ appEnv: ENV.CACHE_REDIS_URL, composed: true });
  });

  it("needs OPENAI_API_KEY when either provider calls OpenAI, and not with offline models", () => {
    expect(keysRead({ llm: OFFLINE_MODELS })).not.toContain("openaiApiKey");
    expect(keysRead({ llm: { ...OFFLINE_MODELS, answerProvider: "openai" } })).toContain("openaiApiKey");
    const embedding = {
      ...OFFLINE_MODELS,
      embeddingProvider: "openai",
      embeddingModel: "text-embedding-3-small",
    };
    expect(keysRead({ llm: { ...embedding, embeddingDimensions: 1536 } })).toContain("openaiApiKey");
  });

  it("follows Sentry, API keys and the alert receiver", () => {
    const quiet = keysRead({
      observability: { sentry: { enabled: false } },
      runtime: { requireApiKeys: false },
    });
    expect(quiet).not.toContain("sentryDsn");
    expect(quiet).not.toContain("apiKeys");
    expect(quiet).not.toContain("alertReceiver");
    expect(keysRead({ prometheus: { receiver: "slack" } })).toContain("alertReceiver");
  });

  it("leaves Grafana's and Alertmanager's secrets to the cluster's own in operator mode", () => {
    const operator = keysRead(
      { monitoring: { mode: "operator" }, prometheus: { receiver: "webhook" } },
      "prod",
    );
    expect(operator).not.toContain("grafanaAdminPassword");
    expect(operator).not.toContain("alertReceiver");
  });

  it("never asks for the optional secrets no model field needs", () => {
    for (const name of ["dev", "staging", "prod"]) {
      const keys = keysRead({}, name);
      for (const optional of ["backupAccessKeyId", "backupSecretAccessKey", "registryPassword"])
        expect(keys).not.toContain(optional);
    }
  });

  it("asks for nothing with External Secrets: the secret manager holds every value", () => {
    const env = resolveEnvironment("prod", {
      secrets: { backend: "external-secrets", store: { provider: "vault", server: "https://v", role: "r" } },
    });
    expect(requiredSecrets(env)).toEqual([]);
    expect(env.derived.secrets.length).toBeGreaterThan(0);
  });
});

describe("derived facts about the services", () => {
  it("place Postgres and Redis in the cluster or outside it", () => {
    const staging = resolveEnvironment("staging").derived;
    expect([staging.postgresInCluster, staging.redisInCluster, staging.redisManaged]).toEqual([
      true,
      true,
      false,
    ]);
    const managed = resolveEnvironment("staging", {
      database: MANAGED_POSTGRES,
      redis: MANAGED_REDIS,
    }).derived;
    expect([managed.postgresInCluster, managed.redisInCluster, managed.redisManaged]).toEqual([
      false,
      false,
      true,
    ]);
    const off = resolveEnvironment("dev").derived;
    expect([off.redisInCluster, off.redisManaged]).toEqual([false, false]);
  });

  it("say whether OpenAI is called", () => {
    expect(resolveEnvironment("prod").derived.usesOpenAi).toBe(true);
    expect(resolveEnvironment("dev").derived.usesOpenAi).toBe(false);
  });
});
