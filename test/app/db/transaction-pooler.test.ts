/**
 * The app behind PgBouncer in transaction mode, as in prod: a real Debian Postgres and a real
 * pgbouncer (pool_mode = transaction, 4 server connections), both on free loopback ports.
 *
 * pgvector is not installed there and need not be: Postgres accepts a dotted custom parameter such
 * as `hnsw.ef_search` as a placeholder, so `current_setting()` shows what a search would run with.
 * Another client poisons the server connections with session-level SETs first; the session state
 * survives on them (no reset query in transaction mode), exactly what made the old connect-time
 * `SET`s unreliable. Every search must still see the app's settings.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Queryable, SEARCH_SETTINGS, searchTransaction } from "../../../app/src/db/database.js";
import { PostgresDatabase } from "../../../app/src/db/postgres-database.js";
import {
  type PgBouncerServer,
  type PostgresServer,
  startPgBouncer,
  startPostgres,
} from "../../helpers/postgres-server.js";

const SERVER_CONNECTIONS = 4;
const EF = SEARCH_SETTINGS["hnsw.ef_search"];
const SCAN = SEARCH_SETTINGS["hnsw.iterative_scan"];

interface Probe {
  ef: string | null;
  scan: string | null;
  pid: number;
}

/** What the statement sees; the short sleep keeps several transactions open at once. */
const PROBE_SQL = `SELECT current_setting('hnsw.ef_search', true) AS ef,
                          current_setting('hnsw.iterative_scan', true) AS scan,
                          pg_backend_pid() AS pid, pg_sleep(0.005)`;
const probe = async (q: Queryable): Promise<Probe> => {
  const [row] = await q.query<Probe>(PROBE_SQL);
  if (!row) throw new Error("probe returned no row");
  return row;
};

const times = <T>(n: number, fn: () => Promise<T>): Promise<T[]> =>
  Promise.all(Array.from({ length: n }, fn));

let server: PostgresServer | undefined;
let bouncer: PgBouncerServer | undefined;
/** The app's pool, through the pooler. */
let app: PostgresDatabase;
/** Another client of the same pooler, one that sets session state. */
let other: PostgresDatabase;
/** pg's deprecation warnings ("…client is already executing a query…") seen during this file. */
const warnings: string[] = [];
const onWarning = (warning: Error) => warnings.push(warning.message);

beforeAll(async () => {
  process.on("warning", onWarning);
  server = await startPostgres();
  bouncer = await startPgBouncer({ server, poolMode: "transaction", defaultPoolSize: SERVER_CONNECTIONS });
  app = new PostgresDatabase({ connectionString: bouncer.url, max: 8 });
  other = new PostgresDatabase({ connectionString: bouncer.url, max: 8 });
  // Open all of the app's client connections first: connect-time settings (the old approach) would
  // have been sent now, before the poisoning below.
  await times(16, () => app.query("SELECT pg_sleep(0.01)"));
});

afterAll(async () => {
  process.off("warning", onWarning);
  await app?.close();
  await other?.close();
  await bouncer?.stop();
  await server?.stop();
});

/** Session-level SETs from the other client on (ideally) every server connection; returns their pids. */
async function poison(): Promise<Set<number>> {
  const rows = await times(40, () =>
    other.query<{ pid: number }>(
      `SELECT set_config('hnsw.ef_search', '7', false), set_config('hnsw.iterative_scan', 'off', false),
              pg_backend_pid() AS pid, pg_sleep(0.01)`,
    ),
  );
  return new Set(rows.map((r) => r[0]!.pid));
}

describe("search settings through PgBouncer in transaction mode", () => {
  it("control: another client's session SET is seen by the app's plain queries (session state is not the app's)", async () => {
    const poisoned = await poison();
    expect(poisoned.size).toBeGreaterThanOrEqual(2);
    const plain = await times(40, () => probe(app));
    expect(plain.some((p) => p.ef === "7")).toBe(true);
  });

  it("every concurrent search sees the app's settings, on several server connections", async () => {
    await poison();
    const searches = await times(120, () => searchTransaction(app, probe));
    expect(searches.filter((p) => p.ef !== EF || p.scan !== SCAN)).toEqual([]);
    expect(new Set(searches.map((p) => p.pid)).size).toBeGreaterThanOrEqual(2);
  });

  it("the settings end with the search's transaction: plain queries never see them", async () => {
    await poison();
    const mixed = await Promise.all(
      Array.from({ length: 80 }, (_, i) =>
        i % 2 === 0
          ? searchTransaction(app, probe).then((p) => ({ p, search: true }))
          : probe(app).then((p) => ({ p, search: false })),
      ),
    );
    const searches = mixed.filter((m) => m.search).map((m) => m.p);
    const plain = mixed.filter((m) => !m.search).map((m) => m.p);
    expect(searches.every((p) => p.ef === EF && p.scan === SCAN)).toBe(true);
    expect(plain.filter((p) => p.ef === EF)).toEqual([]);
  });

  it("reports a failing settings statement (not swallowed) and leaves the pool usable", async () => {
    let ran = false;
    const failing = searchTransaction(
      app,
      async (tx) => {
        ran = true;
        return probe(tx);
      },
      { ...SEARCH_SETTINGS, work_mem: "lots" },
    );
    await expect(failing).rejects.toMatchObject({
      code: "22023",
      message: expect.stringMatching(/work_mem/),
    });
    expect(ran).toBe(false);
    await expect(app.transaction(probe, { settings: { "not a name!": "1" } })).rejects.toMatchObject({
      code: "42704",
      message: expect.stringMatching(/unrecognized configuration parameter/),
    });
    // Rolled back and returned: the next searches still work and see the settings.
    const after = await times(8, () => searchTransaction(app, probe));
    expect(after.every((p) => p.ef === EF && p.scan === SCAN)).toBe(true);
    expect(app.poolStats().inUse).toBe(0);
  });

  it("never issues a statement on a client that is still running one", async () => {
    // A transaction body that does not await its statements: they still run one after the other.
    const order = await searchTransaction(app, async (tx) => {
      const results = await Promise.all(
        [1, 2, 3].map((n) => tx.query<{ n: number }>(`SELECT ${n} AS n, pg_sleep(0.005)`)),
      );
      return results.map((r) => r[0]!.n);
    });
    expect(order).toEqual([1, 2, 3]);
    expect(warnings.filter((w) => /already executing a query/.test(w))).toEqual([]);
  });
});
