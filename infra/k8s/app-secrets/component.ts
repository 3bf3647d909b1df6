import { PART_OF } from "@mcp-stack/contract";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { componentOptions, componentType } from "../../lib/component-type.js";
import { MANAGED_BY } from "../lib/kube-parts.js";
import { assertValid } from "../lib/register.js";
import type { SecretKeyRef } from "../mcp-backend/args.js";

/** Where the app's database lives; the URL is composed from this and the password. */
export interface DatabaseEndpoint {
  /** Service host, e.g. "postgres" or "pgbouncer". */
  readonly host: string;
  /** Defaults to 5432. */
  readonly port?: number;
  /** Database name as the client asks for it. */
  readonly database: string;
}

/**
 * The app's database, one of two ways (one shape, so every Pulumi language can pass it):
 * - composed, when the stack runs it: `user`, `password` and `primary` (and optionally `replica`); the
 *   URLs are composed from them and `db-credentials` also holds `username` and `password` for the
 *   database's own pods;
 * - given, for a managed service: `url` (and optionally `replicaUrl`) as they are.
 * Setting fields of both ways is an error naming them.
 */
export interface AppDatabaseArgs {
  /** Composed: database role of the app. */
  readonly user?: string;
  /** Composed: its password (a secret Output from `pulumi config --secret`). URL-encoded into the URLs. */
  readonly password?: pulumi.Input<string>;
  /** Composed: where DATABASE_URL points. */
  readonly primary?: DatabaseEndpoint;
  /** Composed: where DATABASE_REPLICA_URL points. Defaults to none (no replica URL). */
  readonly replica?: DatabaseEndpoint;
  /** Given: DATABASE_URL as it is (a secret Output). */
  readonly url?: pulumi.Input<string>;
  /** Given: DATABASE_REPLICA_URL. Defaults to none. */
  readonly replicaUrl?: pulumi.Input<string>;
}

/** Env variable names the Secrets' keys feed, each defaulting to the app contract's name. */
export interface AppSecretEnvNames {
  /** Defaults to "DATABASE_URL". */
  readonly databaseUrl?: string;
  /** Defaults to "DATABASE_REPLICA_URL". */
  readonly databaseReplicaUrl?: string;
  /** Defaults to "CACHE_REDIS_URL". */
  readonly redisUrl?: string;
  /** Defaults to "SENTRY_DSN". */
  readonly sentryDsn?: string;
  /** Defaults to "OPENAI_API_KEY". */
  readonly openaiApiKey?: string;
  /** Defaults to "API_KEYS". */
  readonly apiKeys?: string;
}

export interface AppSecretsArgs {
  /** Namespace of the Secrets. */
  readonly namespace: pulumi.Input<string>;
  /** The database: composed (the stack runs it) or given (a managed service); see AppDatabaseArgs. */
  readonly database: AppDatabaseArgs;
  /** CACHE_REDIS_URL. Defaults to none. */
  readonly redisUrl?: pulumi.Input<string>;
  /** SENTRY_DSN. Defaults to none. */
  readonly sentryDsn?: pulumi.Input<string>;
  /** OPENAI_API_KEY. Defaults to none. */
  readonly openaiApiKey?: pulumi.Input<string>;
  /** API_KEYS (`key:tenant,…`). Defaults to none. */
  readonly apiKeys?: pulumi.Input<string>;
  /** Names of the env variables each Secret key feeds. Defaults to the app contract's names. */
  readonly envNames?: AppSecretEnvNames;
}

const COMPOSED = ["user", "password", "primary", "replica"] as const;
const GIVEN = ["url", "replicaUrl"] as const;
const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** Invariants of {@link AppSecretsArgs}; [] when valid. */
export function validateAppSecretsArgs(args: AppSecretsArgs): string[] {
  const issues: string[] = [];
  const db = args.database;
  const composed = COMPOSED.filter((k) => db[k] !== undefined);
  const given = GIVEN.filter((k) => db[k] !== undefined);
  if (composed.length > 0 && given.length > 0)
    issues.push(
      `database.${given[0]} is a given URL but database.${composed.join(", database.")} compose one: give either url (a managed service) or user, password and primary`,
    );
  else if (given.length > 0) {
    if (db.url === undefined) issues.push("database.url is required with database.replicaUrl");
  } else
    for (const k of ["user", "password", "primary"] as const)
      if (db[k] === undefined)
        issues.push(
          `database.${k} is required to compose the URLs (or give database.url for a managed service)`,
        );
  if (db.user !== undefined && db.user.trim() === "") issues.push("database.user must not be empty");
  for (const [side, e] of [
    ["primary", db.primary],
    ["replica", db.replica],
  ] as const) {
    if (e === undefined) continue;
    if (e.port !== undefined && (!Number.isInteger(e.port) || e.port < 1 || e.port > 65535))
      issues.push(`database.${side}.port ${e.port} is not a port (1-65535)`);
    if (e.host.trim() === "") issues.push(`database.${side}.host must not be empty`);
  }
  for (const [k, v] of Object.entries(args.envNames ?? {}))
    if (typeof v === "string" && !ENV_NAME.test(v))
      issues.push(`envNames.${k} "${v}" is not an environment variable name`);
  return issues;
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
  envNames: AppSecretEnvNames = {},
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
    assertValid("AppSecrets", validateAppSecretsArgs(args));
    const envNames = { ...DEFAULT_ENV_NAMES, ...args.envNames };
    const db = args.database;
    // Valid Args either give a URL or compose one from user, password and primary.
    const composed =
      db.url === undefined ? { user: db.user!, password: pulumi.secret(db.password!) } : undefined;
    const password = composed?.password;
    const compose = (e: DatabaseEndpoint) =>
      pulumi.secret(composed!.password.apply((p) => postgresUrl(composed!.user, p, e)));
    this.databaseUrl = composed ? compose(db.primary!) : pulumi.secret(db.url!);
    const replicaUrl = composed ? db.replica && compose(db.replica) : db.replicaUrl;
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
