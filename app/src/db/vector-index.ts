/**
 * The HNSW index on `chunks.embedding`, by name, for the steps that take it down and put it back:
 * an import with `--defer-index` (one build at the end is several times cheaper than inserting every
 * row into the graph, docs/benchmarks.md, "Bulk ingest") and start-up, which rebuilds it if an interrupted
 * import left it missing.
 */
import type { Database, Queryable } from "./database.js";

export const VECTOR_INDEX = "chunks_embedding_hnsw";

/** The index as migration 1 creates it; `IF NOT EXISTS` makes it a no-op when it is there. */
export const CREATE_VECTOR_INDEX = `CREATE INDEX IF NOT EXISTS ${VECTOR_INDEX} ON chunks USING hnsw (embedding vector_cosine_ops)`;

export async function hasVectorIndex(db: Queryable): Promise<boolean> {
  const rows = await db.query<{ n: number }>(
    "SELECT count(*)::int AS n FROM pg_indexes WHERE indexname = $1",
    [VECTOR_INDEX],
  );
  return (rows[0]?.n ?? 0) > 0;
}

/** Searches meanwhile scan every chunk (exact, slower); writes no longer maintain the graph. */
export async function dropVectorIndex(db: Queryable): Promise<void> {
  await db.query(`DROP INDEX IF EXISTS ${VECTOR_INDEX}`);
}

/**
 * pgvector builds the graph in memory while it fits in maintenance_work_mem (64 MB by default,
 * about 25k chunks at 384 dimensions) and much more slowly on disk after that.
 */
export const REBUILD_SETTINGS = { maintenance_work_mem: "512MB" } as const;

/** Builds the index over every stored chunk; blocks writes to `chunks` (not reads) while it runs. */
export async function ensureVectorIndex(db: Database): Promise<void> {
  await db.transaction((tx) => tx.query(CREATE_VECTOR_INDEX), { settings: REBUILD_SETTINGS });
}
