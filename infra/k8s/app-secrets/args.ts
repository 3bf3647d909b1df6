import type * as pulumi from "@pulumi/pulumi";

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
export interface AppDatabase {
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
  /** The database: composed (the stack runs it) or given (a managed service); see AppDatabase. */
  readonly database: AppDatabase;
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

// The names these types had before, kept for TypeScript programs that use them.
/** @deprecated Use AppDatabase: under this name, the SDKs of other languages called its input type `AppDatabaseArgsArgs`. */
export type AppDatabaseArgs = AppDatabase;
