/**
 * MCP end to end: the SDK's Client over Streamable HTTP against the running server (127.0.0.1,
 * port 0) lists the tools and calls each one; bad arguments come back as tool errors naming the field.
 */

import { HTTP_PATHS } from "@mcp-stack/contract";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import type { FastifyInstance } from "fastify";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { TOOL_NAMES } from "../../../app/src/mcp/tools/index.js";
import { CORPUS } from "../corpus.js";
import { startApp, useDatabase } from "../helpers.js";

describe("MCP over Streamable HTTP", () => {
  const db = useDatabase();
  let app: FastifyInstance;
  let client: Client;
  let url: URL;

  beforeEach(async () => {
    app = await startApp(db.current.databases);
    const address = await app.listen({ host: "127.0.0.1", port: 0 });
    url = new URL(HTTP_PATHS.mcp, address);
    client = new Client({ name: "test-client", version: "1.0.0" });
    await client.connect(new StreamableHTTPClientTransport(url));
  });
  afterEach(async () => {
    await client.close();
    await app.close();
  });

  const call = async (name: string, args: Record<string, unknown>) => {
    const result = await client.callTool({ name, arguments: args });
    return result as {
      isError?: boolean;
      structuredContent?: Record<string, unknown>;
      content: { type: string; text: string }[];
    };
  };

  it("lists the seven tools with described inputs, output schemas and hints", async () => {
    const { tools } = await client.listTools();
    expect(tools.map((t) => t.name).sort()).toEqual([...TOOL_NAMES].sort());
    for (const tool of tools) {
      expect(tool.description?.length, tool.name).toBeGreaterThan(40);
      expect(tool.outputSchema, tool.name).toBeDefined();
      const properties = Object.entries(tool.inputSchema.properties ?? {}) as [
        string,
        { description?: string },
      ][];
      expect(properties.length).toBeGreaterThan(0);
      for (const [field, schema] of properties)
        expect(schema.description, `${tool.name}.${field}`).toBeTruthy();
      expect(tool.annotations?.idempotentHint, tool.name).toBe(true);
    }
    const hints = Object.fromEntries(
      tools.map((t) => [t.name, [t.annotations?.readOnlyHint, t.annotations?.destructiveHint]]),
    );
    expect(hints).toEqual({
      ingest_conversation: [false, false],
      ingest_conversations: [false, false],
      search_conversations: [true, false],
      answer_question: [true, false],
      get_conversation: [true, false],
      list_conversations: [true, false],
      delete_conversation: [false, true],
    });
  });

  it("calls every tool through the same services as REST", async () => {
    for (const c of CORPUS) {
      const ingested = await call("ingest_conversation", c as Record<string, unknown>);
      expect(ingested.isError).toBeFalsy();
      expect(ingested.structuredContent).toMatchObject({ conversation_id: c.id });
    }
    // What MCP stored, REST serves.
    expect((await app.inject({ url: "/v1/conversations/db-pool" })).json().messages).toHaveLength(3);

    const search = await call("search_conversations", { query: "ERR_PG_53300", mode: "keyword" });
    const results = search.structuredContent?.results as { conversation_id: string }[] | undefined;
    expect(results?.[0]?.conversation_id).toBe("db-pool");
    expect(JSON.parse(search.content[0]!.text)).toEqual(search.structuredContent);

    const answer = await call("answer_question", { question: "What goes into carbonara?" });
    expect(answer.structuredContent).toMatchObject({
      model: "extractive",
      citations: [{ conversation_id: "pasta" }],
    });

    const conversation = await call("get_conversation", { id: "lisbon" });
    expect(conversation.structuredContent).toMatchObject({ id: "lisbon", title: "Weekend in Lisbon" });

    const missing = await call("get_conversation", { id: "nope" });
    expect(missing.isError).toBe(true);
    expect(missing.content[0]!.text).toContain("Conversation nope not found");
  });

  // The SDK reports zod issues as "<problem> at <path>" or `Unrecognized key: "<name>"`.
  it.each([
    [
      "ingest: wrong type",
      "ingest_conversation",
      { messages: "hello" },
      "expected array, received string at messages",
    ],
    ["ingest: empty messages", "ingest_conversation", { messages: [] }, "at messages"],
    [
      "ingest: empty content",
      "ingest_conversation",
      { messages: [{ role: "user", content: "" }] },
      "at messages[0].content",
    ],
    [
      "ingest: unknown field",
      "ingest_conversation",
      { messages: [{ role: "user", content: "x" }], extra: 1 },
      '"extra"',
    ],
    [
      "ingest: oversized id",
      "ingest_conversation",
      { id: "x".repeat(201), messages: [{ role: "user", content: "x" }] },
      "at id",
    ],
    ["search: wrong type", "search_conversations", { query: 5 }, "received number at query"],
    ["search: empty query", "search_conversations", { query: "" }, "at query"],
    ["search: oversized query", "search_conversations", { query: "x".repeat(2001) }, "at query"],
    ["search: k too big", "search_conversations", { query: "x", k: 500 }, "at k"],
    ["search: unknown field", "search_conversations", { query: "x", top_k: 3 }, '"top_k"'],
    ["answer: wrong type", "answer_question", { question: false }, "at question"],
    ["answer: empty question", "answer_question", { question: "" }, "at question"],
    [
      "answer: unknown filter field",
      "answer_question",
      { question: "q", filter: { tenant: "t" } },
      '"tenant" at filter',
    ],
    ["get: wrong type", "get_conversation", { id: 42 }, "received number at id"],
    ["get: empty id", "get_conversation", { id: "" }, "at id"],
    ["get: unknown field", "get_conversation", { id: "a", more: true }, '"more"'],
  ])("rejects bad arguments (%s)", async (_label, tool, args, expected) => {
    const result = await call(tool, args);
    expect(result.isError).toBe(true);
    expect(result.content[0]!.text).toContain(expected);
  });

  it("answers malformed JSON with a JSON-RPC parse error and GET with 405", async () => {
    const res = await fetch(url, {
      method: "POST",
      headers: { "content-type": "application/json", accept: "application/json, text/event-stream" },
      body: '{"jsonrpc": "2.0", "method":',
    });
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ jsonrpc: "2.0", error: { code: -32700 }, id: null });
    const get = await fetch(url, { headers: { accept: "text/event-stream" } });
    expect(get.status).toBe(405);
  });
});
