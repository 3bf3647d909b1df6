/**
 * The re-embed step: switches the stored vectors to another embedding provider, model or
 * dimension. Run it with the app stopped (`npm run reembed -w app` with the new EMBEDDING_*
 * variables). One transaction: on any failure the old vectors and spec stay as they were.
 */
import { type Embedder, toVectorLiteral } from "../embeddings/embedder.js";
import type { Database } from "./database.js";
import { type EmbeddingSpec, migrate, writeSpec } from "./migrations.js";

const PAGE = 256;

export interface ReembedResult {
  chunks: number;
  from?: EmbeddingSpec;
  to: EmbeddingSpec;
}

export async function reembed(
  db: Database,
  embedder: Embedder,
  log: (message: string) => void = () => {},
): Promise<ReembedResult> {
  const to = { provider: embedder.provider, model: embedder.model, dimensions: embedder.dimensions };
  const tables = await db.query<{ n: number }>(
    "SELECT count(*)::int AS n FROM pg_tables WHERE tablename = 'schema_migrations'",
  );
  if ((tables[0]?.n ?? 0) === 0) {
    // Nothing stored yet: creating the schema with the new spec is the whole job.
    await migrate(db, to);
    return { chunks: 0, to };
  }
  return db.transaction(async (tx) => {
    const meta = await tx.query<{ key: string; value: string }>(
      "SELECT key, value FROM app_meta WHERE key LIKE 'embedding_%'",
    );
    const m = new Map(meta.map((r) => [r.key, r.value]));
    const from = m.has("embedding_provider")
      ? {
          provider: m.get("embedding_provider")!,
          model: m.get("embedding_model")!,
          dimensions: Number(m.get("embedding_dimensions")),
        }
      : undefined;
    await tx.query("DROP INDEX IF EXISTS chunks_embedding_hnsw");
    await tx.query("ALTER TABLE chunks DROP COLUMN embedding");
    await tx.query(`ALTER TABLE chunks ADD COLUMN embedding vector(${to.dimensions})`);
    let done = 0;
    let after = "00000000-0000-0000-0000-000000000000";
    for (;;) {
      const rows = await tx.query<{ id: string; text: string }>(
        "SELECT id::text AS id, text FROM chunks WHERE id > $1::uuid ORDER BY id LIMIT $2",
        [after, PAGE],
      );
      if (rows.length === 0) break;
      const vectors = await embedder.embed(rows.map((r) => r.text));
      await tx.query(
        `UPDATE chunks SET embedding = t.v::vector
         FROM unnest($1::uuid[], $2::text[]) AS t(id, v) WHERE chunks.id = t.id`,
        [rows.map((r) => r.id), vectors.map(toVectorLiteral)],
      );
      done += rows.length;
      after = rows.at(-1)!.id;
      log(`re-embedded ${done} chunks`);
    }
    await tx.query("ALTER TABLE chunks ALTER COLUMN embedding SET NOT NULL");
    await tx.query("CREATE INDEX chunks_embedding_hnsw ON chunks USING hnsw (embedding vector_cosine_ops)");
    await writeSpec(tx, to);
    return { chunks: done, from, to };
  });
}
