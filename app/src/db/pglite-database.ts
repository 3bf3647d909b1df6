/** Embedded Postgres (PGlite, Postgres 18 in WASM) with pgvector; data on disk or in memory. */
import { PGlite } from "@electric-sql/pglite";
import { vector } from "@electric-sql/pglite-pgvector";
import { DataDirDamagedError, diagnose, isFresh, rememberPidFile } from "./damaged-folder.js";
import { type DataDirLock, lockDataDir } from "./data-dir-lock.js";
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

  /** This process's hold on the data folder (none in memory). */
  private readonly lock?: DataDirLock;

  private constructor(pglite: PGlite, lock?: DataDirLock) {
    this.pglite = pglite;
    this.lock = lock;
  }

  /**
   * Opens (creating if needed) a database under `dataDir`; in memory when `dataDir` is undefined.
   * `loadDataDir` starts from a `dumpDataDir()` tarball instead of running initdb (tests, bench).
   * A folder is locked for this process first (`data-dir-lock.ts`: DataDirLockedError when another
   * holds it) and one PGlite cannot open is reported as DataDirDamagedError, left untouched.
   */
  static async open(dataDir?: string, options: { loadDataDir?: Blob } = {}): Promise<PgliteDatabase> {
    if (!dataDir) return PgliteDatabase.start(undefined, options.loadDataDir);
    const lock = await lockDataDir(dataDir);
    try {
      if (await isFresh(dataDir)) return await PgliteDatabase.start(dataDir, options.loadDataDir, lock);
      // Not empty and no PG_VERSION: PGlite would run initdb over whatever is there.
      const missing = await diagnose(dataDir);
      if (missing?.startsWith("PG_VERSION")) throw new DataDirDamagedError(lock.dataDir, missing);
      const pidFile = await rememberPidFile(dataDir);
      try {
        return await PgliteDatabase.start(dataDir, options.loadDataDir, lock);
      } catch (error) {
        await pidFile.restore();
        const seen =
          (await diagnose(dataDir)) ??
          "its files have their expected sizes, so the contents of pg_control or the WAL are corrupt";
        // "Aborted(). Build with -sASSERTIONS …" is about PGlite's build, not about the folder.
        const said = (error instanceof Error ? error.message : String(error)).replace(/ Build with .*$/s, "");
        throw new DataDirDamagedError(lock.dataDir, `${seen}; PGlite said: ${said}`);
      }
    } catch (error) {
      await lock.release();
      throw error;
    }
  }

  private static async start(
    dataDir?: string,
    loadDataDir?: Blob,
    lock?: DataDirLock,
  ): Promise<PgliteDatabase> {
    const pglite = await PGlite.create({ dataDir, extensions: { vector }, loadDataDir });
    try {
      await pglite.exec("CREATE EXTENSION IF NOT EXISTS vector");
    } catch (error) {
      await pglite.close();
      throw error;
    }
    // No session SETs: settings travel with the transaction that needs them, as on Postgres.
    return new PgliteDatabase(pglite, lock);
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
    await this.lock?.release();
  }
}
