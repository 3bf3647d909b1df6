/**
 * Search over a seeded synthetic corpus (the bench's generator). First the bounded keyword pool of
 * hybrid search against the plan it replaced: every keyword match
 * ranked by ts_rank_cd. The oracle below is that plan, written out here on its own, so the store's
 * SQL is checked against an independent statement rather than against itself.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { corpus } from "../../../app/bench/corpus.js";
import { fill } from "../../../app/bench/fill.js";
import { DEFAULT_SEARCH_MIN_SCORE } from "../../../app/src/config.js";
import { type QuerySettings, SEARCH_SETTINGS, searchTransaction } from "../../../app/src/db/database.js";
import type { PgliteDatabase } from "../../../app/src/db/pglite-database.js";
import { toVectorLiteral } from "../../../app/src/embeddings/embedder.js";
import { buildSearch, RRF_K, type SearchQuery } from "../../../app/src/store/search-sql.js";
import { openTestPglite, testEmbedder } from "../helpers.js";

const CHUNKS = 3000;
/**
 * The bench's regime scaled down: there, a query's topic holds ~500 of 100,000 chunks, its common
 * words ~7,000 each, against a pool of 1,000 and 40 candidates. Here 50 topics give ~60 chunks
 * per topic (still more than the 40 candidates), common words ~210 each, against a pool of 100.
 */
const POOL = 100;

/** Today's exhaustive plan: semantic top 40 and keyword top 40 of every OR match, fused by RRF. */
const ORACLE = `
  WITH q AS (SELECT replace(plainto_tsquery('english', $1::text)::text, '&', '|')::tsquery AS q),
  sem AS (SELECT id, row_number() OVER (ORDER BY d, id) AS r FROM (
            SELECT id, embedding <=> $2::vector AS d FROM chunks WHERE tenant_id = 'default'
            ORDER BY embedding <=> $2::vector LIMIT 40) s),
  kw AS (SELECT id, row_number() OVER (ORDER BY rank DESC, id) AS r FROM (
            SELECT id, ts_rank_cd(tsv, q.q) AS rank FROM chunks, q
            WHERE tsv @@ q.q AND tenant_id = 'default' ORDER BY rank DESC, id LIMIT 40) k)
  SELECT coalesce(sem.id, kw.id)::text AS chunk_id,
         coalesce(1.0 / (${RRF_K} + sem.r), 0) + coalesce(1.0 / (${RRF_K} + kw.r), 0) AS score
  FROM sem FULL OUTER JOIN kw ON sem.id = kw.id
  ORDER BY score DESC, chunk_id LIMIT 10`;

let db: PgliteDatabase;
const embedder = testEmbedder();
const text = corpus(7, 50);
const queries = Array.from({ length: 40 }, (_, i) => text.sentence(i % text.topics, 5));

beforeAll(async () => {
  db = await openTestPglite();
  await fill(db, CHUNKS, text, embedder);
}, 300_000);

afterAll(async () => {
  await db?.close();
});

async function hybridQuery(query: string): Promise<SearchQuery> {
  const [vector] = await embedder.embed([query]);
  return { mode: "hybrid", text: query, vector: toVectorLiteral(vector!), k: 10, tenantId: "default" };
}

/** Ids, best first, of one search run as the store runs it (search settings, one transaction). */
async function ids(query: SearchQuery): Promise<string[]> {
  const { sql, params } = buildSearch(query);
  const rows = await searchTransaction(db, (tx) => tx.query<{ chunk_id: string }>(sql, params));
  return rows.map((r) => r.chunk_id);
}

async function oracle(query: SearchQuery): Promise<string[]> {
  const rows = await searchTransaction(db, (tx) =>
    tx.query<{ chunk_id: string }>(ORACLE, [query.text, query.vector]),
  );
  return rows.map((r) => r.chunk_id);
}

