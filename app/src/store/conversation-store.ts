/**
 * All SQL about conversations, messages and chunks. Writes and reads-after-write go to the primary;
 * search goes to the replica (the primary again when there is none).
 */
import {
  type Databases,
  type Queryable,
  type QuerySettings,
  SEARCH_SETTINGS,
  searchTransaction,
} from "../db/database.js";
import { AppError } from "../lib/errors.js";
import type { ChunkDraft, Role } from "../retrieval/chunker.js";
import type { Conversation } from "../schemas/conversation.js";
import type { SearchHit } from "../schemas/search.js";
import { checkAborted } from "../services/abort.js";
import { buildList, type ListedConversation, type ListQuery, type ListRow, toListed } from "./list-sql.js";
import { buildSearch, type SearchQuery } from "./search-sql.js";

export type { ListQuery } from "./list-sql.js";

export interface StoredState {
  exists: boolean;
  messages: { seq: number; contentHash: string; createdAt: Date }[];
  chunkKeys: Set<string>;
}

export interface NewMessage {
  seq: number;
  role: Role;
  content: string;
  contentHash: string;
  createdAt: Date;
}

export interface IngestPlan {
  id: string;
  tenantId: string;
  title?: string;
  userId?: string;
  metadata?: Record<string, unknown>;
  /** How many messages the plan was computed against; a different count at commit time aborts. */
  expectedMessages: number;
  newMessages: NewMessage[];
  /** Keys (`chunkKey`) of every chunk the conversation should have after this ingest. */
  keepChunkKeys: string[];
  /** Chunks to insert, with their embeddings as pgvector literals. */
  newChunks: (ChunkDraft & { vector: string })[];
}

/** Thrown when another request changed the conversation between planning and commit; the service retries. */
export class ConcurrentChangeError extends AppError {
  constructor(id: string) {
    super("CONFLICT", `Conversation ${id} changed while this request was being processed; retry it`);
  }
}

interface HitRow {
  chunk_id: string;
  conversation_id: string;
  text: string;
  start_seq: number;
  end_seq: number;
  created_at: Date;
  score: number;
}

const iso = (d: Date | string) => (d instanceof Date ? d : new Date(d)).toISOString();

export class ConversationStore {
  private readonly db: Databases;
  constructor(db: Databases) {
    this.db = db;
  }

  /**
   * What is stored for `id` in `tenantId`. An id that belongs to another tenant is a 403: the caller
   * named it explicitly and may not write to it (reads of such ids are 404s instead, see docs/security.md).
   */
  async readState(id: string, tenantId: string, signal?: AbortSignal): Promise<StoredState> {
    checkAborted(signal);
    const owner = await this.db.primary.query<{ tenant_id: string }>(
      "SELECT tenant_id FROM conversations WHERE id = $1",
      [id],
    );
    if (owner.length === 0) return { exists: false, messages: [], chunkKeys: new Set() };
    if (owner[0]!.tenant_id !== tenantId) throw forbidden(id);
    const messages = await this.db.primary.query<{ seq: number; content_hash: string; created_at: Date }>(
      "SELECT seq, content_hash, created_at FROM messages WHERE conversation_id = $1 ORDER BY seq",
      [id],
    );
    const chunks = await this.db.primary.query<{ key: string }>(
      "SELECT start_seq || ':' || end_seq || ':' || part AS key FROM chunks WHERE conversation_id = $1",
      [id],
    );
    return {
      exists: true,
      messages: messages.map((m) => ({
        seq: m.seq,
        contentHash: m.content_hash,
        createdAt: new Date(m.created_at),
      })),
      chunkKeys: new Set(chunks.map((c) => c.key)),
    };
  }

