/**
 * `list_conversations` and `delete_conversation` over Streamable HTTP: the REST schemas and rules,
 * bad arguments as `isError` results naming the field, and no cached search or answer ever
 * serving a deleted conversation's chunks.
 */

import type { Client } from "@modelcontextprotocol/sdk/client/index.js";
import type { FastifyInstance } from "fastify";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { TelemetryPlugins } from "../../../../app/src/server.js";
import { CORPUS } from "../../corpus.js";
import { startApp, useDatabase } from "../../helpers.js";
import { connectMcpClient, type ToolResult } from "./mcp-client.js";

describe("list_conversations and delete_conversation", () => {
  const db = useDatabase();
  let app: FastifyInstance;
  let client: Client;
  const hits = { search: 0, rag: 0 };
  const telemetry: TelemetryPlugins = {
    fastifyPlugin: async () => {},
    cacheHooks: {
      onHit: (type) => {
        if (type !== "embedding") hits[type]++;
      },
    },
  };

  beforeEach(async () => {
    hits.search = 0;
    hits.rag = 0;
    app = await startApp(db.current.databases, { env: { CACHE_ENABLED: "true" }, telemetry });
    client = await connectMcpClient(app);
  });
  afterEach(async () => {
    await client.close();
    await app.close();
  });

  const call = async (name: string, args: Record<string, unknown>) =>
    (await client.callTool({ name, arguments: args })) as ToolResult;
  const ingestCorpus = async () => {
    for (const c of CORPUS) expect((await call("ingest_conversation", { ...c })).isError).toBeFalsy();
  };

  it("lists pages of conversations with the same shape and cursor as REST", async () => {
    await ingestCorpus();
    const first = await call("list_conversations", { limit: 2 });
    expect(first.isError).toBeFalsy();
    const page = first.structuredContent as { conversations: { id: string }[]; next_cursor: string };
    expect(page.conversations).toHaveLength(2);
    expect(JSON.parse(first.content[0]!.text)).toEqual(page);
    const rest = await app.inject({ url: "/v1/conversations", query: { limit: "2" } });
    expect(rest.json()).toEqual(page);
    const next = await call("list_conversations", { limit: 2, cursor: page.next_cursor });
    expect((next.structuredContent as { conversations: { id: string }[] }).conversations[0]!.id).toBe(
      CORPUS.at(-3)!.id,
    );
    const alice = await call("list_conversations", { user_id: "alice" });
    const aliceIds = (alice.structuredContent as { conversations: { id: string }[] }).conversations.map(
      (c) => c.id,
    );
    expect(aliceIds.sort()).toEqual(
      CORPUS.filter((c) => c.user_id === "alice")
        .map((c) => c.id!)
        .sort(),
    );
  });

  it("deletes a conversation and no cached search or answer serves its chunks afterwards", async () => {
    await ingestCorpus();
    const search = { query: "carbonara guanciale pecorino", mode: "hybrid" };
    const question = { question: "What goes into a carbonara?" };
    const conversationsOf = (r: ToolResult, key: "results" | "citations") =>
      (r.structuredContent![key] as { conversation_id: string }[]).map((x) => x.conversation_id);

    expect(conversationsOf(await call("search_conversations", search), "results")).toContain("pasta");
    expect(conversationsOf(await call("answer_question", question), "citations")).toContain("pasta");
    // The same calls again are served from the cache.
    expect(conversationsOf(await call("search_conversations", search), "results")).toContain("pasta");
    expect(conversationsOf(await call("answer_question", question), "citations")).toContain("pasta");
    expect(hits).toEqual({ search: 1, rag: 1 });

    const deleted = await call("delete_conversation", { id: "pasta" });
    expect(deleted.isError).toBeFalsy();
    expect(deleted.structuredContent).toEqual({ id: "pasta", deleted: true });

    expect(conversationsOf(await call("search_conversations", search), "results")).not.toContain("pasta");
    expect(conversationsOf(await call("answer_question", question), "citations")).not.toContain("pasta");
    const rest = await app.inject({ method: "POST", url: "/v1/search", payload: search });
    expect(rest.json().results.map((r: { conversation_id: string }) => r.conversation_id)).not.toContain(
      "pasta",
    );
    expect((await call("get_conversation", { id: "pasta" })).isError).toBe(true);
    const listed = await call("list_conversations", {});
    expect(
      (listed.structuredContent as { conversations: { id: string }[] }).conversations.map((c) => c.id),
    ).not.toContain("pasta");
  });

  it("reports a missing (or already deleted) conversation as not found, like REST's 404", async () => {
    const result = await call("delete_conversation", { id: "never-stored" });
    expect(result.isError).toBe(true);
    expect(result.content[0]!.text).toContain("Conversation never-stored not found");
  });

  it.each([
    ["list: limit 0", "list_conversations", { limit: 0 }, "limit"],
    ["list: limit over 100", "list_conversations", { limit: 101 }, "limit"],
    ["list: limit fractional", "list_conversations", { limit: 1.5 }, "limit"],
    ["list: bad since", "list_conversations", { since: "last week" }, "since"],
    ["list: made-up cursor", "list_conversations", { cursor: "abc" }, "is not a cursor returned by this API"],
    ["list: unknown field", "list_conversations", { offset: 20 }, '"offset"'],
    ["delete: no id", "delete_conversation", {}, "id"],
    ["delete: wrong type", "delete_conversation", { id: 42 }, "received number at id"],
    ["delete: bad characters", "delete_conversation", { id: "a b" }, "at id"],
    ["delete: unknown field", "delete_conversation", { id: "a", force: true }, '"force"'],
  ])("rejects bad arguments (%s)", async (_label, tool, args, expected) => {
    const result = await call(tool, args);
    expect(result.isError).toBe(true);
    expect(result.content[0]!.text).toContain(expected);
  });
});
