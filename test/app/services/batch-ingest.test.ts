/**
 * The batch ingest against the single one: the same results, rows and search answers as ingesting
 * the same conversations one by one; idempotent on a re-run; a conversation that fails (at insert,
 * on a changed message, on another tenant's id) is reported by index, leaves no rows and does not
 * stop the others.
 */
import { describe, expect, it } from "vitest";
import { DisabledCache } from "../../../app/src/cache/cache.js";
import { type Databases, mapDbError } from "../../../app/src/db/database.js";
import type { IngestConversationInput } from "../../../app/src/schemas/conversation.js";
import { ConversationService } from "../../../app/src/services/conversation-service.js";
import { SearchService } from "../../../app/src/services/search-service.js";
import { ConversationStore } from "../../../app/src/store/conversation-store.js";
import { CORPUS } from "../corpus.js";
import { testEmbedder, useDatabase } from "../helpers.js";

const ctx = { tenantId: "default" };
const NOW = new Date("2026-01-01T00:00:00Z");

function services(databases: Databases, hooks = {}) {
  const store = new ConversationStore(databases);
  const embedder = testEmbedder();
  return {
    conversations: new ConversationService(store, embedder, { now: () => NOW, hooks }),
    search: new SearchService(store, embedder, new DisabledCache(), {}),
  };
}

/** Everything stored, minus what is generated per write (chunk ids, row times of conversations). */
async function snapshot(databases: Databases) {
  const q = (sql: string) => databases.primary.query(sql);
  return {
    conversations: await q("SELECT id, tenant_id, title, user_id, metadata FROM conversations ORDER BY id"),
    messages: await q(
      "SELECT conversation_id, seq, role, content, content_hash, created_at FROM messages ORDER BY conversation_id, seq",
    ),
    chunks: await q(
      `SELECT conversation_id, tenant_id, user_id, start_seq, end_seq, part, roles, text, token_count, created_at,
              embedding::text AS embedding
       FROM chunks ORDER BY conversation_id, start_seq, end_seq, part`,
    ),
  };
}

const QUERIES = [
  "deploy kubernetes cluster",
  "carbonara guanciale",
  "connection pool exhausted",
  "backup restore",
];

async function searches(s: ReturnType<typeof services>) {
  const out: unknown[] = [];
  for (const query of QUERIES) {
    for (const mode of ["hybrid", "semantic", "keyword"] as const) {
      const { results } = await s.search.search({ query, k: 5, mode }, ctx);
      out.push(results.map(({ chunk_id: _id, ...hit }) => hit));
    }
  }
  return out;
}

/** A mix: new conversations, grown ones, an exact re-send, a changed title, a prefix. */
function scenario(): { before: IngestConversationInput[]; batch: IngestConversationInput[] } {
  const grown = CORPUS[2]!;
  const before = [CORPUS[0]!, { ...grown, messages: grown.messages.slice(0, 1) }, CORPUS[3]!, CORPUS[4]!];
  const batch = [
    CORPUS[0]!, // exact re-send
    grown, // grown by two messages
    { ...CORPUS[3]!, title: "Renamed" },
    { id: CORPUS[4]!.id, messages: CORPUS[4]!.messages.slice(0, 1) }, // a prefix: unchanged
    ...CORPUS.slice(5),
    CORPUS[1]!,
  ];
  return { before, batch };
}

