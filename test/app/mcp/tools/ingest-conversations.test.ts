/**
 * `ingest_conversations` through the real SDK client over Streamable HTTP: the same outcomes as
 * `POST /v1/conversations/batch`, bad arguments as an `isError` result naming the index and field.
 */
import type { Client } from "@modelcontextprotocol/sdk/client/index.js";
import type { FastifyInstance } from "fastify";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { CORPUS } from "../../corpus.js";
import { startApp, useDatabase } from "../../helpers.js";
import { connectMcpClient, type ToolResult } from "./mcp-client.js";

describe("ingest_conversations", () => {
  const db = useDatabase();
  let app: FastifyInstance;
  let client: Client;
  beforeEach(async () => {
    app = await startApp(db.current.databases);
    client = await connectMcpClient(app);
  });
  afterEach(async () => {
    await client.close();
    await app.close();
  });
  const call = async (args: Record<string, unknown>) =>
    (await client.callTool({ name: "ingest_conversations", arguments: args })) as ToolResult;

  it("is listed with its input schema and hints", async () => {
    const tool = (await client.listTools()).tools.find((t) => t.name === "ingest_conversations");
    expect(tool?.inputSchema.properties).toHaveProperty("conversations");
    expect(tool?.annotations).toMatchObject({ readOnlyHint: false, idempotentHint: true });
  });

  it("stores a batch, reports each conversation by index, and matches the REST answer on a re-send", async () => {
    await call({ conversations: [CORPUS[1]!] });
    const result = await call({
      conversations: [
        CORPUS[0]!,
        { id: "pasta", messages: [{ role: "user", content: "changed" }] },
        CORPUS[2]!,
      ],
    });
    expect(result.isError).toBeFalsy();
    const body = result.structuredContent as {
      results: { index: number; status: string; conversation_id: string }[];
      counts: Record<string, number>;
    };
    expect(body.results.map((r) => [r.index, r.status, r.conversation_id])).toEqual([
      [0, "ingested", "k8s-deploy"],
      [1, "failed", "pasta"],
      [2, "ingested", "db-pool"],
    ]);
    expect(body.counts).toEqual({ ingested: 2, unchanged: 0, failed: 1 });
    expect(JSON.parse(result.content[0]!.text)).toEqual(body);
    const rest = await app.inject({
      method: "POST",
      url: "/v1/conversations/batch",
      payload: { conversations: [CORPUS[0]!, CORPUS[2]!] },
    });
    expect(rest.json().counts).toEqual({ ingested: 0, unchanged: 2, failed: 0 });
    const found = await client.callTool({
      name: "search_conversations",
      arguments: { query: "connection pool exhausted", k: 1 },
    });
    expect(JSON.stringify(found.structuredContent)).toContain('"conversation_id":"db-pool"');
  });

  it("answers bad arguments with an error naming the conversation's index and field, storing nothing", async () => {
    const result = await call({
      conversations: [CORPUS[0]!, { id: "x", messages: [{ role: "robot", content: "hi" }] }],
    });
    expect(result.isError).toBe(true);
    expect(result.content[0]!.text).toMatch(/conversations\W+1\W+messages\W+0\W+role/);
    expect((await app.inject({ url: "/v1/conversations/k8s-deploy" })).statusCode).toBe(404);
  });
});
