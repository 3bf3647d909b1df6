/** A real Postgres through the `pg` driver (pgvector must be installable in the target database). */
import { readFile } from "node:fs/promises";
import pg from "pg";
import {
  type Database,
  isUnavailable,
  mapDbError,
  type PoolStats,
  type Queryable,
  type SqlParam,
  settingsStatement,
  type TransactionOptions,
} from "./database.js";
import { type PoolSettings, pgPoolOptions } from "./pool.js";

export interface PostgresOptions extends Partial<PoolSettings> {
  connectionString: string;
  /**
   * Hard cap on connections, overriding `size + maxOverflow` (tests use 1: pglite-socket).
   * Defaults to size + maxOverflow.
   */
  max?: number;
  /**
   * A file holding the URL (DATABASE_URL_FILE, a mounted Secret key that the kubelet updates in
   * place). Each new connection takes its password from the file as it is then, so after a rotation
   * the pool reconnects with the new password; connections already open keep working (Postgres
   * checks the password only at login). Host, database and user stay those of `connectionString`.
   */
  urlFile?: string;
}

/** Pool defaults when a caller gives none: the reference's dev values. */
const DEFAULTS: PoolSettings = { size: 5, maxOverflow: 10, recycleSeconds: 3600, prePing: false };

export class PostgresDatabase implements Database {
  readonly kind = "postgres" as const;
  readonly pool: pg.Pool;
  private readonly prePing: boolean;
  /** Connections opened since their last checkout: they need no ping. */
  private readonly fresh = new WeakSet<pg.PoolClient>();
  private readonly maxConnections: number;

  constructor(options: PostgresOptions) {
    const { connectionString, max, urlFile, ...given } = options;
    const settings: PoolSettings = { ...DEFAULTS, ...stripUndefined(given) };
    const poolOptions = pgPoolOptions(settings);
    if (max !== undefined) {
      poolOptions.max = max;
      poolOptions.min = Math.min(poolOptions.min, max);
    }
    this.maxConnections = poolOptions.max;
    this.prePing = settings.prePing;
    this.pool = new pg.Pool({
      connectionString,
      ...poolOptions,
      ...(urlFile ? { Client: passwordFromFile(urlFile) } : {}),
    });
    // An idle client losing its server must not crash the process; the next query reports it.
    this.pool.on("error", () => {});
    this.pool.on("connect", (client) => {
      this.fresh.add(client);
      // pg-pool listens for errors only while a client is idle; a socket error on a checked-out one
      // would otherwise crash the process. The running query rejects with it anyway.
      client.on("error", () => {});
      // No session SETs here: behind a transaction pooler they would land on an arbitrary server
      // connection. Settings a query needs travel with it (`transaction(fn, { settings })`).
    });
  }

  poolStats(): PoolStats {
    return { inUse: this.pool.totalCount - this.pool.idleCount, max: this.maxConnections };
  }

  async query<T extends object>(sql: string, params: readonly SqlParam[] = []): Promise<T[]> {
    let client: pg.PoolClient;
    try {
      client = await this.checkout();
    } catch (error) {
      return mapDbError(error);
    }
    try {
      const result = await client.query(sql, params as unknown[]);
      client.release();
      return result.rows as T[];
    } catch (error) {
      // A connection-level failure destroys the client instead of returning it to the pool.
      client.release(isConnectionError(error) ? (error as Error) : undefined);
      return mapDbError(error);
    }
  }

  async transaction<T>(fn: (tx: Queryable) => Promise<T>, options: TransactionOptions = {}): Promise<T> {
    let client: pg.PoolClient;
    try {
      client = await this.checkout();
    } catch (error) {
      return mapDbError(error);
    }
    // One statement at a time on the client, in issue order, even if `fn` does not await each one
    // (pg would queue them itself, which it deprecates; pg 9 rejects it). BEGIN, the settings and
    // COMMIT/ROLLBACK go through the same queue.
    let tail: Promise<unknown> = Promise.resolve();
    const run = <R extends object>(sql: string, params: readonly SqlParam[] = []): Promise<R[]> => {
      const next = tail.then(async () => (await client.query(sql, params as unknown[])).rows as R[]);
      tail = next.catch(() => {});
      return next;
    };
    try {
      await run("BEGIN");
      const settings = settingsStatement(options.settings);
      if (settings) await run(settings.sql, settings.params);
      const result = await fn({ query: run });
      await run("COMMIT");
      client.release();
      return result;
    } catch (error) {
      if (isConnectionError(error)) {
        client.release(error as Error);
      } else {
        // A failed ROLLBACK means the connection cannot be trusted: destroy it rather than reuse it.
        const rollback = await run("ROLLBACK").then(
          () => undefined,
          (e: unknown) => (e instanceof Error ? e : new Error(String(e))),
        );
        client.release(rollback);
      }
      return mapDbError(error);
    }
  }

  async close(): Promise<void> {
    await this.pool.end();
  }

  /**
   * A pooled client. With pre-ping, a reused one must answer `SELECT 1` first; one that fails is
   * destroyed and the next taken. At most `max + 1` tries: after a database restart every idle
   * connection may be dead, and the last try gets a freshly opened one.
   */
  private async checkout(): Promise<pg.PoolClient> {
    for (let attempt = 0; ; attempt++) {
      const client = await this.pool.connect();
      if (!this.prePing || this.fresh.has(client)) {
        this.fresh.delete(client);
        return client;
      }
      try {
        await client.query("SELECT 1");
        return client;
      } catch (error) {
        client.release(error instanceof Error ? error : new Error(String(error)));
        if (attempt >= this.maxConnections) throw error;
      }
    }
  }
}

/**
 * A pg Client whose password is read from the URL in `file` when it logs in. pg takes a function as
 * `password` (pg lib/client.js `_getPassword`), but a password parsed from the connection string
 * (even an empty one) overrides the config's, so the function is set on the client itself.
 */
function passwordFromFile(file: string): typeof pg.Client {
  return class extends pg.Client {
    constructor(config?: string | pg.ClientConfig) {
      super(config);
      (this as unknown as { password: () => Promise<string> }).password = async () => {
        const url = new URL((await readFile(file, "utf8")).trim());
        return decodeURIComponent(url.password);
      };
    }
  };
}

/** Socket-level failures (not a failed statement or an application error thrown inside a transaction). */
function isConnectionError(error: unknown): boolean {
  return isUnavailable(error);
}

function stripUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}
