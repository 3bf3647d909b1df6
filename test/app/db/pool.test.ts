/**
 * The Postgres pool against the real wire protocol (pg over pglite-socket): DB_POOL_SIZE +
 * DB_MAX_OVERFLOW bound it and overflow connections are closed when idle, DB_POOL_RECYCLE retires
 * old connections, DB_POOL_PRE_PING replaces a dead connection before a query can fail on it, and
 * the pool gauges report it.
 */

import type { AddressInfo } from "node:net";
import { connect, createServer, type Server, type Socket } from "node:net";
import { trace } from "@opentelemetry/api";
import type pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "../../../app/src/config.js";
import { poolSettings } from "../../../app/src/db/pool.js";
import { PostgresDatabase } from "../../../app/src/db/postgres-database.js";
import { AppError } from "../../../app/src/lib/errors.js";
import { instrumentDatabases } from "../../../app/src/telemetry/instrument.js";
import { createMetrics } from "../../../app/src/telemetry/metrics.js";
import { serveDatabase, type WireDatabase } from "../lifecycle/child-app.js";

/** The reference's pool variables per environment and the pg.Pool they must produce. */
const REFERENCE_POOLS: {
  env: string;
  vars: Record<string, string>;
  max: number;
  min: number;
  maxLifetimeSeconds: number;
  prePing: boolean;
}[] = [
  {
    env: "development",
    vars: { DB_POOL_SIZE: "5", DB_MAX_OVERFLOW: "10" },
    max: 15,
    min: 5,
    maxLifetimeSeconds: 3600,
    prePing: false,
  },
  {
    env: "staging",
    vars: { DB_POOL_SIZE: "10", DB_MAX_OVERFLOW: "20" },
    max: 30,
    min: 10,
    maxLifetimeSeconds: 3600,
    prePing: false,
  },
  {
    env: "production",
    vars: { DB_POOL_SIZE: "20", DB_MAX_OVERFLOW: "40", DB_POOL_RECYCLE: "3600", DB_POOL_PRE_PING: "true" },
    max: 60,
    min: 20,
    maxLifetimeSeconds: 3600,
    prePing: true,
  },
];

/**
 * A TCP proxy in front of the database. `poison()` marks the connections open now as dead: the next
 * bytes a client sends on one get the connection reset — what a NAT or firewall that dropped an idle
 * connection does.
 */
