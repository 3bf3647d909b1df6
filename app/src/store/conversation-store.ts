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
  /** The id belongs to another tenant (then nothing else is read). */
  foreign: boolean;
  /** The stored conversation's own fields (when it exists). */
  fields?: { title: string | null; userId: string | null; metadata: Record<string, unknown> };
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
    const state = (await this.readStates([id], tenantId, signal)).get(id)!;
    if (state.foreign) throw forbidden(id);
    return state;
  }

  /**
   * {@link readState} for many ids in three statements (the batch ingest); another tenant's id comes
   * back as `foreign` instead of throwing, so the batch can report it for that conversation alone.
   */
  async readStates(
    ids: readonly string[],
    tenantId: string,
    signal?: AbortSignal,
  ): Promise<Map<string, StoredState>> {
    checkAborted(signal);
    const states = new Map<string, StoredState>(
      ids.map((id) => [id, { exists: false, foreign: false, messages: [], chunkKeys: new Set<string>() }]),
    );
    const owners = await this.db.primary.query<{
      id: string;
      tenant_id: string;
      title: string | null;
      user_id: string | null;
      metadata: Record<string, unknown>;
    }>("SELECT id, tenant_id, title, user_id, metadata FROM conversations WHERE id = ANY($1::text[])", [ids]);
    const own: string[] = [];
    for (const owner of owners) {
      const state = states.get(owner.id)!;
      if (owner.tenant_id === tenantId) {
        state.exists = true;
        state.fields = { title: owner.title, userId: owner.user_id, metadata: owner.metadata };
        own.push(owner.id);
      } else state.foreign = true;
    }
    if (own.length === 0) return states;
    const messages = await this.db.primary.query<{
      conversation_id: string;
      seq: number;
      content_hash: string;
      created_at: Date;
    }>(
      `SELECT conversation_id, seq, content_hash, created_at FROM messages
       WHERE conversation_id = ANY($1::text[]) ORDER BY conversation_id, seq`,
      [own],
    );
    for (const m of messages) {
      states.get(m.conversation_id)!.messages.push({
        seq: m.seq,
        contentHash: m.content_hash,
        createdAt: new Date(m.created_at),
      });
    }
    const chunks = await this.db.primary.query<{ conversation_id: string; key: string }>(
      `SELECT conversation_id, start_seq || ':' || end_seq || ':' || part AS key FROM chunks
       WHERE conversation_id = ANY($1::text[])`,
      [own],
    );
    for (const c of chunks) states.get(c.conversation_id)!.chunkKeys.add(c.key);
    return states;
  }

  /**
   * Applies an ingest plan in one transaction: all of it is stored or none. A deadline passing
   * before the commit rolls it back (checked between statements).
   */
  async applyIngest(plan: IngestPlan, signal?: AbortSignal): Promise<{ messages: number; chunks: number }> {
    return (await this.applyIngestBatch([plan], signal)).get(plan.id)!;
  }

  /**
   * Applies several plans (distinct ids, one tenant) in one transaction with one statement per step
   * for all of them: all of them are stored or none. Throws {@link ConcurrentChangeError} or a
   * FORBIDDEN naming the first conversation that moved since its plan was made.
   */
  async applyIngestBatch(
    plans: readonly IngestPlan[],
    signal?: AbortSignal,
  ): Promise<Map<string, { messages: number; chunks: number }>> {
    checkAborted(signal);
    const ids = plans.map((p) => p.id);
    return this.db.primary.transaction(async (tx) => {
      const upserted = await tx.query<{ id: string }>(
        `INSERT INTO conversations (id, tenant_id, title, user_id, metadata)
         SELECT t.id, t.tenant_id, t.title, t.user_id, t.metadata::jsonb
         FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[]) AS t(id, tenant_id, title, user_id, metadata)
         ON CONFLICT (id) DO UPDATE SET
           title = coalesce(EXCLUDED.title, conversations.title),
           user_id = coalesce(EXCLUDED.user_id, conversations.user_id),
           metadata = CASE WHEN (EXCLUDED.id = ANY($6::text[])) THEN EXCLUDED.metadata ELSE conversations.metadata END,
           updated_at = now()
         WHERE conversations.tenant_id = EXCLUDED.tenant_id
         RETURNING id`,
        [
          ids,
          plans.map((p) => p.tenantId),
          plans.map((p) => p.title ?? null),
          plans.map((p) => p.userId ?? null),
          plans.map((p) => JSON.stringify(p.metadata ?? {})),
          plans.filter((p) => p.metadata !== undefined).map((p) => p.id),
        ],
      );
      // Another tenant took an id between readStates and here.
      const taken = new Set(upserted.map((r) => r.id));
      const lost = ids.find((id) => !taken.has(id));
      if (lost !== undefined) throw forbidden(lost);
      checkAborted(signal);
      // The upsert holds each conversation's row lock, so these counts cannot move until commit.
      const counts = await tx.query<{ id: string; n: number }>(
        `SELECT t.id, (SELECT count(*)::int FROM messages WHERE conversation_id = t.id) AS n
         FROM unnest($1::text[]) AS t(id)`,
        [ids],
      );
      const expected = new Map(plans.map((p) => [p.id, p.expectedMessages]));
      const moved = counts.find((c) => c.n !== expected.get(c.id));
      if (moved) throw new ConcurrentChangeError(moved.id);
      const messages = plans.flatMap((p) => p.newMessages.map((m) => ({ id: p.id, m })));
      if (messages.length > 0) await insertMessages(tx, messages);
      const keep = plans.flatMap((p) => p.keepChunkKeys.map((key) => ({ id: p.id, key })));
      await tx.query(
        `DELETE FROM chunks WHERE conversation_id = ANY($1::text[])
           AND NOT EXISTS (
             SELECT 1 FROM unnest($2::text[], $3::text[]) AS k(id, key)
             WHERE k.id = chunks.conversation_id AND k.key = chunks.start_seq || ':' || chunks.end_seq || ':' || chunks.part)`,
        [ids, keep.map((k) => k.id), keep.map((k) => k.key)],
      );
      const users = plans.filter((p) => p.userId !== undefined);
      if (users.length > 0) {
        // Only rows that change: every updated row is a new tuple the HNSW index must insert again.
        await tx.query(
          `UPDATE chunks SET user_id = t.user_id FROM unnest($1::text[], $2::text[]) AS t(id, user_id)
           WHERE chunks.conversation_id = t.id AND chunks.user_id IS DISTINCT FROM t.user_id`,
          [users.map((p) => p.id), users.map((p) => p.userId!)],
        );
      }
      checkAborted(signal);
      const chunks = plans.flatMap((p) => p.newChunks.map((c) => ({ id: p.id, tenantId: p.tenantId, c })));
      if (chunks.length > 0) await insertChunks(tx, chunks);
      checkAborted(signal);
      const totals = await tx.query<{ id: string; messages: number; chunks: number }>(
        `SELECT t.id,
                (SELECT count(*)::int FROM messages WHERE conversation_id = t.id) AS messages,
                (SELECT count(*)::int FROM chunks WHERE conversation_id = t.id) AS chunks
         FROM unnest($1::text[]) AS t(id)`,
        [ids],
      );
      return new Map(totals.map((t) => [t.id, { messages: t.messages, chunks: t.chunks }]));
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

/** The FORBIDDEN an ingest gets for an id of another tenant. */
export function forbidden(id: string): AppError {
  return new AppError("FORBIDDEN", `Conversation id ${id} belongs to another tenant`);
}

async function insertMessages(tx: Queryable, rows: { id: string; m: NewMessage }[]): Promise<void> {
  await tx.query(
    `INSERT INTO messages (conversation_id, seq, role, content, content_hash, created_at)
     SELECT t.id, t.seq, t.role, t.content, t.hash, t.created_at
     FROM unnest($1::text[], $2::int[], $3::text[], $4::text[], $5::text[], $6::timestamptz[])
          AS t(id, seq, role, content, hash, created_at)`,
    [
      rows.map((r) => r.id),
      rows.map((r) => r.m.seq),
      rows.map((r) => r.m.role),
      rows.map((r) => r.m.content),
      rows.map((r) => r.m.contentHash),
      rows.map((r) => r.m.createdAt.toISOString()),
    ],
  );
}

async function insertChunks(
  tx: Queryable,
  rows: { id: string; tenantId: string; c: ChunkDraft & { vector: string } }[],
): Promise<void> {
  await tx.query(
    `INSERT INTO chunks (conversation_id, tenant_id, user_id, start_seq, end_seq, part, roles, text, token_count, created_at, embedding)
     SELECT t.id, t.tenant_id, (SELECT user_id FROM conversations WHERE id = t.id), t.s, t.e, t.p, string_to_array(t.roles, ','),
            t.text, t.tokens, t.created_at, t.vector::vector
     FROM unnest($1::text[], $2::text[], $3::int[], $4::int[], $5::int[], $6::text[], $7::text[], $8::int[], $9::timestamptz[], $10::text[])
          AS t(id, tenant_id, s, e, p, roles, text, tokens, created_at, vector)
     ON CONFLICT (conversation_id, start_seq, end_seq, part) DO NOTHING`,
    [
      rows.map((r) => r.id),
      rows.map((r) => r.tenantId),
      rows.map((r) => r.c.startSeq),
      rows.map((r) => r.c.endSeq),
      rows.map((r) => r.c.part),
      rows.map((r) => r.c.roles.join(",")),
      rows.map((r) => r.c.text),
      rows.map((r) => r.c.tokenCount),
      rows.map((r) => r.c.createdAt.toISOString()),
      rows.map((r) => r.c.vector),
    ],
  );
}
