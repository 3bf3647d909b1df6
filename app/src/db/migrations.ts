/**
 * Versioned schema migrations owned by the app, applied at start-up (idempotent, one transaction
 * each, serialised across replicas by an advisory lock). The vector column's dimension follows the
 * embedding provider; `app_meta` records provider, model and dimension so a mismatch stops start-up
 * instead of mixing incompatible vectors (see docs/app.md, "Re-embedding").
 */
import type { Database, Queryable } from "./database.js";
import { CREATE_VECTOR_INDEX } from "./vector-index.js";

export interface EmbeddingSpec {
  provider: string;
  model: string;
  dimensions: number;
}

interface Migration {
  version: number;
  name: string;
  statements: (spec: EmbeddingSpec) => string[];
}

/** Arbitrary constant shared by every app instance: "mcp-stack migrations". */
const MIGRATION_LOCK = 727_001;

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: "conversations, messages, chunks",
    statements: (spec) => [
      "CREATE EXTENSION IF NOT EXISTS vector",
      `CREATE TABLE IF NOT EXISTS app_meta (key text PRIMARY KEY, value text NOT NULL)`,
      `CREATE TABLE conversations (
        id text PRIMARY KEY,
        tenant_id text NOT NULL DEFAULT 'default',
        title text,
        user_id text,
        metadata jsonb NOT NULL DEFAULT '{}'::jsonb,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`,
      "CREATE INDEX conversations_tenant_user ON conversations (tenant_id, user_id)",
      `CREATE TABLE messages (
        conversation_id text NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
        seq integer NOT NULL,
        role text NOT NULL CHECK (role IN ('user', 'assistant', 'system', 'tool')),
        content text NOT NULL,
        content_hash text NOT NULL,
        created_at timestamptz NOT NULL,
        PRIMARY KEY (conversation_id, seq)
      )`,
      `CREATE TABLE chunks (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        conversation_id text NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
        tenant_id text NOT NULL DEFAULT 'default',
        user_id text,
        start_seq integer NOT NULL,
        end_seq integer NOT NULL,
        part integer NOT NULL DEFAULT 0,
        roles text[] NOT NULL,
        text text NOT NULL,
        token_count integer NOT NULL,
        created_at timestamptz NOT NULL,
        embedding vector(${spec.dimensions}) NOT NULL,
        tsv tsvector GENERATED ALWAYS AS (to_tsvector('english', text)) STORED,
        UNIQUE (conversation_id, start_seq, end_seq, part)
      )`,
      "CREATE INDEX chunks_embedding_hnsw ON chunks USING hnsw (embedding vector_cosine_ops)",
      "CREATE INDEX chunks_tsv_gin ON chunks USING gin (tsv)",
      "CREATE INDEX chunks_tenant_user ON chunks (tenant_id, user_id)",
      "CREATE INDEX chunks_tenant_created ON chunks (tenant_id, created_at)",
    ],
  },
  {
    version: 2,
    name: "conversation listing index",
    // GET /v1/conversations pages newest first by the key (created_at, id) within a tenant.
    statements: () => [
      "CREATE INDEX conversations_tenant_created ON conversations (tenant_id, created_at DESC, id DESC)",
    ],
  },
];

export const LATEST_VERSION = Math.max(...MIGRATIONS.map((m) => m.version));

/** Start-up refuses to run with vectors from a different provider, model or dimension. */
export class EmbeddingMismatchError extends Error {
  constructor(stored: EmbeddingSpec, wanted: EmbeddingSpec) {
    super(
      `The database holds ${stored.dimensions}-dimensional embeddings from ${stored.provider}/${stored.model}, ` +
        `but the app is configured for ${wanted.dimensions}-dimensional ${wanted.provider}/${wanted.model}. ` +
        "Either restore EMBEDDING_PROVIDER/EMBEDDING_MODEL/EMBEDDING_DIMENSIONS, or re-embed the stored chunks " +
        "with `npm run reembed -w app` (see docs/app.md).",
    );
    this.name = "EmbeddingMismatchError";
  }
}

async function readSpec(db: Queryable): Promise<EmbeddingSpec | undefined> {
  const rows = await db.query<{ key: string; value: string }>(
    "SELECT key, value FROM app_meta WHERE key LIKE 'embedding_%'",
  );
  const meta = new Map(rows.map((r) => [r.key, r.value]));
  const provider = meta.get("embedding_provider");
  const model = meta.get("embedding_model");
  const dimensions = meta.get("embedding_dimensions");
  if (!provider || !model || !dimensions) return undefined;
  return { provider, model, dimensions: Number(dimensions) };
}

/** Records the embedding spec the stored vectors were made with. */
export async function writeSpec(db: Queryable, spec: EmbeddingSpec): Promise<void> {
  for (const [key, value] of [
    ["embedding_provider", spec.provider],
    ["embedding_model", spec.model],
    ["embedding_dimensions", String(spec.dimensions)],
  ] as const) {
    await db.query(
      "INSERT INTO app_meta (key, value) VALUES ($1, $2) ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value",
      [key, value],
    );
  }
}

/** Applies pending migrations and checks the embedding spec. Returns the versions it applied. */
export async function migrate(db: Database, spec: EmbeddingSpec): Promise<number[]> {
  return db.transaction(async (tx) => {
    await tx.query("SELECT pg_advisory_xact_lock($1)", [MIGRATION_LOCK]);
    await tx.query(
      `CREATE TABLE IF NOT EXISTS schema_migrations (
        version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())`,
    );
    await tx.query("CREATE TABLE IF NOT EXISTS app_meta (key text PRIMARY KEY, value text NOT NULL)");
    const stored = await readSpec(tx);
    if (
      stored &&
      (stored.provider !== spec.provider ||
        stored.model !== spec.model ||
        stored.dimensions !== spec.dimensions)
    ) {
      throw new EmbeddingMismatchError(stored, spec);
    }
    const done = new Set(
      (await tx.query<{ version: number }>("SELECT version FROM schema_migrations")).map((r) => r.version),
    );
    const applied: number[] = [];
    for (const migration of MIGRATIONS) {
      if (done.has(migration.version)) continue;
      for (const statement of migration.statements(spec)) await tx.query(statement);
      await tx.query("INSERT INTO schema_migrations (version, name) VALUES ($1, $2)", [
        migration.version,
        migration.name,
      ]);
      applied.push(migration.version);
    }
    if (!stored) await writeSpec(tx, spec);
    // An import run with --defer-index that was killed before its rebuild leaves the index missing.
    await tx.query(CREATE_VECTOR_INDEX);
    return applied;
  });
}

/** Readiness: the database answers and every migration is applied. */
export async function isMigrated(db: Queryable): Promise<boolean> {
  const rows = await db.query<{ version: number | null }>(
    "SELECT max(version) AS version FROM schema_migrations",
  );
  return (rows[0]?.version ?? 0) >= LATEST_VERSION;
}
