/**
 * `GET /v1/conversations`: newest first, filters, bounded limit with a default, and keyset cursors
 * that neither repeat nor skip a conversation while others are being ingested.
 */
import { describe, expect, it } from "vitest";
import { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE } from "../../../../app/src/schemas/conversation.js";
import { CORPUS } from "../../corpus.js";
import { useApp } from "../../helpers.js";

interface Summary {
  id: string;
  user_id: string | null;
  created_at: string;
  message_count: number;
}
interface Page {
  conversations: Summary[];
  next_cursor: string | null;
}

const conversation = (id: string, userId = "u1", messages = 1) => ({
  id,
  user_id: userId,
  messages: Array.from({ length: messages }, (_, i) => ({ role: "user", content: `${id} message ${i}` })),
});

describe("GET /v1/conversations", () => {
  const t = useApp();
  const ingest = async (payload: object) => {
    const res = await t.app.inject({ method: "POST", url: "/v1/conversations", payload });
    expect(res.statusCode, res.body).toBe(201);
  };
  const list = async (query: Record<string, string | number> = {}): Promise<Page> => {
    const res = await t.app.inject({ url: "/v1/conversations", query: stringify(query) });
    expect(res.statusCode, res.body).toBe(200);
    return res.json() as Page;
  };
  /** Follows next_cursor to the end. */
  const listAll = async (query: Record<string, string | number> = {}): Promise<Summary[]> => {
    const all: Summary[] = [];
    let cursor: string | null = null;
    do {
      const page: Page = await list({ ...query, ...(cursor ? { cursor } : {}) });
      all.push(...page.conversations);
      cursor = page.next_cursor;
    } while (cursor);
    return all;
  };
  const setCreatedAt = (id: string, at: string) =>
    t.db.databases.primary.query("UPDATE conversations SET created_at = $2 WHERE id = $1", [id, at]);

  it("lists summaries newest first, without messages, and no cursor on the last page", async () => {
    for (const c of CORPUS) await ingest(c);
    const page = await list();
    expect(page.next_cursor).toBeNull();
    expect(page.conversations.map((c) => c.id)).toEqual(CORPUS.map((c) => c.id).reverse());
    const first = page.conversations.at(-1)!;
    expect(first).toEqual({
      id: "k8s-deploy",
      title: "Deploying to Kubernetes",
      user_id: "alice",
      metadata: {},
      created_at: expect.any(String),
      updated_at: expect.any(String),
      message_count: 2,
    });
    expect(first).not.toHaveProperty("messages");
  });

  it(`pages ${DEFAULT_PAGE_SIZE} at a time by default and accepts 1 to ${MAX_PAGE_SIZE}`, async () => {
    for (let i = 0; i < DEFAULT_PAGE_SIZE + 3; i++) await ingest(conversation(`c-${i}`));
    const first = await list();
    expect(first.conversations).toHaveLength(DEFAULT_PAGE_SIZE);
    expect(first.next_cursor).toEqual(expect.any(String));
    const rest = await list({ cursor: first.next_cursor! });
    expect(rest.conversations).toHaveLength(3);
    expect(rest.next_cursor).toBeNull();
    expect((await list({ limit: 1 })).conversations).toHaveLength(1);
    expect((await list({ limit: MAX_PAGE_SIZE })).conversations).toHaveLength(DEFAULT_PAGE_SIZE + 3);
  });

  it("filters by user_id and by since/until on the time a conversation was first ingested", async () => {
    await ingest(conversation("old", "ann"));
    await ingest(conversation("mid", "bea"));
    await ingest(conversation("new", "ann"));
    await setCreatedAt("old", "2025-01-01T00:00:00Z");
    await setCreatedAt("mid", "2025-02-01T00:00:00Z");
    await setCreatedAt("new", "2025-03-01T00:00:00Z");
    const ids = async (query: Record<string, string>) => (await listAll(query)).map((c) => c.id);
    expect(await ids({ user_id: "ann" })).toEqual(["new", "old"]);
    expect(await ids({ since: "2025-02-01T00:00:00Z" })).toEqual(["new", "mid"]);
    expect(await ids({ until: "2025-02-01T00:00:00Z" })).toEqual(["mid", "old"]);
    expect(await ids({ since: "2025-01-15T00:00:00+01:00", until: "2025-02-15T00:00:00Z" })).toEqual(["mid"]);
    expect(await ids({ user_id: "ann", since: "2025-02-01T00:00:00Z" })).toEqual(["new"]);
    expect(await ids({ user_id: "nobody" })).toEqual([]);
  });

  it("breaks ties on created_at by id, so equal timestamps page without repeats or gaps", async () => {
    const names = ["a", "b", "c", "d", "e"];
    for (const id of names) await ingest(conversation(id));
    // Same microsecond for all: only the id orders them.
    for (const id of names) await setCreatedAt(id, "2025-05-05T05:05:05.123456Z");
    const seen = await listAll({ limit: 2 });
    expect(seen.map((c) => c.id)).toEqual([...names].reverse());
  });

  it("keeps pages stable while conversations are ingested and appended to concurrently", async () => {
    const originals = Array.from({ length: 30 }, (_, i) => `orig-${String(i).padStart(2, "0")}`);
    for (const id of originals) await ingest(conversation(id));
    const seen: Summary[] = [];
    let cursor = "";
    let round = 0;
    do {
      // Each page is read while new conversations arrive and existing ones grow (re-ingest).
      const writes = [
        ingest(conversation(`new-${round}-a`)),
        ingest(conversation(`new-${round}-b`)),
        ingest(conversation(originals[(round * 7) % originals.length]!, "u1", 2)),
      ];
      const [page]: [Page, ...unknown[]] = await Promise.all([
        list(cursor ? { limit: 7, cursor } : { limit: 7 }),
        ...writes,
      ]);
      seen.push(...page.conversations);
      cursor = page.next_cursor ?? "";
      round++;
    } while (cursor && round < 50);
    expect(cursor, "reached the last page").toBe("");
    const ids = seen.map((c) => c.id);
    expect(new Set(ids).size, "no conversation twice").toBe(ids.length);
    for (const id of originals) expect(ids, `${id} was skipped`).toContain(id);
    const keys = seen.map((c) => `${c.created_at} ${c.id}`);
    expect(keys).toEqual([...keys].sort().reverse());
  });

  it("never shows a deleted conversation", async () => {
    await ingest(conversation("keep"));
    await ingest(conversation("drop"));
    expect((await t.app.inject({ method: "DELETE", url: "/v1/conversations/drop" })).statusCode).toBe(204);
    expect((await listAll()).map((c) => c.id)).toEqual(["keep"]);
  });
});

function stringify(query: Record<string, string | number>): Record<string, string> {
  return Object.fromEntries(Object.entries(query).map(([k, v]) => [k, String(v)]));
}
