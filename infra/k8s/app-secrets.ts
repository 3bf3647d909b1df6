import { PART_OF } from "@mcp-stack/contract";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { componentOptions, componentType } from "../component-type.js";
import { MANAGED_BY } from "./kube.js";
import type { SecretKeyRef } from "./mcp-backend-args.js";

/** Where the app's database lives; the URL is composed from this and the password. */
export interface DatabaseEndpoint {
  /** Service host, e.g. "postgres" or "pgbouncer". */
  readonly host: string;
  /** Defaults to 5432. */
  readonly port?: number;
  /** Database name as the client asks for it. */
  readonly database: string;
}

/** A database the stack runs: the URLs are composed from the role, its password and the endpoints. */
export interface ComposedDatabase {
  /** Database role of the app. */
  readonly user: string;
  /** Its password (a secret Output from `pulumi config --secret`). URL-encoded into the URLs. */
  readonly password: pulumi.Input<string>;
  /** Where DATABASE_URL points. */
  readonly primary: DatabaseEndpoint;
  /** Where DATABASE_REPLICA_URL points. Defaults to none (no replica URL). */
  readonly replica?: DatabaseEndpoint;
}

/** A database outside the stack (a managed service): its URLs as given, secret Outputs. */
export interface GivenDatabase {
  readonly url: pulumi.Input<string>;
  /** DATABASE_REPLICA_URL. Defaults to none. */
  readonly replicaUrl?: pulumi.Input<string>;
}

export interface AppSecretsArgs {
  /** Namespace of the Secrets. */
  readonly namespace: pulumi.Input<string>;
  /**
   * The database: composed (the stack runs it; `db-credentials` then also holds `username` and
   * `password` for the database's own pods) or given (a managed service).
   */
  readonly database: ComposedDatabase | GivenDatabase;
  /** CACHE_REDIS_URL. Defaults to none. */
  readonly redisUrl?: pulumi.Input<string>;
  /** SENTRY_DSN. Defaults to none. */
  readonly sentryDsn?: pulumi.Input<string>;
  /** OPENAI_API_KEY. Defaults to none. */
  readonly openaiApiKey?: pulumi.Input<string>;
  /** API_KEYS (`key:tenant,…`). Defaults to none. */
  readonly apiKeys?: pulumi.Input<string>;
  /** Names of the env variables each Secret key feeds. Defaults to the app contract's names. */
  readonly envNames?: Partial<Record<AppSecretEnv, string>>;
}

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

const DEFAULT_ENV_NAMES: Record<AppSecretEnv, string> = {
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
  envNames: Partial<Record<AppSecretEnv, string>> = {},
): Record<string, SecretKeyRef> {
  const names = { ...DEFAULT_ENV_NAMES, ...envNames };
  return Object.fromEntries(fields.map((f) => [names[f], APP_SECRET_REFS[f]]));
}

/** A postgresql:// URL with the password percent-encoded, so any character in it is safe. */
export function postgresUrl(user: string, password: string, e: DatabaseEndpoint): string {
  return `postgresql://${encodeURIComponent(user)}:${encodeURIComponent(password)}@${e.host}:${e.port ?? 5432}/${e.database}`;
}

/**
 * The app's credentials as Kubernetes Secrets, created with Pulumi directly (never through cdk8s, so
 * values stay Pulumi secrets end to end and never reach a synthesised manifest). The database URLs are
 * composed here from the password and the in-cluster service, so nobody hand-assembles them.
 */
export class AppSecrets extends pulumi.ComponentResource {
  /** env name → Secret key, for McpBackendArgs.secretEnv. */
  public readonly secretEnv: Record<string, SecretKeyRef>;
  /** The Secret key holding the database password (for Postgres, PgBouncer, backups, exporters). */
  public readonly passwordRef: SecretKeyRef = APP_SECRET_REFS.dbPassword;
  /** The Secret key holding the database user name. */
  public readonly userRef: SecretKeyRef = APP_SECRET_REFS.dbUser;
  /** DATABASE_URL, as a secret Output. */
  public readonly databaseUrl: pulumi.Output<string>;
  /**
   * The Secrets' `metadata.resourceVersion`s, joined: the API server changes them on every write, so a
   * workload that hashes this into its pod template restarts when a value changes (env vars from a
   * Secret are read once, at container start). An opaque counter, never derived from the values.
   */
  public readonly version: pulumi.Output<string>;

  constructor(name: string, args: AppSecretsArgs, opts?: pulumi.ComponentResourceOptions) {
    super(componentType("AppSecrets"), name, {}, componentOptions("AppSecrets", opts));
    const envNames = { ...DEFAULT_ENV_NAMES, ...args.envNames };
    const db = args.database;
    const composed = "password" in db ? db : undefined;
    const password = composed ? pulumi.secret(composed.password) : undefined;
    const compose = (e: DatabaseEndpoint) =>
      pulumi.secret((password as pulumi.Output<string>).apply((p) => postgresUrl(composed!.user, p, e)));
    this.databaseUrl = composed ? compose(composed.primary) : pulumi.secret((db as GivenDatabase).url);
    const replicaUrl = composed
      ? composed.replica && compose(composed.replica)
      : (db as GivenDatabase).replicaUrl;
    const values: Partial<Record<AppSecretEnv, pulumi.Input<string>>> = {
      databaseUrl: this.databaseUrl,
      databaseReplicaUrl: replicaUrl,
      redisUrl: args.redisUrl,
      sentryDsn: args.sentryDsn,
      openaiApiKey: args.openaiApiKey,
      apiKeys: args.apiKeys,
    };
    const bySecret = new Map<string, Record<string, pulumi.Input<string>>>();
    const put = (ref: SecretKeyRef, value: pulumi.Input<string>) => {
      const data = bySecret.get(ref.secretName) ?? {};
      data[ref.key] = pulumi.secret(value);
      bySecret.set(ref.secretName, data);
    };
    if (composed && password) {
      put(APP_SECRET_REFS.dbUser, composed.user);
      put(APP_SECRET_REFS.dbPassword, password);
    }
    this.secretEnv = {};
    for (const [field, value] of Object.entries(values) as [
      AppSecretEnv,
      pulumi.Input<string> | undefined,
    ][]) {
      if (value === undefined) continue;
      put(APP_SECRET_REFS[field], value);
      this.secretEnv[envNames[field]] = APP_SECRET_REFS[field];
    }
    const secrets: k8s.core.v1.Secret[] = [];
    for (const [secretName, stringData] of bySecret) {
      const secret = new k8s.core.v1.Secret(
        `secret/${secretName}`,
        {
          metadata: {
            name: secretName,
            namespace: args.namespace,
            labels: {
              "app.kubernetes.io/name": secretName,
              "app.kubernetes.io/component": "credentials",
              "app.kubernetes.io/part-of": PART_OF,
              "app.kubernetes.io/managed-by": MANAGED_BY,
            },
          },
          type: "Opaque",
          stringData,
        },
        { parent: this },
      );
      secrets.push(secret);
    }
    this.version = pulumi.all(secrets.map((s) => s.metadata.resourceVersion)).apply((v) => v.join(","));
    this.registerOutputs({ secretEnv: this.secretEnv, databaseUrl: this.databaseUrl, version: this.version });
  }
}
