import { ENV, type EnvName } from "@mcp-stack/contract";
import type { ModelFacts } from "./derive.js";
import type { Environment } from "./schema.js";

/** A question about the model (and the facts derive.ts draws from it) that a secret's need depends on. */
export type SecretCondition = (env: Environment, facts: ModelFacts) => boolean;

/** One secret of the table: who reads it, through which variable, and when. */
export interface SecretSpec {
  /** The app's environment variable it feeds. Absent when only other workloads read it. */
  readonly appEnv?: EnvName;
  /**
   * On Kubernetes the app reads it from the file this variable names instead of from `appEnv`, and
   * re-reads it for each new connection, so a rotated value reaches running pods.
   */
  readonly appFile?: EnvName;
  /**
   * The URL of a data service: the stack composes it (pulumi backend) when it runs that service itself,
   * so nobody sets it then; the Docker target, which runs its own Postgres and no Redis, never asks for it.
   */
  readonly serviceUrl?: "database" | "redis";
  /**
   * When the environment's workloads read it. Absent: an optional secret no model field asks for
   * (object store keys, the registry password).
   */
  readonly readWhen?: SecretCondition;
}

/** A row's condition, typed as one (so the published declarations name SecretCondition, not its expansion). */
const when = (condition: SecretCondition): SecretCondition => condition;
const always = when(() => true);
const bundled = (env: Environment) => env.monitoring.mode === "bundled";

/**
 * Every secret of the stack, by its config key: `pulumi config set --secret mcp-stack:<key>` (backend
 * pulumi), or `<secrets.keyPrefix>/<key>` in the secret manager (backend external-secrets). No
 * committed file holds a value or a default. The one table of which secret is needed when: the
 * required config, the app's secret variables on every target and the ExternalSecrets all read it
 * (through `derive()`), so adding a secret means adding its row here.
 *
 * The order is the order of `pulumi config` checklists and of the app's variables on Docker.
 */
const SECRET_TABLE = {
  /** DATABASE_URL: given for a managed Postgres (engine external), else composed from dbPassword. */
  databaseUrl: {
    appEnv: ENV.DATABASE_URL,
    appFile: ENV.DATABASE_URL_FILE,
    serviceUrl: "database",
    readWhen: always,
  },
  /** DATABASE_REPLICA_URL, with a read replica: given for a managed Postgres, else composed. */
  databaseReplicaUrl: {
    appEnv: ENV.DATABASE_REPLICA_URL,
    appFile: ENV.DATABASE_REPLICA_URL_FILE,
    serviceUrl: "database",
    readWhen: when((env) => env.database.readReplica),
  },
  /**
   * Password of the app's Postgres role (engines cloudnative-pg and statefulset; for statefulset also
   * its superuser's). A change plus `pulumi up` rotates the role.
   */
  dbPassword: { readWhen: when((_, facts) => facts.postgresInCluster) },
  /** CACHE_REDIS_URL: given for a managed Redis (redis.engine external), else composed. */
  redisUrl: { appEnv: ENV.CACHE_REDIS_URL, serviceUrl: "redis", readWhen: when((env) => env.redis.enabled) },
  /**
   * Object store credentials of CloudNativePG's backups (both or neither; neither = the pods' IAM
   * role, e.g. IRSA or workload identity).
   */
  backupAccessKeyId: {},
  backupSecretAccessKey: {},
  /** OPENAI_API_KEY, when an OpenAI-compatible provider is configured. */
  openaiApiKey: { appEnv: ENV.OPENAI_API_KEY, readWhen: when((_, facts) => facts.usesOpenAi) },
  /** SENTRY_DSN, when observability.sentry.enabled. */
  sentryDsn: { appEnv: ENV.SENTRY_DSN, readWhen: when((env) => env.observability.sentry.enabled) },
  /**
   * Grafana admin password, when grafana.enabled; in operator mode Grafana is the cluster's, with its
   * own credentials.
   */
  grafanaAdminPassword: { readWhen: when((env) => bundled(env) && env.grafana.enabled) },
  /** API_KEYS (`key:tenant,…`), when runtime.requireApiKeys. */
  apiKeys: { appEnv: ENV.API_KEYS, readWhen: when((env) => env.runtime.requireApiKeys) },
  /**
   * Webhook / Slack URL or PagerDuty routing key, when prometheus.receiver is not "null"; in operator
   * mode Alertmanager is the cluster's.
   */
  alertReceiver: {
    readWhen: when((env) => bundled(env) && env.prometheus.enabled && env.prometheus.receiver !== "null"),
  },
  /**
   * Password or token for `registryUsername` at `imageRegistry`; required only when the stack builds and
   * pushes the app image (stacks/image.ts checks it, since it depends on config, not on the model).
   */
  registryPassword: {},
} satisfies Record<string, SecretSpec>;

/** A secret's config key. */
export type SecretKey = keyof typeof SECRET_TABLE;

/** The secrets some model field asks for: the ones a workload reads when the model says so. */
export type WorkloadSecretKey = {
  [K in SecretKey]: (typeof SECRET_TABLE)[K] extends { readWhen: SecretCondition } ? K : never;
}[SecretKey];

/** The secrets whose value the app reads through a variable. */
export type AppSecretKey = {
  [K in SecretKey]: (typeof SECRET_TABLE)[K] extends { appEnv: EnvName } ? K : never;
}[SecretKey];

/** The table, by config key (see SECRET_TABLE). */
export const SECRETS: Readonly<Record<SecretKey, SecretSpec>> = SECRET_TABLE;

/** Config key by name: the names `pulumi config set --secret` and the secret manager use. */
export const SECRET_KEYS = Object.fromEntries(Object.keys(SECRET_TABLE).map((k) => [k, k])) as {
  readonly [K in SecretKey]: K;
};