describe("hybrid search's keyword pool", () => {
  it("keeps the old plan, result for result, behind exhaustiveKeywords", async () => {
    for (const q of queries.slice(0, 10)) {
      const query = await hybridQuery(q);
      expect(await ids({ ...query, exhaustiveKeywords: true })).toEqual(await oracle(query));
    }
  });

  it("returns exactly the old ranking when the pool holds every match", async () => {
    for (const q of queries.slice(0, 10)) {
      const query = await hybridQuery(q);
      expect(await ids({ ...query, keywordPool: CHUNKS })).toEqual(await oracle(query));
    }
  });

  it("finds ≥ 0.95 of the old fused top 10 with a pool far smaller than the matches", async () => {
    let found = 0;
    let wanted = 0;
    let matches = 0;
    for (const q of queries) {
      const query = await hybridQuery(q);
      const expected = await oracle(query);
      const got = new Set(await ids({ ...query, keywordPool: POOL }));
      found += expected.filter((id) => got.has(id)).length;
      wanted += expected.length;
      const [row] = await db.query<{ n: number }>(
        "SELECT count(*)::int AS n FROM chunks WHERE tsv @@ replace(plainto_tsquery('english', $1)::text, '&', '|')::tsquery",
        [q],
      );
      matches += row?.n ?? 0;
    }
    // The pool must really be a bound here, or this would only repeat the test above.
    expect(matches / queries.length).toBeGreaterThan(3 * POOL);
    expect(found / wanted, `recall ${found}/${wanted}`).toBeGreaterThanOrEqual(0.95);
  });

  it("keeps ≥ 0.95 of the old fused top 10 with the default relevance floor too", async () => {
    let found = 0;
    let wanted = 0;
    for (const q of queries) {
      const query = await hybridQuery(q);
      const expected = await oracle(query);
      const got = new Set(await ids({ ...query, keywordPool: POOL, minScore: DEFAULT_SEARCH_MIN_SCORE }));
      found += expected.filter((id) => got.has(id)).length;
      wanted += expected.length;
    }
    expect(found / wanted, `recall ${found}/${wanted}`).toBeGreaterThanOrEqual(0.95);
  });

  it("widens to any word when the rare words match too few chunks", async () => {
    // "zzzunknown" matches nothing and is the rarest word. Without widening the keyword side would
    // be empty and the fused list would be the vector side alone, as the oracle gives it for a
    // text that matches nothing.
    const query = await hybridQuery("zzzunknown time people");
    const vectorOnly = await oracle({ ...query, text: "zzzunknown" });
    expect(await ids({ ...query, keywordPool: POOL })).not.toEqual(vectorOnly);
    expect(await ids({ ...query, keywordPool: POOL, text: "zzzunknown" })).toEqual(vectorOnly);
  });

  it("keeps the tenant filter inside the pool", async () => {
    await db.query("INSERT INTO conversations (id, tenant_id) VALUES ('other-tenant', 'other')");
    const words = queries[0]!;
    await db.query(
      `INSERT INTO chunks (conversation_id, tenant_id, start_seq, end_seq, roles, text, token_count, created_at, embedding)
       VALUES ('other-tenant', 'other', 0, 0, ARRAY['user'], $1, 10, now(), $2::vector)`,
      [`${words} ${words} ${words}`, (await hybridQuery(words)).vector],
    );
    const other = await db.query<{ id: string }>(
      "SELECT id::text AS id FROM chunks WHERE tenant_id = 'other'",
    );
    const got = await ids({ ...(await hybridQuery(words)), keywordPool: POOL });
    expect(got).not.toContain(other[0]!.id);
    const theirs = await ids({ ...(await hybridQuery(words)), keywordPool: POOL, tenantId: "other" });
    expect(theirs).toEqual([other[0]!.id]);
  });
});

describe("semantic search's plan", () => {
  const plan = async (settings: QuerySettings) => {
    const { sql, params } = buildSearch({ ...(await hybridQuery(queries[0]!)), mode: "semantic" });
    const rows = await searchTransaction(
      db,
      (tx) => tx.query<{ "QUERY PLAN": string }>(`EXPLAIN ${sql}`, params),
      settings,
    );
    return rows.map((r) => r["QUERY PLAN"]).join("\n");
  };

  it("reads the HNSW index where ef_search 400 at the default page cost leads the planner to a full scan", async () => {
    const { random_page_cost: _, ...plannerFree } = SEARCH_SETTINGS;
    expect(await plan(plannerFree)).toMatch(/Seq Scan on chunks/);
    expect(await plan(SEARCH_SETTINGS)).toMatch(/Index Scan using chunks_embedding_hnsw/);
  });
});
