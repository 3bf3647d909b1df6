/**
 * Restore drill (issue 11, point 6): ingest through the app's HTTP routes, take a logical backup the
 * way the backup CronJob does (`pg_dump | gzip`, infra/k8s/backups/), restore it into a fresh
 * database, open the app on it, and the same searches return the same results.
 *
 * PGlite is Postgres 17 and Debian's pg_dump is 15, so the dump comes from pglite-tools' WASM pg_dump
 * (test/helpers/pglite-dump.ts); gzip and gunzip are node:zlib, byte-for-byte what the job stores.
 */
import { gunzipSync, gzipSync } from "node:zlib";
import { PGlite } from "@electric-sql/pglite";
import { vector } from "@electric-sql/pglite-pgvector";
import type { FastifyInstance } from "fastify";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { lockDataDir } from "../../../app/src/db/data-dir-lock.js";
import type { Database } from "../../../app/src/db/database.js";
import { PgliteDatabase } from "../../../app/src/db/pglite-database.js";
import { loadPgDump } from "../../helpers/pglite-dump.js";
import { CORPUS } from "../corpus.js";
import { openTestPglite, startApp, tempDir } from "../helpers.js";

/** A longer conversation, so some conversations have several chunks. */
const LONG = {
  id: "incident-review",
  title: "Postmortem of the search outage",
  user_id: "carol",
  messages: Array.from({ length: 24 }, (_, i) => ({
    role: i % 2 === 0 ? ("user" as const) : ("assistant" as const),
    content:
      i % 2 === 0
        ? `Step ${i}: why did the HNSW index rebuild take the replica down during the deploy window?`
        : `Answer ${i}: the rebuild held a lock on chunks; we now build indexes concurrently and page the on-call.`,
    created_at: new Date(Date.UTC(2025, 2, 1, 9, i)).toISOString(),
  })),
};

const SEARCHES: Record<string, unknown>[] = [
  ...["semantic", "keyword", "hybrid"].flatMap((mode) =>
    [
      "deploy the backend to kubernetes",
      "carbonara with eggs",
      "connection pool exhausted",
      "refund for a double charge",
      "index rebuild lock on the replica",
    ].map((query) => ({ query, mode, k: 8 })),
  ),
  { query: "deploy", mode: "hybrid", k: 5, filter: { user_id: "alice" } },
  { query: "on-call page", mode: "semantic", k: 3, filter: { conversation_id: "incident-review" } },
  { query: "rebuild", mode: "keyword", k: 10, filter: { role: "assistant", since: "2025-03-01T09:10:00Z" } },
];

/**
 * The relevance floor off (SEARCH_MIN_SCORE=0): the drill compares every hit before and after the
 * restore, and the floor would leave the semantic searches of queries the corpus does not answer
 * empty, which says nothing about the restore.
 */
const NO_FLOOR = { env: { SEARCH_MIN_SCORE: "0" } };

interface Hit {
  chunk_id: string;
  conversation_id: string;
  score: number;
}

async function runSearches(app: FastifyInstance): Promise<Hit[][]> {
  const all: Hit[][] = [];
  for (const payload of SEARCHES) {
    const res = await app.inject({ method: "POST", url: "/v1/search", payload });
    expect(res.statusCode, JSON.stringify(payload)).toBe(200);
    all.push((res.json() as { results: Hit[] }).results);
  }
  return all;
}

