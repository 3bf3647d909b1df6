/**
 * Search settings are per transaction on both engines: PGlite in-process and the `pg` driver over
 * the wire (pglite-socket). Real pgvector here, so `hnsw.*` are real parameters with defaults.
 * The pooler itself is proven in transaction-pooler.test.ts.
 */
import { describe, expect, it } from "vitest";
import { ExtractiveAnswerer } from "../../../app/src/answers/extractive-answerer.js";
import {
  type Database,
  type Databases,
  type Queryable,
  SEARCH_SETTINGS,
  searchTransaction,
  type TransactionOptions,
} from "../../../app/src/db/database.js";
import { createServices, defaultContext } from "../../../app/src/services/index.js";
import { ConversationStore } from "../../../app/src/store/conversation-store.js";
import { CORPUS } from "../corpus.js";
import { STORE_FACTORIES, testEmbedder, useDatabase } from "../helpers.js";

interface Settings {
  ef: string;
  scan: string;
}
const read = async (q: Queryable): Promise<Settings> =>
  (
    await q.query<Settings>(
      "SELECT current_setting('hnsw.ef_search') AS ef, current_setting('hnsw.iterative_scan') AS scan",
    )
  )[0]!;

type Call = { kind: "query" } | { kind: "transaction"; options: TransactionOptions | undefined };

/** The real database, recording how the store calls it. */
function recording(db: Database, calls: Call[]): Database {
  return {
    kind: db.kind,
    poolStats: () => db.poolStats(),
    query: (sql, params) => {
      calls.push({ kind: "query" });
      return db.query(sql, params);
    },
    transaction: (fn, options) => {
      calls.push({ kind: "transaction", options });
      return db.transaction(fn, options);
    },
    close: () => db.close(),
  };
}

describe.each(STORE_FACTORIES)("search settings on %s", (_name, factory) => {
  const db = useDatabase(factory);

  it("hold inside a search transaction and end with it", async () => {
    const { primary } = db.current.databases;
    // A session that has not used a vector yet has not loaded pgvector (the template database
    // already has the extension): the settings start as placeholders, and pgvector adopts them when
    // the search's first vector operation loads it.
    const inside = await searchTransaction(primary, async (tx) => {
      await tx.query("SELECT '[1,0]'::vector <=> '[0,1]'::vector AS d");
      return read(tx);
    });
    expect(inside).toEqual({
      ef: SEARCH_SETTINGS["hnsw.ef_search"],
      scan: SEARCH_SETTINGS["hnsw.iterative_scan"],
    });
    // pgvector's own defaults again after the commit.
    expect(await read(primary)).toEqual({ ef: "40", scan: "off" });
    expect(await searchTransaction(primary, read)).toEqual(inside);
  });

  it("reject the transaction with the database's error when a setting is invalid", async () => {
    const { primary } = db.current.databases;
    // With pgvector loaded, `hnsw.ef_search` is validated (1–1000), so 0 is refused.
    await primary.query("SELECT '[1]'::vector");
    let ran = false;
    const failing = searchTransaction(
      primary,
      async (tx) => {
        ran = true;
        return read(tx);
      },
      { ...SEARCH_SETTINGS, "hnsw.ef_search": "0" },
    );
    await expect(failing).rejects.toMatchObject({
      code: "22023",
      message: expect.stringMatching(/ef_search/),
    });
    expect(ran).toBe(false);
    expect(await read(primary)).toEqual({ ef: "40", scan: "off" });
  });

  it("are what the store's semantic and hybrid searches run with; keyword search is one statement", async () => {
    const calls: Call[] = [];
    const { primary } = db.current.databases;
    const databases: Databases = { primary, replica: recording(primary, calls) };
    const store = new ConversationStore(databases);
    const services = createServices({ store, embedder: testEmbedder(), answerer: new ExtractiveAnswerer() });
    for (const conversation of CORPUS) await services.conversations.ingest(conversation, defaultContext);
    const counts: number[] = [];
    for (const mode of ["semantic", "hybrid", "keyword"] as const) {
      const { results } = await services.search.search(
        { query: "deploy kubernetes", k: 5, mode },
        defaultContext,
      );
      counts.push(results.length);
    }
    expect(counts.every((n) => n > 0)).toBe(true);
    expect(calls).toEqual([
      { kind: "transaction", options: { settings: SEARCH_SETTINGS } },
      { kind: "transaction", options: { settings: SEARCH_SETTINGS } },
      { kind: "query" },
    ]);
  });
});
