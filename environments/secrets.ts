import { usesOpenAi } from "@mcp-stack/contract";
import type { Environment } from "./schema.js";

/**
 * Secrets come only from `pulumi config set --secret mcp-stack:<key>`; no committed file holds a
 * value or a default. This is the one list of their config keys and of when each is required.
 */
export const SECRET_KEYS = {
  /**
   * Password of the app's Postgres role (engines cloudnative-pg and statefulset; for statefulset also
   * its superuser's). A change plus `pulumi up` rotates the role.
   */
  dbPassword: "dbPassword",
  /** DATABASE_URL of a managed Postgres, when database.engine is external. */
  databaseUrl: "databaseUrl",
  /** DATABASE_REPLICA_URL of a managed Postgres, when the engine is external and readReplica is on. */
  databaseReplicaUrl: "databaseReplicaUrl",
  /** CACHE_REDIS_URL of a managed Redis, when redis.engine is external. */
  redisUrl: "redisUrl",
  /**
   * Object store credentials of CloudNativePG's backups (both or neither; neither = the pods' IAM
   * role, e.g. IRSA or workload identity).
   */
  backupAccessKeyId: "backupAccessKeyId",
  backupSecretAccessKey: "backupSecretAccessKey",
  /** OPENAI_API_KEY, when an OpenAI-compatible provider is configured. */
  openaiApiKey: "openaiApiKey",
  /** SENTRY_DSN, when observability.sentry.enabled. */
  sentryDsn: "sentryDsn",
  /** Grafana admin password, when grafana.enabled. */
  grafanaAdminPassword: "grafanaAdminPassword",
  /** API_KEYS (`key:tenant,…`), when runtime.requireApiKeys. */
  apiKeys: "apiKeys",
  /** Webhook / Slack URL or PagerDuty routing key, when prometheus.receiver is not "null". */
  alertReceiver: "alertReceiver",
  /**
   * Password or token for `registryUsername` at `imageRegistry`; required only when the stack builds and
   * pushes the app image (stacks/image.ts checks it, since it depends on config, not on the model).
   */
  registryPassword: "registryPassword",
} as const;

export type SecretKey = keyof typeof SECRET_KEYS;

/** The secrets an environment cannot be deployed without. */
export function requiredSecrets(env: Environment): SecretKey[] {
  // With External Secrets the values live in the secret manager; the stack holds none of them.
  return env.secrets.backend === "external-secrets" ? [] : workloadSecretKeys(env);
}

/**
 * The secret values an environment's workloads read, by config key: from `pulumi config --secret`
 * (backend pulumi), or from the secret manager under `<secrets.keyPrefix>/<key>` (external-secrets).
 */
export function workloadSecretKeys(env: Environment): SecretKey[] {
  const keys: SecretKey[] = [];
  if (env.database.engine === "external") {
    keys.push("databaseUrl");
    if (env.database.readReplica) keys.push("databaseReplicaUrl");
  } else keys.push("dbPassword");
  if (env.redis.enabled && env.redis.engine === "external") keys.push("redisUrl");
  if (usesOpenAi({ embedding: env.llm.embeddingProvider, answer: env.llm.answerProvider }))
    keys.push("openaiApiKey");
  if (env.observability.sentry.enabled) keys.push("sentryDsn");
  // In operator mode Grafana and Alertmanager are the cluster's, with their own credentials.
  const bundled = env.monitoring.mode === "bundled";
  if (bundled && env.grafana.enabled) keys.push("grafanaAdminPassword");
  if (env.runtime.requireApiKeys) keys.push("apiKeys");
  if (bundled && env.prometheus.enabled && env.prometheus.receiver !== "null") keys.push("alertReceiver");
  return keys;
}
