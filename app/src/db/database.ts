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

export interface Database extends Queryable {
  /** `pglite` or `postgres`; for logs and the readiness body. */
  readonly kind: "pglite" | "postgres";
  /** Pool occupancy now (PGlite: one connection, in use while a statement runs). */
  poolStats(): PoolStats;
  /** Runs `fn` in one transaction: committed if it resolves, rolled back if it throws. */
  transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

/** Primary for writes, replica (or the primary again) for search and answers. */
export interface Databases {
  primary: Database;
  replica: Database;
}

/** Session settings every connection gets: recall-friendly HNSW search that still honours filters. */
export const SESSION_SETTINGS = ["SET hnsw.ef_search = 400", "SET hnsw.iterative_scan = relaxed_order"];

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
