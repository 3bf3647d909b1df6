/**
 * The one interface the store talks to. Two implementations run the same SQL: embedded PGlite
 * (`pglite-database.ts`) and a real Postgres through `pg` (`postgres-database.ts`).
 */
import { AppError } from "../lib/errors.js";

export type SqlParam = string | number | boolean | null | Date | readonly (string | number | null)[];

export interface Queryable {
  query<T extends object = Record<string, unknown>>(sql: string, params?: readonly SqlParam[]): Promise<T[]>;
}

/** A pool's occupancy, for `db_connections_in_use` / `db_connections_max`. */
export interface PoolStats {
  /** Connections checked out by a query or transaction right now. */
  inUse: number;
  /** Most connections the pool may open. */
  max: number;
}

/**
 * Run-time parameters (GUCs) by name, e.g. `{ "hnsw.ef_search": "400" }`. Values are strings, as
 * Postgres takes them; names and values are sent as bind parameters, never spliced into SQL.
 */
export type QuerySettings = Readonly<Record<string, string>>;

export interface TransactionOptions {
  /**
   * Applied with `set_config(name, value, true)` (= `SET LOCAL`) right after `BEGIN`, on the same
   * connection: they hold for this transaction only, whichever server connection a transaction
   * pooler (PgBouncer) runs it on, and end with it.
   */
  settings?: QuerySettings;
}

export interface Database extends Queryable {
  /** `pglite` or `postgres`; for logs and the readiness body. */
  readonly kind: "pglite" | "postgres";
  /** Pool occupancy now (PGlite: one connection, in use while a statement runs). */
  poolStats(): PoolStats;
  /**
   * Runs `fn` in one transaction: committed if it resolves, rolled back if it throws. A failing
   * settings statement rejects the transaction (mapped by {@link mapDbError}) before `fn` runs.
   * Statements on `tx` run one at a time, in the order they were issued.
   */
  transaction<T>(fn: (tx: Queryable) => Promise<T>, options?: TransactionOptions): Promise<T>;
  close(): Promise<void>;
}

/** Primary for writes, replica (or the primary again) for search and answers. */
export interface Databases {
  primary: Database;
  replica: Database;
}

/**
 * What every vector search runs with: recall-friendly HNSW search (ef_search 800, see
 * docs/benchmarks.md) that still fills filtered queries (iterative scan), priced for memory or SSD
 * (random_page_cost 1.1 instead of the spinning-disk default 4): pgvector prices an HNSW scan by
 * ef_search and its index pages at random_page_cost, so with ef_search 400 or more and the default the
 * planner prefers a full scan of the chunks (exact, but every distance computed, which it prices
 * at almost nothing) up to and past 10k chunks, many times slower than the index
 * (docs/benchmarks.md). Turning sequential scans off instead only moves it to a full btree scan.
 * Per transaction, never per
 * session: behind PgBouncer in transaction mode a session `SET` lands on whichever server connection
 * ran it, not on the one that runs the search (docs/app.md, "Search settings and the pooler").
 */
export const SEARCH_SETTINGS: QuerySettings = {
  "hnsw.ef_search": "800",
  "hnsw.iterative_scan": "relaxed_order",
  random_page_cost: "1.1",
};

/** Runs `fn` in one transaction that starts with {@link SEARCH_SETTINGS} (or `settings`). */
export function searchTransaction<T>(
  db: Database,
  fn: (tx: Queryable) => Promise<T>,
  settings: QuerySettings = SEARCH_SETTINGS,
): Promise<T> {
  return db.transaction(fn, { settings });
}

/**
 * The one statement that applies `settings` locally to the current transaction, or undefined when
 * there are none. Both engines run it right after `BEGIN`.
 */
export function settingsStatement(
  settings: QuerySettings | undefined,
): { sql: string; params: SqlParam[] } | undefined {
  const entries = Object.entries(settings ?? {});
  if (entries.length === 0) return undefined;
  return {
    sql: "SELECT set_config(s.name, s.value, true) FROM unnest($1::text[], $2::text[]) AS s(name, value)",
    params: [entries.map(([name]) => name), entries.map(([, value]) => value)],
  };
}

const UNAVAILABLE_NODE_CODES = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "ENOTFOUND",
  "ETIMEDOUT",
  "EPIPE",
  "EAI_AGAIN",
]);

/**
 * True for errors that mean "cannot reach the database" rather than "this statement failed":
 * socket errors, SQLSTATE classes 08 (connection), 53 (resources), 57 (operator intervention),
 * pool timeouts and a closed PGlite.
 */
export function isUnavailable(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const code = (error as { code?: unknown }).code;
  if (typeof code === "string") {
    if (UNAVAILABLE_NODE_CODES.has(code)) return true;
    if (/^(08|53|57)[0-9A-Z]{3}$/.test(code)) return true;
  }
  return /Connection terminated|timeout exceeded when trying to connect|PGlite is clos(ed|ing)|Client has encountered a connection error|Connection refused/i.test(
    error.message,
  );
}

/** Maps unreachable-database errors to a 503 and passes everything else through. */
export function mapDbError(error: unknown): never {
  if (error instanceof AppError) throw error;
  if (isUnavailable(error)) {
    throw new AppError("DB_UNAVAILABLE", undefined, undefined, { cause: error });
  }
  throw error;
}