  /**
   * Applies an ingest plan in one transaction: all of it is stored or none. A deadline passing
   * before the commit rolls it back (checked between statements).
   */
  async applyIngest(plan: IngestPlan, signal?: AbortSignal): Promise<{ messages: number; chunks: number }> {
    checkAborted(signal);
    return this.db.primary.transaction(async (tx) => {
      const upserted = await tx.query<{ id: string }>(
        `INSERT INTO conversations (id, tenant_id, title, user_id, metadata)
         VALUES ($1, $2, $3, $4, $5::jsonb)
         ON CONFLICT (id) DO UPDATE SET
           title = coalesce(EXCLUDED.title, conversations.title),
           user_id = coalesce(EXCLUDED.user_id, conversations.user_id),
           metadata = CASE WHEN $6 THEN EXCLUDED.metadata ELSE conversations.metadata END,
           updated_at = now()
         WHERE conversations.tenant_id = EXCLUDED.tenant_id
         RETURNING id`,
        [
          plan.id,
          plan.tenantId,
          plan.title ?? null,
          plan.userId ?? null,
          JSON.stringify(plan.metadata ?? {}),
          plan.metadata !== undefined,
        ],
      );
      // Another tenant took the id between readState and here.
      if (upserted.length === 0) throw forbidden(plan.id);
      checkAborted(signal);
      // The upsert holds the conversation's row lock, so this count cannot move until commit.
      const [count] = await tx.query<{ n: number }>(
        "SELECT count(*)::int AS n FROM messages WHERE conversation_id = $1",
        [plan.id],
      );
      if ((count?.n ?? 0) !== plan.expectedMessages) throw new ConcurrentChangeError(plan.id);
      if (plan.newMessages.length > 0) await insertMessages(tx, plan.id, plan.newMessages);
      await tx.query(
        `DELETE FROM chunks WHERE conversation_id = $1
           AND NOT (start_seq || ':' || end_seq || ':' || part = ANY($2::text[]))`,
        [plan.id, plan.keepChunkKeys],
      );
      if (plan.userId !== undefined) {
        // Only rows that change: every updated row is a new tuple the HNSW index must insert again.
        await tx.query(
          "UPDATE chunks SET user_id = $2 WHERE conversation_id = $1 AND user_id IS DISTINCT FROM $2",
          [plan.id, plan.userId],
        );
      }
      checkAborted(signal);
      if (plan.newChunks.length > 0) await insertChunks(tx, plan);
      checkAborted(signal);
      const [totals] = await tx.query<{ messages: number; chunks: number }>(
        `SELECT (SELECT count(*)::int FROM messages WHERE conversation_id = $1) AS messages,
                (SELECT count(*)::int FROM chunks WHERE conversation_id = $1) AS chunks`,
        [plan.id],
      );
      return { messages: totals?.messages ?? 0, chunks: totals?.chunks ?? 0 };
    });
  }

  /** The conversation with its messages, or undefined. Reads the primary (read-your-writes). */
  async get(id: string, tenantId: string): Promise<Conversation | undefined> {
    const rows = await this.db.primary.query<{
      id: string;
      title: string | null;
      user_id: string | null;
      metadata: Record<string, unknown>;
      created_at: Date;
      updated_at: Date;
    }>(
      "SELECT id, title, user_id, metadata, created_at, updated_at FROM conversations WHERE id = $1 AND tenant_id = $2",
      [id, tenantId],
    );
    const row = rows[0];
    if (!row) return undefined;
    const messages = await this.db.primary.query<{
      seq: number;
      role: Role;
      content: string;
      created_at: Date;
    }>("SELECT seq, role, content, created_at FROM messages WHERE conversation_id = $1 ORDER BY seq", [id]);
    return {
      id: row.id,
      title: row.title,
      user_id: row.user_id,
      metadata: row.metadata,
      created_at: iso(row.created_at),
      updated_at: iso(row.updated_at),
      messages: messages.map((m) => ({
        seq: m.seq,
        role: m.role,
        content: m.content,
        created_at: iso(m.created_at),
      })),
    };
  }

  /**
   * A tenant's conversations, newest first by the key (created_at, id), starting after `after`.
   * Keyset, not offset: conversations ingested while a client pages arrive at the front (their
   * created_at is later), and re-ingests never change created_at, so no row moves across a page
   * boundary and none is returned twice or skipped. Each row carries its key for the next cursor.
   */
  async list(query: ListQuery): Promise<ListedConversation[]> {
    const { sql, params } = buildList(query);
    return (await this.db.primary.query<ListRow>(sql, params)).map(toListed);
  }

