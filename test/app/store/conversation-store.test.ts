/**
 * The store suite, run twice: on PGlite in-process and through the `pg` driver over pglite-socket
 * (the real Postgres wire protocol), so the same SQL is proven on both paths.
 */
import { describe, expect, it } from "vitest";
import { ExtractiveAnswerer } from "../../../app/src/answers/extractive-answerer.js";
import type { Embedder } from "../../../app/src/embeddings/embedder.js";
import { toVectorLiteral } from "../../../app/src/embeddings/embedder.js";
import { AppError } from "../../../app/src/lib/errors.js";
import type { SearchInput } from "../../../app/src/schemas/search.js";
import { createServices, defaultContext } from "../../../app/src/services/index.js";
import { ConversationStore } from "../../../app/src/store/conversation-store.js";
import { CORPUS } from "../corpus.js";
import { STORE_FACTORIES, testEmbedder, useDatabase } from "../helpers.js";

/** Counts what it embeds, so tests can see that re-sends do not re-embed. */
class CountingEmbedder implements Embedder {
  readonly inner = testEmbedder();
  readonly provider = this.inner.provider;
  readonly model = this.inner.model;
  readonly dimensions = this.inner.dimensions;
  embedded = 0;
  async embed(texts: readonly string[]): Promise<number[][]> {
    this.embedded += texts.length;
    return this.inner.embed(texts);
  }
}

const ctx = defaultContext;

