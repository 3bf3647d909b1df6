/**
 * How the reference's SQLAlchemy-style pool variables map onto node-postgres (`pg.Pool`):
 *
 * - `DB_POOL_SIZE` + `DB_MAX_OVERFLOW`: SQLAlchemy keeps `pool_size` connections and opens up to
 *   `max_overflow` more under load, closing those when they are returned. pg has one `max`, so
 *   `max = size + overflow`, `min = size` (pg never reaps idle connections below `min`) and
 *   `idleTimeoutMillis` = {@link OVERFLOW_IDLE_MILLIS}: connections above `size` are closed after a
 *   short idle period instead of at once (saves reconnect storms under bursty load). pg opens
 *   connections lazily, so `min` is a floor for reaping, not a pre-opened set.
 * - `DB_POOL_RECYCLE`: `maxLifetimeSeconds` — a connection older than that is closed when idle (or
 *   when returned) and replaced on demand. 0 disables it.
 * - `DB_POOL_PRE_PING`: before a reused connection is handed out it runs `SELECT 1`; a connection
 *   that fails is destroyed and another taken (SQLAlchemy's `pool_pre_ping`). Fresh connections are
 *   not pinged.
 */
import type { Config } from "../config.js";

/** Idle time after which a connection above DB_POOL_SIZE is closed. */
export const OVERFLOW_IDLE_MILLIS = 10_000;
/** How long to wait for a connection from the pool before failing the query (then 503). */
export const CONNECTION_TIMEOUT_MILLIS = 5_000;

export interface PoolSettings {
  /** Connections kept open when idle (DB_POOL_SIZE). */
  size: number;
  /** Extra connections allowed under load (DB_MAX_OVERFLOW). */
  maxOverflow: number;
  /** DB_POOL_RECYCLE seconds; 0 = never. */
  recycleSeconds: number;
  /** DB_POOL_PRE_PING. */
  prePing: boolean;
  /** Defaults to {@link OVERFLOW_IDLE_MILLIS}. */
  overflowIdleMillis?: number;
  /** Defaults to {@link CONNECTION_TIMEOUT_MILLIS}. */
  connectionTimeoutMillis?: number;
}

/** The pg.Pool options one pool gets. */
export interface PgPoolOptions {
  max: number;
  min: number;
  idleTimeoutMillis: number;
  maxLifetimeSeconds: number;
  connectionTimeoutMillis: number;
  keepAlive: true;
}

export function poolSettings(database: Config["database"]): PoolSettings {
  return {
    size: database.poolSize,
    maxOverflow: database.maxOverflow,
    recycleSeconds: database.recycleSeconds,
    prePing: database.prePing,
  };
}

export function pgPoolOptions(settings: PoolSettings): PgPoolOptions {
  return {
    max: settings.size + settings.maxOverflow,
    min: settings.size,
    idleTimeoutMillis: settings.overflowIdleMillis ?? OVERFLOW_IDLE_MILLIS,
    // pg treats 0 as "no limit", as DB_POOL_RECYCLE=0 means here.
    maxLifetimeSeconds: settings.recycleSeconds,
    connectionTimeoutMillis: settings.connectionTimeoutMillis ?? CONNECTION_TIMEOUT_MILLIS,
    // Lets the OS notice a peer that vanished (NAT timeout, node loss) on idle connections.
    keepAlive: true,
  };
}
