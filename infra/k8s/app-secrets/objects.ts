import type { SecretKeyRef } from "../lib/kube-parts.js";
import type { AppSecretEnvNames, DatabaseEndpoint } from "./args.js";

/** The settings AppSecrets can deliver. */
export type AppSecretEnv =
  | "databaseUrl"
  | "databaseReplicaUrl"
  | "redisUrl"
  | "sentryDsn"
  | "openaiApiKey"
  | "apiKeys";

/**
 * The Secret names and keys, as the reference names them (db-credentials/url, redis-credentials/url,
 * sentry-credentials/dsn) and in the same style for the rest.
 */
export const APP_SECRET_REFS: Readonly<Record<AppSecretEnv | "dbPassword" | "dbUser", SecretKeyRef>> = {
  databaseUrl: { secretName: "db-credentials", key: "url" },
  databaseReplicaUrl: { secretName: "db-credentials", key: "replica-url" },
  dbPassword: { secretName: "db-credentials", key: "password" },
  dbUser: { secretName: "db-credentials", key: "username" },
  redisUrl: { secretName: "redis-credentials", key: "url" },
  sentryDsn: { secretName: "sentry-credentials", key: "dsn" },
  openaiApiKey: { secretName: "openai-credentials", key: "api-key" },
  apiKeys: { secretName: "mcp-backend-api-keys", key: "keys" },
};

/** The env names of {@link AppSecretEnvNames} when not given: the app contract's. */
export const DEFAULT_ENV_NAMES: Record<AppSecretEnv, string> = {
  databaseUrl: "DATABASE_URL",
  databaseReplicaUrl: "DATABASE_REPLICA_URL",
  redisUrl: "CACHE_REDIS_URL",
  sentryDsn: "SENTRY_DSN",
  openaiApiKey: "OPENAI_API_KEY",
  apiKeys: "API_KEYS",
};

/**
 * env name → Secret key for the given settings, as AppSecrets delivers them: for a workload whose
 * Secrets someone else writes under the same names (External Secrets).
 */
export function appSecretEnv(
  fields: readonly AppSecretEnv[],
  envNames: AppSecretEnvNames = {},
): Record<string, SecretKeyRef> {
  const names = { ...DEFAULT_ENV_NAMES, ...envNames };
  return Object.fromEntries(fields.map((f) => [names[f], APP_SECRET_REFS[f]]));
}

/** A postgresql:// URL with the password percent-encoded, so any character in it is safe. */
export function postgresUrl(user: string, password: string, e: DatabaseEndpoint): string {
  return `postgresql://${encodeURIComponent(user)}:${encodeURIComponent(password)}@${e.host}:${e.port ?? 5432}/${e.database}`;
}
