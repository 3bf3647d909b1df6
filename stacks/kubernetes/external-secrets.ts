import { ENV, MONITORING_PATHS, POSTGRES_PORT, usesOpenAi } from "@mcp-stack/contract";
import type * as pulumi from "@pulumi/pulumi";
import { type ResolvedEnvironment, SECRET_KEYS, type SecretKey } from "../../environments/index.js";
import {
  ALERT_RECEIVER_SECRET,
  APP_SECRET_REFS,
  type AppSecretEnv,
  appSecretEnv,
  type CloudNativePgDatabaseArgs,
  CNPG_RELOAD_LABEL,
  cloudNativePgNames,
  ExternalSecrets,
  ExternalSecretsOperator,
  GRAFANA_ADMIN_PASSWORD_KEY,
  GRAFANA_ADMIN_SECRET,
  ROLE_SECRET_KEYS,
  type SecretKeyRef,
  type SecretStoreArgs,
  type TargetSecretArgs,
} from "../../infra/index.js";

/** The remote key that holds `/<keyPrefix>/dbUser`: the CloudNativePG role's name, beside its password. */
const DB_USER_KEY = "dbUser";

type Target = {
  name: string;
  keys: Record<string, { remoteKey: string }>;
  type?: string;
  labels?: Record<string, string>;
  templated?: Record<string, string>;
};

/**
 * A postgresql:// URL as an ESO v2 template over the role Secret's own keys. Go's `urlquery` escapes
 * everything but unreserved characters and writes a space as "+"; the URL's userinfo needs "%20"
 * (a literal "+" was already escaped to %2B, so every "+" left is a space).
 */
function urlTemplate(host: string, database: string): string {
  const u = ROLE_SECRET_KEYS;
  const esc = (key: string) => `{{ .${key} | urlquery | replace "+" "%20" }}`;
  return `postgresql://${esc(u.username)}:${esc(u.password)}@${host}:${POSTGRES_PORT}/${database}`;
}

/**
 * Where the app reads its database URLs with External Secrets. CloudNativePG: the role's own Secret,
 * whose one ExternalSecret fetches the password once and renders the URLs from it in the same write,
 * so the role's password and the app's URL can never come from two different refreshes. Other
 * engines: db-credentials, as with the pulumi backend.
 */
export function externalDatabaseRefs(
  env: ResolvedEnvironment,
  cnpg: CloudNativePgDatabaseArgs | undefined,
): { databaseUrl: SecretKeyRef; databaseReplicaUrl: SecretKeyRef } {
  if (env.database.engine === "cloudnative-pg" && cnpg) {
    const secretName = cloudNativePgNames(cnpg).credentialsSecret;
    return {
      databaseUrl: { secretName, key: APP_SECRET_REFS.databaseUrl.key },
      databaseReplicaUrl: { secretName, key: APP_SECRET_REFS.databaseReplicaUrl.key },
    };
  }
  return { databaseUrl: APP_SECRET_REFS.databaseUrl, databaseReplicaUrl: APP_SECRET_REFS.databaseReplicaUrl };
}

/**
 * The Secrets External Secrets must write for this environment: exactly the names and keys the
 * workloads read with the pulumi backend, each key from `<secrets.keyPrefix>/<config key>` in the store
 * (the same key names as `pulumi config set --secret`, so moving between backends is a copy).
 */