async function startProxy(target: string): Promise<{ url: string; poison(): void; close(): Promise<void> }> {
  const [host, port] = target.split(":") as [string, string];
  const open = new Set<{ client: Socket; upstream: Socket; dead: boolean }>();
  const server: Server = createServer((client) => {
    const upstream = connect(Number(port), host);
    const conn = { client, upstream, dead: false };
    open.add(conn);
    client.on("data", (d) => {
      if (conn.dead) {
        client.resetAndDestroy();
        upstream.destroy();
        return;
      }
      upstream.write(d);
    });
    upstream.on("data", (d) => client.write(d));
    const end = () => {
      open.delete(conn);
      client.destroy();
      upstream.destroy();
    };
    client.on("close", end).on("error", end);
    upstream.on("close", end).on("error", end);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address() as AddressInfo;
  return {
    url: `postgres://postgres@127.0.0.1:${address.port}/postgres`,
    poison: () => {
      for (const conn of open) conn.dead = true;
    },
    close: async () => {
      for (const conn of open) conn.client.destroy();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

async function until(check: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 400; i++) {
    if (check()) return;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error(`timed out waiting for ${what}`);
}

describe("database pool", () => {
  let database: WireDatabase;
  const pools: PostgresDatabase[] = [];
  const open = (options: ConstructorParameters<typeof PostgresDatabase>[0]) => {
    const db = new PostgresDatabase(options);
    pools.push(db);
    return db;
  };
  beforeAll(async () => {
    database = await serveDatabase(4);
  });
  afterAll(async () => {
    await Promise.allSettled(pools.map((p) => p.close()));
    await database?.stop();
  });

  it.each(REFERENCE_POOLS)("maps the $env pool variables onto pg.Pool (max $max, min $min)", (row) => {
    const config = loadConfig({ DATABASE_URL: "postgres://u@h/db", ...row.vars });
    const db = open({ connectionString: "postgres://u@h/db", ...poolSettings(config.database) });
    expect(db.pool.options).toMatchObject({
      max: row.max,
      min: row.min,
      maxLifetimeSeconds: row.maxLifetimeSeconds,
    });
    expect(db.poolStats()).toEqual({ inUse: 0, max: row.max });
    expect(config.database.prePing).toBe(row.prePing);
  });

  it("opens overflow connections under load, bounds them, and closes them again once idle", async () => {
    const db = open({ connectionString: database.url(), size: 1, maxOverflow: 1, overflowIdleMillis: 50 });
    const { metrics, registry, onCollect } = createMetrics({ defaultMetrics: false });
    instrumentDatabases(
      { primary: db, replica: db },
      { metrics, tracer: trace.getTracer("test"), onCollect },
    );

    const a = await db.pool.connect();
    const b = await db.pool.connect();
    const third = db.pool.connect();
    expect(db.pool.waitingCount).toBe(1);
    const gauges = await registry.getMetricsAsJSON();
    const value = (name: string) =>
      gauges.find((m) => m.name === name)?.values.find((v) => v.labels.pool === "primary")?.value;
    expect(value("db_connections_in_use")).toBe(2);
    expect(value("db_connections_max")).toBe(2);

    a.release();
    const c: pg.PoolClient = await third;
    c.release();
    b.release();
    expect(db.pool.totalCount).toBe(2);
    // The overflow connection goes after its idle timeout; DB_POOL_SIZE connections stay.
    await until(() => db.pool.totalCount === 1, "the overflow connection to close");
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(db.pool.totalCount).toBe(1);
    expect(db.poolStats()).toEqual({ inUse: 0, max: 2 });
  });

  it("retires a connection older than DB_POOL_RECYCLE seconds", async () => {
    const db = open({ connectionString: database.url(), size: 1, maxOverflow: 0, recycleSeconds: 1 });
    await db.query("SELECT 1");
    const removed = new Promise<void>((resolve) => db.pool.once("remove", () => resolve()));
    await removed;
    expect(db.pool.totalCount).toBe(0);
    expect(await db.query<{ one: number }>("SELECT 1 AS one")).toEqual([{ one: 1 }]);
  });

  it("with pre-ping, replaces a connection that died while idle before the query runs on it", async () => {
    const proxy = await startProxy(
      database
        .url()
        .replace(/^postgres:\/\/postgres@/, "")
        .replace(/\/postgres$/, ""),
    );
    try {
      const db = open({ connectionString: proxy.url, size: 1, maxOverflow: 0, prePing: true });
      expect(await db.query<{ n: number }>("SELECT 1 AS n")).toEqual([{ n: 1 }]);
      proxy.poison();
      expect(await db.query<{ n: number }>("SELECT 2 AS n")).toEqual([{ n: 2 }]);
      expect(db.pool.totalCount).toBe(1);
    } finally {
      await proxy.close();
    }
  });

  it("without pre-ping, the first query on a dead idle connection fails as DB_UNAVAILABLE", async () => {
    const proxy = await startProxy(
      database
        .url()
        .replace(/^postgres:\/\/postgres@/, "")
        .replace(/\/postgres$/, ""),
    );
    try {
      const db = open({ connectionString: proxy.url, size: 1, maxOverflow: 0, prePing: false });
      await db.query("SELECT 1");
      proxy.poison();
      const error = await db.query("SELECT 2").catch((e: unknown) => e);
      expect(error).toBeInstanceOf(AppError);
      expect((error as AppError).code).toBe("DB_UNAVAILABLE");
      // The broken connection was discarded: the next query gets a new one.
      expect(await db.query<{ n: number }>("SELECT 3 AS n")).toEqual([{ n: 3 }]);
    } finally {
      await proxy.close();
    }
  });
});
