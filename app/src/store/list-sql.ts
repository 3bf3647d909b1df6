/** The listing query of `ConversationStore.list`: keyset pagination on (created_at, id) per tenant. */
import type { SqlParam } from "../db/database.js";
import type { PageKey } from "../lib/cursor.js";
import type { ConversationSummary } from "../schemas/conversation.js";

export interface ListQuery {
  tenantId: string;
  userId?: string;
  since?: string;
  until?: string;
  /** Rows to return at most. */
  limit: number;
  /** Return only rows after this one in the listing order. */
  after?: PageKey;
}

export interface ListRow {
  id: string;
  title: string | null;
  user_id: string | null;
  metadata: Record<string, unknown>;
  created_at: Date;
  updated_at: Date;
  created_key: string;
  message_count: number;
}

/** A summary plus the key the next page's cursor is made of. */
export type ListedConversation = ConversationSummary & { key: PageKey };

/**
 * Served by `conversations_tenant_created (tenant_id, created_at DESC, id DESC)`. The key's time is
 * printed with microseconds (a JS Date would round to milliseconds and skip or repeat rows).
 */
const SQL = `SELECT c.id, c.title, c.user_id, c.metadata, c.created_at, c.updated_at,
       to_char(c.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS created_key,
       (SELECT count(*)::int FROM messages m WHERE m.conversation_id = c.id) AS message_count
FROM conversations c
WHERE c.tenant_id = $1
  AND ($2::text IS NULL OR c.user_id = $2)
  AND ($3::timestamptz IS NULL OR c.created_at >= $3)
  AND ($4::timestamptz IS NULL OR c.created_at <= $4)
  AND ($5::timestamptz IS NULL OR (c.created_at, c.id) < ($5::timestamptz, $6::text))
ORDER BY c.created_at DESC, c.id DESC
LIMIT $7`;

export function buildList(query: ListQuery): { sql: string; params: SqlParam[] } {
  return {
    sql: SQL,
    params: [
      query.tenantId,
      query.userId ?? null,
      query.since ?? null,
      query.until ?? null,
      query.after?.createdAt ?? null,
      query.after?.id ?? null,
      query.limit,
    ],
  };
}

const iso = (d: Date | string) => (d instanceof Date ? d : new Date(d)).toISOString();

export function toListed(r: ListRow): ListedConversation {
  return {
    id: r.id,
    title: r.title,
    user_id: r.user_id,
    metadata: r.metadata,
    created_at: iso(r.created_at),
    updated_at: iso(r.updated_at),
    message_count: r.message_count,
    key: { createdAt: r.created_key, id: r.id },
  };
}