export function externalSecretTargets(
  env: ResolvedEnvironment,
  cnpg: CloudNativePgDatabaseArgs | undefined,
): TargetSecretArgs[] {
  const remote = (key: SecretKey | typeof DB_USER_KEY) => ({
    remoteKey: `${env.secrets.keyPrefix}/${key === DB_USER_KEY ? key : SECRET_KEYS[key]}`,
  });
  const targets = new Map<string, Target>();
  const put = (ref: SecretKeyRef, from: SecretKey | typeof DB_USER_KEY, type?: string) => {
    const t = targets.get(ref.secretName) ?? { name: ref.secretName, keys: {}, ...(type ? { type } : {}) };
    t.keys[ref.key] = remote(from);
    targets.set(ref.secretName, t);
  };
  const db = env.database;
  if (db.engine === "cloudnative-pg" && cnpg) {
    const n = cloudNativePgNames(cnpg);
    const role = { secretName: n.credentialsSecret };
    const basicAuth = "kubernetes.io/basic-auth";
    put({ ...role, key: ROLE_SECRET_KEYS.username }, DB_USER_KEY, basicAuth);
    put({ ...role, key: ROLE_SECRET_KEYS.password }, "dbPassword", basicAuth);
    const refs = externalDatabaseRefs(env, cnpg);
    const t = targets.get(n.credentialsSecret)!;
    t.labels = { ...CNPG_RELOAD_LABEL };
    t.templated = {
      [refs.databaseUrl.key]: urlTemplate(n.pooler ?? n.rwService, cnpg.database),
      ...(db.readReplica
        ? { [refs.databaseReplicaUrl.key]: urlTemplate(n.roPooler ?? n.roService, cnpg.database) }
        : {}),
    };
  } else {
    put(APP_SECRET_REFS.databaseUrl, "databaseUrl");
    if (db.readReplica) put(APP_SECRET_REFS.databaseReplicaUrl, "databaseReplicaUrl");
  }
  // The statefulset engine's Postgres, backups and exporter read the password beside the URLs.
  if (db.engine === "statefulset") put(APP_SECRET_REFS.dbPassword, "dbPassword");
  if (env.redis.enabled) put(APP_SECRET_REFS.redisUrl, "redisUrl");
  if (env.observability.sentry.enabled) put(APP_SECRET_REFS.sentryDsn, "sentryDsn");
  if (usesOpenAi({ embedding: env.llm.embeddingProvider, answer: env.llm.answerProvider }))
    put(APP_SECRET_REFS.openaiApiKey, "openaiApiKey");
  if (env.runtime.requireApiKeys) put(APP_SECRET_REFS.apiKeys, "apiKeys");
  const bundled = env.monitoring.mode === "bundled";
  if (bundled && env.grafana.enabled)
    put({ secretName: GRAFANA_ADMIN_SECRET, key: GRAFANA_ADMIN_PASSWORD_KEY }, "grafanaAdminPassword");
  if (bundled && env.prometheus.enabled && env.prometheus.receiver !== "null")
    put({ secretName: ALERT_RECEIVER_SECRET, key: MONITORING_PATHS.alertmanagerSecretKey }, "alertReceiver");
  return [...targets.values()];
}

/** The app's secret env vars when External Secrets writes its Secrets (the same refs AppSecrets uses). */
export function externalAppSecretEnv(
  env: ResolvedEnvironment,
  cnpg: CloudNativePgDatabaseArgs | undefined,
): Record<string, SecretKeyRef> {
  const fields: AppSecretEnv[] = ["databaseUrl"];
  if (env.database.readReplica) fields.push("databaseReplicaUrl");
  if (env.redis.enabled) fields.push("redisUrl");
  if (env.observability.sentry.enabled) fields.push("sentryDsn");
  if (usesOpenAi({ embedding: env.llm.embeddingProvider, answer: env.llm.answerProvider }))
    fields.push("openaiApiKey");
  if (env.runtime.requireApiKeys) fields.push("apiKeys");
  const out = appSecretEnv(fields);
  const refs = externalDatabaseRefs(env, cnpg);
  out[ENV.DATABASE_URL] = refs.databaseUrl;
  if (env.database.readReplica) out[ENV.DATABASE_REPLICA_URL] = refs.databaseReplicaUrl;
  return out;
}

/** The model's store as the building block's Args. */
function storeArgs(env: ResolvedEnvironment): SecretStoreArgs {
  const s = env.secrets.store;
  if (s === undefined)
    throw new Error(`${env.name}: secrets.store is required (checked by the model's rules)`);
  return s;
}

/**
 * The External Secrets Operator (with Reloader, unless taken as present) and the ExternalSecrets of the
 * environment. Returns the pod annotations that make Reloader restart a workload when one of its
 * Secrets changes (there is no Pulumi-side version to hash: the stack never sees the values).
 */
export function deployExternalSecrets(
  env: ResolvedEnvironment,
  cnpg: CloudNativePgDatabaseArgs | undefined,
  opts: pulumi.ComponentResourceOptions,
): { podAnnotations: Record<string, string>; ready: pulumi.Resource[] } {
  const operator = new ExternalSecretsOperator("external-secrets-operator", { mode: env.operators }, opts);
  const external = new ExternalSecrets(
    "external-secrets",
    {
      namespace: env.kubernetes.namespace,
      store: storeArgs(env),
      refreshInterval: env.secrets.refreshInterval,
      secrets: externalSecretTargets(env, cnpg),
    },
    { ...opts, dependsOn: [operator] },
  );
  return { podAnnotations: external.podAnnotations, ready: [external] };
}