describe.each(STORE_FACTORIES)("ConversationStore on %s", (_name, factory) => {
  const db = useDatabase(factory);
  const setup = (chunking = {}) => {
    const store = new ConversationStore(db.current.databases);
    const embedder = new CountingEmbedder();
    const services = createServices({ store, embedder, answerer: new ExtractiveAnswerer(), chunking });
    return { store, embedder, services };
  };
  const count = async (table: "conversations" | "messages" | "chunks") =>
    (await db.current.databases.primary.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${table}`))[0]!
      .n;
  const search = (
    services: ReturnType<typeof setup>["services"],
    input: Partial<SearchInput> & { query: string },
  ) => services.search.search({ k: 10, mode: "hybrid", ...input }, ctx);

  describe("ingest", () => {
    it("stores a conversation once, however often it is re-sent", async () => {
      const { services, embedder } = setup();
      const first = await services.conversations.ingest(CORPUS[0]!, ctx);
      const again = await services.conversations.ingest(CORPUS[0]!, ctx);
      expect(first).toMatchObject({ conversation_id: "k8s-deploy", messages: 2, added: { messages: 2 } });
      expect(again).toEqual({ ...first, added: { messages: 0, chunks: 0 } });
      expect([await count("conversations"), await count("messages"), await count("chunks")]).toEqual([
        1,
        2,
        first.chunks,
      ]);
      expect(embedder.embedded).toBe(first.chunks);
    });

    it("adds only the new messages and re-embeds only the changed tail when a conversation grows", async () => {
      const { services, embedder } = setup({ maxTokens: 40, overlapTokens: 10 });
      const messages = Array.from({ length: 8 }, (_, i) => ({
        role: i % 2 === 0 ? ("user" as const) : ("assistant" as const),
        content: `Message number ${i} talks about topic ${i} with a few more words to fill the window.`,
      }));
      const first = await services.conversations.ingest({ id: "grow", messages: messages.slice(0, 6) }, ctx);
      const embeddedBefore = embedder.embedded;
      const grown = await services.conversations.ingest({ id: "grow", messages }, ctx);
      expect(grown.added.messages).toBe(2);
      expect(grown.messages).toBe(8);
      expect(embedder.embedded - embeddedBefore).toBe(grown.added.chunks);
      expect(grown.added.chunks).toBeLessThan(grown.chunks);
      expect(first.chunks).toBeGreaterThan(2);
      const stored = await services.conversations.get("grow", ctx);
      expect(stored.messages.map((m) => m.content)).toEqual(messages.map((m) => m.content));
      // Every message is covered by some chunk, and chunks only cover existing messages.
      const rows = await db.current.databases.primary.query<{ start_seq: number; end_seq: number }>(
        "SELECT start_seq, end_seq FROM chunks WHERE conversation_id = 'grow' ORDER BY start_seq",
      );
      const covered = new Set(
        rows.flatMap((r) => Array.from({ length: r.end_seq - r.start_seq + 1 }, (_, i) => r.start_seq + i)),
      );
      expect([...covered].sort((a, b) => a - b)).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    });

    it("rejects a re-send that changes a stored message, naming the message", async () => {
      const { services } = setup();
      await services.conversations.ingest(CORPUS[1]!, ctx);
      const changed = { ...CORPUS[1]!, messages: [{ role: "user" as const, content: "Something else" }] };
      await expect(services.conversations.ingest(changed, ctx)).rejects.toMatchObject({
        code: "CONFLICT",
        message: /messages\.0/,
      });
    });

    it("stores each message once when two requests ingest the same conversation at the same time", async () => {
      const { services } = setup();
      const messages = CORPUS[2]!.messages;
      // Both read "nothing stored"; the second to commit sees the count moved, re-plans and adds only its tail.
      const [a, b] = await Promise.all([
        services.conversations.ingest({ id: "race", messages: messages.slice(0, 2) }, ctx),
        services.conversations.ingest({ id: "race", messages }, ctx),
      ]);
      expect(a.added.messages + b.added.messages).toBe(messages.length);
      expect(await count("messages")).toBe(messages.length);
      const stored = await services.conversations.get("race", ctx);
      expect(stored.messages.map((m) => m.content)).toEqual(messages.map((m) => m.content));
    });

    it("stores nothing of a request that fails mid-transaction", async () => {
      const { store } = setup();
      const good = toVectorLiteral(testEmbedder().embedOne("fine"));
      const plan = {
        id: "half",
        tenantId: ctx.tenantId,
        expectedMessages: 0,
        newMessages: [
          { seq: 0, role: "user" as const, content: "hello", contentHash: "h", createdAt: new Date() },
        ],
        keepChunkKeys: ["0:0:0", "0:0:1"],
        newChunks: [
          {
            startSeq: 0,
            endSeq: 0,
            part: 0,
            roles: ["user" as const],
            text: "a",
            tokenCount: 1,
            createdAt: new Date(),
            vector: good,
          },
          // Wrong dimension: pgvector rejects it after the conversation and messages were written.
          {
            startSeq: 0,
            endSeq: 0,
            part: 1,
            roles: ["user" as const],
            text: "b",
            tokenCount: 1,
            createdAt: new Date(),
            vector: "[1,2,3]",
          },
        ],
      };
      await expect(store.applyIngest(plan)).rejects.toThrow(/dimensions/);
      expect([await count("conversations"), await count("messages"), await count("chunks")]).toEqual([
        0, 0, 0,
      ]);
    });
  });

  it("deletes a conversation with its messages and chunks", async () => {
    const { services } = setup();
    for (const c of CORPUS) await services.conversations.ingest(c, ctx);
    await services.conversations.delete("pasta", ctx);
    await expect(services.conversations.get("pasta", ctx)).rejects.toBeInstanceOf(AppError);
    await expect(services.conversations.delete("pasta", ctx)).rejects.toMatchObject({ code: "NOT_FOUND" });
    const { results } = await search(services, { query: "carbonara guanciale pecorino" });
    expect(results.map((r) => r.conversation_id)).not.toContain("pasta");
    const left = await db.current.databases.primary.query<{ n: number }>(
      "SELECT count(*)::int AS n FROM messages WHERE conversation_id = 'pasta'",
    );
    expect(left[0]!.n).toBe(0);
    expect(await count("conversations")).toBe(CORPUS.length - 1);
  });

  it("lists with filters and follows cursors to the end on microsecond-equal times", async () => {
    const { services } = setup();
    for (const c of CORPUS) await services.conversations.ingest(c, ctx);
    await db.current.databases.primary.query(
      "UPDATE conversations SET created_at = '2025-06-01T12:00:00.000001Z' WHERE id <> 'pasta'",
    );
    const seen: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await services.conversations.list({ limit: 2, cursor }, ctx);
      seen.push(...page.conversations.map((c) => c.id));
      cursor = page.next_cursor ?? undefined;
    } while (cursor);
    const others = CORPUS.map((c) => c.id!).filter((id) => id !== "pasta");
    expect(seen).toEqual(["pasta", ...others.sort().reverse()]);
    const filtered = await services.conversations.list(
      { limit: 20, user_id: "alice", until: "2025-06-01T12:00:00.000001Z" },
      ctx,
    );
    expect(filtered.conversations.map((c) => c.id).sort()).toEqual(
      CORPUS.filter((c) => c.user_id === "alice")
        .map((c) => c.id!)
        .sort(),
    );
    const other = await services.conversations.list({ limit: 20 }, { tenantId: "someone-else" });
    expect(other).toEqual({ conversations: [], next_cursor: null });
  });

  describe("search", () => {
    const ingestCorpus = async () => {
      const s = setup();
      for (const c of CORPUS) await s.services.conversations.ingest(c, ctx);
      return s;
    };

    it("ranks the one conversation sharing the query's words first, in every mode", async () => {
      const { services } = await ingestCorpus();
      // Only the carbonara conversation mentions guanciale or pecorino.
      for (const mode of ["hybrid", "semantic", "keyword"] as const) {
        const { results } = await search(services, { query: "guanciale and pecorino", mode });
        expect(results[0]?.conversation_id, mode).toBe("pasta");
      }
    });

    it("finds an exact error code by keyword, and hybrid keeps it first", async () => {
      const { services } = await ingestCorpus();
      // ERR_PG_53300 appears only in the db-pool conversation; keyword search must return only it.
      const keyword = await search(services, { query: "ERR_PG_53300", mode: "keyword" });
      expect(keyword.results.map((r) => r.conversation_id)).toEqual(["db-pool"]);
      const hybrid = await search(services, { query: "ERR_PG_53300 too many clients", mode: "hybrid" });
      expect(hybrid.results[0]?.conversation_id).toBe("db-pool");
    });

    it("ranks by meaning for a paraphrase with hybrid fusion", async () => {
      const { services } = await ingestCorpus();
      // "connection pool exhausted" is the db-pool assistant reply's wording; "deploying" stems to
      // the k8s conversation's "deploy". Each query has one right answer.
      const pool = await search(services, { query: "why is the postgres connection pool exhausted" });
      expect(pool.results[0]?.conversation_id).toBe("db-pool");
      const deploy = await search(services, { query: "deploying with pulumi to the cluster" });
      expect(deploy.results[0]?.conversation_id).toBe("k8s-deploy");
      // Hybrid scores are RRF sums: positive and best-first.
      const scores = deploy.results.map((r) => r.score);
      expect(scores).toEqual([...scores].sort((a, b) => b - a));
      expect(scores[0]).toBeGreaterThan(0);
    });

    it("returns chunk ids, text, message ranges and times", async () => {
      const { services } = await ingestCorpus();
      const { results } = await search(services, { query: "tram 28 Lisbon", k: 1 });
      expect(results).toHaveLength(1);
      expect(results[0]).toMatchObject({
        conversation_id: "lisbon",
        message_range: { start: 0, end: 1 },
        created_at: "2025-04-12T09:00:08.000Z",
      });
      expect(results[0]!.text).toMatch(/^user: Plan a weekend trip/);
      expect(results[0]!.chunk_id).toMatch(/^[0-9a-f-]{36}$/);
    });

    it("applies every filter", async () => {
      const { services } = await ingestCorpus();
      const ids = async (filter: SearchInput["filter"]) =>
        new Set(
          (await search(services, { query: "assistant user", filter })).results.map((r) => r.conversation_id),
        );
      expect(await ids({ user_id: "bob" })).toEqual(new Set(["pasta", "refund"]));
      expect(await ids({ conversation_id: "lisbon" })).toEqual(new Set(["lisbon"]));
      // Only db-pool has a system message.
      expect(await ids({ role: "system" })).toEqual(new Set(["db-pool"]));
      // Chunk times are their newest message: Feb (pasta) to Apr (lisbon) inclusive.
      expect(await ids({ since: "2025-02-01T00:00:00Z", until: "2025-04-30T00:00:00Z" })).toEqual(
        new Set(["pasta", "db-pool", "lisbon"]),
      );
      expect(await ids({ user_id: "nobody" })).toEqual(new Set());
    });

    it("keeps tenants apart", async () => {
      const { services } = await ingestCorpus();
      const other = { tenantId: "other" };
      expect(
        (await services.search.search({ query: "carbonara", k: 10, mode: "hybrid" }, other)).results,
      ).toEqual([]);
      await expect(services.conversations.get("pasta", other)).rejects.toMatchObject({ code: "NOT_FOUND" });
      // Writing to another tenant's id is a 403 (docs/security.md).
      await expect(services.conversations.ingest(CORPUS[1]!, other)).rejects.toMatchObject({
        code: "FORBIDDEN",
      });
    });

    it("answers from the best chunks and cites them", async () => {
      const { services } = await ingestCorpus();
      const answer = await services.answers.answer({ question: "What goes into carbonara?", k: 3 }, ctx);
      expect(answer.model).toBe("extractive");
      expect(answer.answer).toMatch(/^Extractive answer/);
      expect(answer.answer).toMatch(/Guanciale/);
      expect(answer.citations[0]?.conversation_id).toBe("pasta");
      expect(answer.usage.prompt_tokens).toBeGreaterThan(answer.usage.completion_tokens);
    });
  });
});