  /** Deletes the conversation, its messages and chunks. False when there was nothing to delete. */
  async delete(id: string, tenantId: string): Promise<boolean> {
    const rows = await this.db.primary.query<{ id: string }>(
      "DELETE FROM conversations WHERE id = $1 AND tenant_id = $2 RETURNING id",
      [id, tenantId],
    );
    return rows.length > 0;
  }

  /**
   * Runs one search on the replica. Semantic and hybrid searches read the HNSW index, so they run in
   * a transaction that starts with `settings` (SET LOCAL): correct behind a transaction pooler.
   * Keyword search needs no settings and runs as a single statement. `settings` other than
   * {@link SEARCH_SETTINGS} are for measurements (the bench's ef_search sweep).
   */
  async search(
    query: SearchQuery,
    signal?: AbortSignal,
    settings: QuerySettings = SEARCH_SETTINGS,
  ): Promise<SearchHit[]> {
    checkAborted(signal);
    const { sql, params } = buildSearch(query);
    const rows =
      query.mode === "keyword"
        ? await this.db.replica.query<HitRow>(sql, params)
        : await searchTransaction(this.db.replica, (tx) => tx.query<HitRow>(sql, params), settings);
    const hits = rows.map((r) => ({
      conversation_id: r.conversation_id,
      chunk_id: r.chunk_id,
      text: r.text,
      score: Number(r.score),
      message_range: { start: r.start_seq, end: r.end_seq },
      created_at: iso(r.created_at),
    }));
    // Iterative HNSW scans return "relaxed order"; restore strict best-first order.
    return hits.sort((a, b) => b.score - a.score || a.chunk_id.localeCompare(b.chunk_id));
  }
}

function forbidden(id: string): AppError {
  return new AppError("FORBIDDEN", `Conversation id ${id} belongs to another tenant`);
}

async function insertMessages(tx: Queryable, id: string, messages: NewMessage[]): Promise<void> {
  await tx.query(
    `INSERT INTO messages (conversation_id, seq, role, content, content_hash, created_at)
     SELECT $1, t.seq, t.role, t.content, t.hash, t.created_at
     FROM unnest($2::int[], $3::text[], $4::text[], $5::text[], $6::timestamptz[]) AS t(seq, role, content, hash, created_at)`,
    [
      id,
      messages.map((m) => m.seq),
      messages.map((m) => m.role),
      messages.map((m) => m.content),
      messages.map((m) => m.contentHash),
      messages.map((m) => m.createdAt.toISOString()),
    ],
  );
}

async function insertChunks(tx: Queryable, plan: IngestPlan): Promise<void> {
  const c = plan.newChunks;
  await tx.query(
    `INSERT INTO chunks (conversation_id, tenant_id, user_id, start_seq, end_seq, part, roles, text, token_count, created_at, embedding)
     SELECT $1, $2, (SELECT user_id FROM conversations WHERE id = $1), t.s, t.e, t.p, string_to_array(t.roles, ','),
            t.text, t.tokens, t.created_at, t.vector::vector
     FROM unnest($3::int[], $4::int[], $5::int[], $6::text[], $7::text[], $8::int[], $9::timestamptz[], $10::text[])
          AS t(s, e, p, roles, text, tokens, created_at, vector)
     ON CONFLICT (conversation_id, start_seq, end_seq, part) DO NOTHING`,
    [
      plan.id,
      plan.tenantId,
      c.map((x) => x.startSeq),
      c.map((x) => x.endSeq),
      c.map((x) => x.part),
      c.map((x) => x.roles.join(",")),
      c.map((x) => x.text),
      c.map((x) => x.tokenCount),
      c.map((x) => x.createdAt.toISOString()),
      c.map((x) => x.vector),
    ],
  );
}
