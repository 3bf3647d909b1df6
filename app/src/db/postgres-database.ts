/** A real Postgres through the `pg` driver (pgvector must be installable in the target database). */
import pg from "pg";
import { type Database, mapDbError, type Queryable, SESSION_SETTINGS, type SqlParam } from "./database.js";

export interface PostgresOptions {
  connectionString: string;
  /** Pool size: DB_POOL_SIZE + DB_MAX_OVERFLOW (pg has no separate overflow). @default 15 */
  max?: number;
  /** DB_POOL_RECYCLE: seconds after which a connection is replaced. @default 3600 */
  maxLifetimeSeconds?: number;
  /** @default 5000 */
  connectionTimeoutMillis?: number;
}

export class PostgresDatabase implements Database {
  readonly kind = "postgres" as const;
  /** The pool, exposed for issue 6's pool metrics. */
  readonly pool: pg.Pool;

  constructor(options: PostgresOptions) {
    this.pool = new pg.Pool({
      connectionString: options.connectionString,
      max: options.max ?? 15,
      maxLifetimeSeconds: options.maxLifetimeSeconds ?? 3600,
      connectionTimeoutMillis: options.connectionTimeoutMillis ?? 5000,
    });
    // An idle client losing its server must not crash the process; the next query reports it.
    this.pool.on("error", () => {});
    this.pool.on("connect", (client) => {
      // pg queues these before any query the pool hands the client out for.
      for (const statement of SESSION_SETTINGS) client.query(statement).catch(() => {});
    });
  }

  async query<T extends object>(sql: string, params: readonly SqlParam[] = []): Promise<T[]> {
    try {
      const result = await this.pool.query(sql, params as unknown[]);
      return result.rows as T[];
    } catch (error) {
      return mapDbError(error);
    }
  }

  async transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T> {
    let client: pg.PoolClient;
    try {
      client = await this.pool.connect();
    } catch (error) {
      return mapDbError(error);
    }
    try {
      await client.query("BEGIN");
      const result = await fn({
        query: async <R extends object>(sql: string, params: readonly SqlParam[] = []) =>
          (await client.query(sql, params as unknown[])).rows as R[],
      });
      await client.query("COMMIT");
      client.release();
      return result;
    } catch (error) {
      await client.query("ROLLBACK").catch(() => {});
      client.release();
      return mapDbError(error);
    }
  }

  async close(): Promise<void> {
    await this.pool.end();
  }
}