describe("batch ingest", () => {
  const db = useDatabase();

  it("stores what one-by-one ingests store: same results, rows and search answers", async () => {
    const { before, batch } = scenario();
    const s = services(db.current.databases);
    for (const c of before) await s.conversations.ingest(c, ctx);
    const sequential = [];
    for (const c of batch) sequential.push(await s.conversations.ingest(c, ctx));
    const oneByOne = { rows: await snapshot(db.current.databases), search: await searches(s) };

    await db.current.databases.primary.query("TRUNCATE conversations CASCADE");
    for (const c of before) await s.conversations.ingest(c, ctx);
    const batched = await s.conversations.ingestMany(batch, ctx);
    expect(batched.results.map(({ index: _i, status: _s, ...r }) => r)).toEqual(sequential);
    expect(batched.results.map((r) => r.status)).toEqual([
      "unchanged",
      "ingested",
      "ingested",
      "unchanged",
      ...CORPUS.slice(5).map(() => "ingested"),
      "ingested",
    ]);
    expect(batched.counts).toEqual({ ingested: batch.length - 2, unchanged: 2, failed: 0 });
    expect(await snapshot(db.current.databases)).toEqual(oneByOne.rows);
    expect(await searches(s)).toEqual(oneByOne.search);
  });

  it("writes nothing when the same batch is sent again", async () => {
    const s = services(db.current.databases);
    await s.conversations.ingestMany(CORPUS, ctx);
    const stored = await db.current.databases.primary.query(
      "SELECT id, updated_at FROM conversations ORDER BY id",
    );
    let writes = 0;
    const again = await s.conversations.ingestMany(CORPUS, ctx, {
      beforeWrite: async () => {
        writes++;
      },
    });
    expect(again.counts).toEqual({ ingested: 0, unchanged: CORPUS.length, failed: 0 });
    expect(writes).toBe(0);
    expect(
      await db.current.databases.primary.query("SELECT id, updated_at FROM conversations ORDER BY id"),
    ).toEqual(stored);
  });

  it("applies a batch that names one conversation twice in order, like two requests", async () => {
    const s = services(db.current.databases);
    const c = CORPUS[2]!;
    const batch = [{ ...c, messages: c.messages.slice(0, 1) }, c, { ...c, messages: c.messages.slice(0, 2) }];
    const result = await s.conversations.ingestMany(batch, ctx);
    expect(result.results.map((r) => r.status)).toEqual(["ingested", "ingested", "unchanged"]);
    const sequential = await snapshot(db.current.databases);
    await db.current.databases.primary.query("TRUNCATE conversations CASCADE");
    for (const x of batch) await s.conversations.ingest(x, ctx);
    expect(await snapshot(db.current.databases)).toEqual(sequential);
  });

  it("reports a conversation that fails at insert by its index, stores none of it and all the others", async () => {
    const primary = db.current.databases.primary;
    // A real failure inside the database, in the middle of the batch's chunk insert.
    await primary.query(`CREATE FUNCTION refuse_poison() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN IF NEW.conversation_id = 'poison' THEN RAISE EXCEPTION 'disk full (injected)'; END IF; RETURN NEW; END $$`);
    await primary.query(
      "CREATE TRIGGER refuse_poison BEFORE INSERT ON chunks FOR EACH ROW EXECUTE FUNCTION refuse_poison()",
    );
    try {
      const s = services(db.current.databases);
      await s.conversations.ingest(CORPUS[1]!, ctx);
      await s.conversations.ingest(CORPUS[3]!, { tenantId: "other" });
      const unexpected: [number, string][] = [];
      const batch: IngestConversationInput[] = [
        CORPUS[0]!,
        {
          id: "poison",
          title: "never stored",
          messages: [{ role: "user", content: "this one fails at insert" }],
        },
        { id: "pasta", messages: [{ role: "user", content: "changed history" }] },
        CORPUS[3]!, // another tenant's id
        CORPUS[2]!,
      ];
      const result = await s.conversations.ingestMany(batch, ctx, {
        onUnexpected: (index, id) => unexpected.push([index, id]),
      });
      expect(result.results.map((r) => [r.index, r.status])).toEqual([
        [0, "ingested"],
        [1, "failed"],
        [2, "failed"],
        [3, "failed"],
        [4, "ingested"],
      ]);
      expect(result.results[1]).toMatchObject({ conversation_id: "poison", error: { code: "INTERNAL" } });
      expect(result.results[2]).toMatchObject({
        conversation_id: "pasta",
        error: { code: "CONFLICT", message: expect.stringContaining("messages.0 differs") },
      });
      expect(result.results[3]).toMatchObject({ error: { code: "FORBIDDEN" } });
      expect(result.counts).toEqual({ ingested: 2, unchanged: 0, failed: 3 });
      expect(unexpected).toEqual([[1, "poison"]]);
      const rows = async (table: string, column: string, id: string) =>
        (
          await primary.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${table} WHERE ${column} = $1`, [
            id,
          ])
        )[0]!.n;
      for (const table of ["messages", "chunks"])
        expect(await rows(table, "conversation_id", "poison")).toBe(0);
      expect(await rows("conversations", "id", "poison")).toBe(0);
      expect(await rows("messages", "conversation_id", "pasta")).toBe(CORPUS[1]!.messages.length);
      expect(await rows("conversations", "tenant_id", "other")).toBe(1);
      for (const ok of [CORPUS[0]!, CORPUS[2]!]) {
        expect(await rows("messages", "conversation_id", ok.id!)).toBe(ok.messages.length);
        expect(await rows("chunks", "conversation_id", ok.id!)).toBeGreaterThan(0);
      }
    } finally {
      await primary.query("DROP TRIGGER refuse_poison ON chunks");
      await primary.query("DROP FUNCTION refuse_poison()");
    }
  });

  it("fails the whole batch when the database is gone, rather than reporting every conversation", async () => {
    const s = services({
      primary: {
        ...db.current.databases.primary,
        kind: "pglite",
        query: async () =>
          mapDbError(Object.assign(new Error("connect ECONNREFUSED"), { code: "ECONNREFUSED" })),
      } as unknown as Databases["primary"],
      replica: db.current.databases.replica,
    });
    await expect(s.conversations.ingestMany(CORPUS.slice(0, 2), ctx)).rejects.toMatchObject({
      code: "DB_UNAVAILABLE",
    });
  });

  it("counts every conversation for the metrics, as single ingests would", async () => {
    const ingested: [string, number, number][] = [];
    const s = services(db.current.databases, {
      conversationIngested: (tenant: string, messages: number, chunks: number) =>
        ingested.push([tenant, messages, chunks]),
    });
    const result = await s.conversations.ingestMany(CORPUS.slice(0, 3), ctx);
    expect(ingested).toEqual(
      result.results.map((r) => [
        "default",
        r.status === "failed" ? 0 : r.added.messages,
        r.status === "failed" ? 0 : r.added.chunks,
      ]),
    );
    expect(ingested.map(([, m]) => m)).toEqual(CORPUS.slice(0, 3).map((c) => c.messages.length));
  });
});
