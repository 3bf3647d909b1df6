/**
 * Tops the chunk table up to a size with straight SQL. The two search indexes are dropped first and
 * rebuilt afterwards, as the re-embed step does with the HNSW index: pgvector's per-row HNSW insert
 * is what makes a maintained fill slow (≈ 4.5 ms/row on PGlite), a bulk build is much cheaper.
 */
import type { Database } from "../src/db/database.js";
import { MIGRATIONS } from "../src/db/migrations.js";
import { toVectorLiteral } from "../src/embeddings/embedder.js";
import type { LocalEmbedder } from "../src/embeddings/local-embedder.js";
import type { Corpus } from "./corpus.js";

/** The indexes a fill drops, by name; rebuilt from the migrations' own statements. */
const SEARCH_INDEXES = ["chunks_embedding_hnsw", "chunks_tsv_gin"] as const;

function indexStatement(name: string): string {
  const spec = { provider: "-", model: "-", dimensions: 1 };
  const statement = MIGRATIONS.flatMap((m) => m.statements(spec)).find((s) =>
    s.startsWith(`CREATE INDEX ${name} `),
  );
  if (!statement) throw new Error(`no migration creates index ${name}`);
  return statement;
}

export interface FillResult {
  /** Seconds inserting rows (indexes dropped). */
  insertSeconds: number;
  /** Seconds rebuilding the HNSW and GIN indexes and running ANALYZE. */
  indexSeconds: number;
}

export async function fill(
  db: Database,
  target: number,
  text: Corpus,
  embedder: LocalEmbedder,
  batch = 500,
): Promise<FillResult> {
  const started = performance.now();
  let [{ n } = { n: 0 }] = await db.query<{ n: number }>("SELECT count(*)::int AS n FROM chunks");
  if (n >= target) return { insertSeconds: 0, indexSeconds: 0 };
  for (const name of SEARCH_INDEXES) await db.query(`DROP INDEX IF EXISTS ${name}`);
  let c = 0;
  while (n < target) {
    const size = Math.min(batch, target - n);
    const id = `fill-${n}`;
    await db.query("INSERT INTO conversations (id, user_id) VALUES ($1, $2)", [id, `user-${c++ % 50}`]);
    const texts = Array.from({ length: size }, () => {
      const topic = Math.floor(text.random() * text.topics);
      return `user: ${text.sentence(topic, 30)}.\nassistant: ${text.sentence(topic, 30)}.`;
    });
    const vectors = (await embedder.embed(texts)).map(toVectorLiteral);
    await db.query(
      `INSERT INTO chunks (conversation_id, tenant_id, start_seq, end_seq, roles, text, token_count, created_at, embedding)
       SELECT $1, 'default', t.i, t.i, ARRAY['user','assistant'], t.text, 100, now(), t.v::vector
       FROM unnest($2::int[], $3::text[], $4::text[]) AS t(i, text, v)`,
      [id, texts.map((_, j) => j), texts, vectors],
    );
    n += size;
  }
  const inserted = performance.now();
  // A graph that fits in maintenance_work_mem builds in one pass (pgvector warns otherwise).
  await db.transaction(async (tx) => {
    await tx.query("SELECT set_config('maintenance_work_mem', '1GB', true)");
    for (const name of SEARCH_INDEXES) await tx.query(indexStatement(name));
  });
  // PGlite has no autovacuum, and a fresh bulk load has no statistics on Postgres either yet.
  await db.query("ANALYZE");
  return {
    insertSeconds: (inserted - started) / 1000,
    indexSeconds: (performance.now() - inserted) / 1000,
  };
}
