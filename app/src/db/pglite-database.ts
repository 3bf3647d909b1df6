/** Embedded Postgres (PGlite, Postgres 18 in WASM) with pgvector; data on disk or in memory. */
import { mkdir } from "node:fs/promises";
import { PGlite } from "@electric-sql/pglite";
import { vector } from "@electric-sql/pglite-pgvector";
import {
  type Database,
  mapDbError,
  type PoolStats,
  type Queryable,
  type SqlParam,
  settingsStatement,
  type TransactionOptions,
} from "./database.js";

export class PgliteDatabase implements Database {
  readonly kind = "pglite" as const;
  /** Statements and transactions started and not yet finished (PGlite runs one at a time). */
  private active = 0;

  /** The PGlite instance, exposed so tests and the bench can serve it over pglite-socket. */
  readonly pglite: PGlite;

  private constructor(pglite: PGlite) {
    this.pglite = pglite;
  }

  /**
   * Opens (creating if needed) a database under `dataDir`; in memory when `dataDir` is undefined.
   * `loadDataDir` starts from a `dumpDataDir()` tarball instead of running initdb (tests, bench).
   */
  static async open(dataDir?: string, options: { loadDataDir?: Blob } = {}): Promise<PgliteDatabase> {
    if (dataDir) await mkdir(dataDir, { recursive: true });
    const pglite = await PGlite.create({ dataDir, extensions: { vector }, loadDataDir: options.loadDataDir });
    await pglite.exec("CREATE EXTENSION IF NOT EXISTS vector");
    // No session SETs: settings travel with the transaction that needs them, as on Postgres.
    return new PgliteDatabase(pglite);
  }

  /** One connection: in use while a statement or transaction is running or queued. */
  poolStats(): PoolStats {
    return { inUse: this.active > 0 ? 1 : 0, max: 1 };
  }

  async query<T extends object>(sql: string, params: readonly SqlParam[] = []): Promise<T[]> {
    this.active++;
    try {
      const result = await this.pglite.query<T>(sql, params as unknown[]);
      return result.rows;
    } catch (error) {
      return mapDbError(error);
    } finally {
      this.active--;
    }
  }

  async transaction<T>(fn: (tx: Queryable) => Promise<T>, options: TransactionOptions = {}): Promise<T> {
    this.active++;
    try {
      return await this.pglite.transaction(async (tx) => {
        const settings = settingsStatement(options.settings);
        if (settings) await tx.query(settings.sql, settings.params as unknown[]);
        return fn({
          query: async <R extends object>(sql: string, params: readonly SqlParam[] = []) =>
            (await tx.query<R>(sql, params as unknown[])).rows,
        });
      });
    } catch (error) {
      return mapDbError(error);
    } finally {
      this.active--;
    }
  }

  async close(): Promise<void> {
    if (!this.pglite.closed) await this.pglite.close();
  }
}