/** Row count of every table in `public`. */
async function rowCounts(db: Database): Promise<Record<string, number>> {
  const tables = await db.query<{ name: string }>(
    "SELECT tablename AS name FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename",
  );
  const counts: Record<string, number> = {};
  for (const { name } of tables) {
    const [row] = await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM public."${name}"`);
    counts[name] = row?.n ?? -1;
  }
  return counts;
}

/** Every chunk with its embedding, in id order. */
const embeddings = (db: Database) =>
  db.query<{ id: string; conversation_id: string; embedding: string }>(
    "SELECT id::text, conversation_id, embedding::text AS embedding FROM chunks ORDER BY id",
  );

describe("restore drill: pg_dump | gzip, restore into a fresh database, same searches", () => {
  let source: PgliteDatabase;
  let restored: PgliteDatabase | undefined;
  let dir: Awaited<ReturnType<typeof tempDir>>;
  let before: Hit[][];
  let beforeCounts: Record<string, number>;
  let gzipped: Buffer;

  beforeAll(async () => {
    const pgDump = await loadPgDump();
    dir = await tempDir();
    source = await openTestPglite();
    const app = await startApp({ primary: source, replica: source }, NO_FLOOR);
    try {
      for (const conversation of [...CORPUS, LONG]) {
        const res = await app.inject({ method: "POST", url: "/v1/conversations", payload: conversation });
        expect(res.statusCode).toBe(201);
      }
      before = await runSearches(app);
    } finally {
      await app.close();
    }
    beforeCounts = await rowCounts(source);
    const dump = await (await pgDump({ pg: source.pglite })).text();
    gzipped = gzipSync(Buffer.from(dump, "utf8"));
  });

  afterAll(async () => {
    await restored?.close();
    await source?.close();
    await dir?.remove();
  });

  it("the source has data and the searches found it", () => {
    expect(beforeCounts.conversations).toBe(CORPUS.length + 1);
    expect(beforeCounts.messages).toBe(
      CORPUS.reduce((n, c) => n + c.messages.length, 0) + LONG.messages.length,
    );
    expect(beforeCounts.chunks).toBeGreaterThan(CORPUS.length + 1);
    // Every search but possibly a narrow filter found something; most found several hits.
    expect(before.filter((hits) => hits.length === 0)).toEqual([]);
    expect(before.filter((hits) => hits.length > 1).length).toBeGreaterThan(SEARCHES.length / 2);
  });

  it("the backup holds the schema, pgvector and the data", () => {
    const sql = gunzipSync(gzipped).toString("utf8");
    expect(sql).toMatch(/CREATE EXTENSION IF NOT EXISTS vector/);
    expect(sql).toMatch(/CREATE TABLE public\.chunks/);
    expect(sql).toMatch(/embedding public\.vector\(\d+\)/);
    // pglite-tools' pg_dump writes data as INSERTs (exec() cannot feed COPY … FROM stdin).
    expect(sql).toMatch(/INSERT INTO public\.chunks /);
    expect(sql).toMatch(/INSERT INTO public\.messages /);
    expect(sql).toMatch(/USING hnsw/);
  });

  it("restores into a fresh database, and the app there answers every search identically", async () => {
    // A new instance with its own initdb (not the test template): no tables, no extension yet.
    const dataDir = `${dir.dir}/restored`;
    // The restore owns the folder like every other opener does (issue 22).
    const lock = await lockDataDir(dataDir);
    const fresh = await PGlite.create({ dataDir, extensions: { vector } });
    const empty = await fresh.query<{ tables: number; extensions: number }>(
      `SELECT (SELECT count(*)::int FROM pg_tables WHERE schemaname = 'public') AS tables,
              (SELECT count(*)::int FROM pg_extension WHERE extname = 'vector') AS extensions`,
    );
    expect(empty.rows[0]).toEqual({ tables: 0, extensions: 0 });
    await fresh.exec(gunzipSync(gzipped).toString("utf8"));
    // The dump empties search_path for its session; the app gets a new connection below anyway.
    await fresh.exec("RESET search_path");
    await fresh.close();
    await lock.release();

    restored = await PgliteDatabase.open(dataDir);
    expect(await rowCounts(restored)).toEqual(beforeCounts);
    const restoredEmbeddings = await embeddings(restored);
    expect(restoredEmbeddings.length).toBe(beforeCounts.chunks);
    expect(restoredEmbeddings).toEqual(await embeddings(source));

    const app = await startApp({ primary: restored, replica: restored }, NO_FLOOR);
    try {
      const after = await runSearches(app);
      // Ids, order, scores, texts, ranges and times: the whole answer.
      expect(after).toEqual(before);
    } finally {
      await app.close();
    }
  });
});
