/**
 * What an MCP client meets before and around the first tool call: the server's instructions, a
 * compact `tools/list` (a byte budget; no regex walls, no examples), one coercion rule for every count
 * argument, a short -32602 naming the field for malformed `tools/call` params, and POST /mcp's
 * Accept requirement documented with the 406 it causes.
 */
import { HTTP_PATHS } from "@mcp-stack/contract";
import type { Client } from "@modelcontextprotocol/sdk/client/index.js";
import type { FastifyInstance } from "fastify";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { NOT_ACCEPTABLE, REQUIRED_ACCEPT } from "../../../../app/src/mcp/route.js";
import { TOOL_NAMES } from "../../../../app/src/mcp/tools/index.js";
import { startApp, useDatabase } from "../../helpers.js";
import { connectMcpClient, type ToolResult } from "./mcp-client.js";

/** tools/list was 24.6 KB before (zod's 400-character date-time regex eight times, examples, ±2^53). */
const TOOLS_LIST_BUDGET_BYTES = 14_000;

describe("the MCP endpoint as a client meets it", () => {
  const db = useDatabase();
  let app: FastifyInstance;
  let client: Client;

  beforeEach(async () => {
    app = await startApp(db.current.databases, { env: { RATE_LIMIT_PER_MINUTE: "0" } });
    client = await connectMcpClient(app);
  });
  afterEach(async () => {
    await client.close();
    await app.close();
  });

  const rpc = async (body: unknown, accept = REQUIRED_ACCEPT) =>
    app.inject({
      method: "POST",
      url: HTTP_PATHS.mcp,
      headers: { accept, "content-type": "application/json" },
      payload: body as Record<string, unknown>,
    });
  const call = async (name: string, args: Record<string, unknown>) =>
    (await client.callTool({ name, arguments: args })) as ToolResult;

  it("gives instructions that name every tool", () => {
    const instructions = client.getInstructions() ?? "";
    for (const name of TOOL_NAMES) expect(instructions, name).toContain(name);
  });

  it(`lists the tools in at most ${TOOLS_LIST_BUDGET_BYTES} bytes, with no long patterns or examples`, async () => {
    const res = await rpc({ jsonrpc: "2.0", id: 1, method: "tools/list" });
    expect(res.statusCode).toBe(200);
    const bytes = Buffer.byteLength(res.body);
    expect(bytes).toBeLessThanOrEqual(TOOLS_LIST_BUDGET_BYTES);
    const patterns = [...res.body.matchAll(/"pattern":"((?:[^"\\]|\\.)*)"/g)].map((m) => m[1]!);
    expect(patterns.filter((p) => p.length > 100)).toEqual([]);
    expect(res.body).not.toContain('"examples"');
    expect(res.body).not.toContain(String(Number.MAX_SAFE_INTEGER));
    // Still the whole contract: every tool, its required fields and its time fields as date-times.
    const { tools } = res.json().result as {
      tools: { name: string; inputSchema: { required?: string[] } }[];
    };
    expect(tools.map((t) => t.name).sort()).toEqual([...TOOL_NAMES].sort());
    expect(tools.find((t) => t.name === "search_conversations")?.inputSchema.required).toEqual(["query"]);
    expect(res.body).toContain('"format":"date-time"');
  });

  it("validates its results against the compact output schemas (the SDK client checks them)", async () => {
    await client.listTools();
    const stored = await call("ingest_conversation", {
      id: "c1",
      messages: [{ role: "user", content: "Deploy logs are shipped to Loki." }],
    });
    expect(stored.isError).toBeFalsy();
    for (const [name, args] of [
      ["search_conversations", { query: "deploy logs" }],
      ["answer_question", { question: "Where are deploy logs shipped?" }],
      ["list_conversations", {}],
      ["get_conversation", { id: "c1" }],
    ] as const) {
      const result = await call(name, args);
      expect(result.isError, `${name}: ${result.content[0]?.text}`).toBeFalsy();
    }
  });

  it.each([
    ["search_conversations", "k", { query: "deploy" }],
    ["answer_question", "k", { question: "Where are deploy logs?" }],
    ["list_conversations", "limit", {}],
  ])("%s takes %s as a number or a string of digits, and nothing else", async (tool, field, base) => {
    for (const value of [5, "5"]) {
      const result = await call(tool, { ...base, [field]: value });
      expect(result.isError, `${field}=${JSON.stringify(value)}: ${result.content[0]?.text}`).toBeFalsy();
    }
    for (const value of ["abc", true, "", 0, "2.5"]) {
      const result = await call(tool, { ...base, [field]: value });
      expect(result.isError, `${field}=${JSON.stringify(value)}`).toBe(true);
      expect(result.content[0]!.text).toContain(field);
      expect(result.content[0]!.text).toContain("must be a whole number from 1 to");
      expect(result.content[0]!.text).not.toContain("NaN");
    }
  });

  it("applies the same rule over REST: body and query string", async () => {
    const ok = await app.inject({ method: "POST", url: "/v1/search", payload: { query: "x", k: "5" } });
    expect(ok.statusCode).toBe(200);
    const list = await app.inject({ url: "/v1/conversations?limit=abc" });
    expect(list.statusCode).toBe(400);
    expect(list.json().error.message).toContain(
      'querystring.limit: must be a whole number from 1 to 100, received "abc"',
    );
  });

  it("answers tools/call with arguments as a string with -32602 naming the field, not a schema dump", async () => {
    const res = await rpc({
      jsonrpc: "2.0",
      id: 7,
      method: "tools/call",
      params: { name: "search_conversations", arguments: '{"query":"deploy"}' },
    });
    expect(res.statusCode).toBe(200);
    const { id, error } = res.json() as { id: number; error: { code: number; message: string } };
    expect(id).toBe(7);
    expect(error.code).toBe(-32602);
    expect(error.message).toBe(
      'Invalid params: params.arguments must be a JSON object of the tool\'s arguments, e.g. {"query": "..."}, not a string',
    );
    const noName = (
      await rpc({ jsonrpc: "2.0", id: 8, method: "tools/call", params: { arguments: {} } })
    ).json();
    expect(noName.error).toEqual({
      code: -32602,
      message: "Invalid params: params.name must be the tool's name, a string",
    });
  });

  it("documents the Accept header POST /mcp needs and the 406 without it", async () => {
    const doc = (await app.inject({ url: "/openapi.json" })).json();
    const post = doc.paths[HTTP_PATHS.mcp].post;
    expect(post.description).toContain(`Accept: ${REQUIRED_ACCEPT}`);
    const documented = post.responses["406"];
    expect(documented.description).toContain(REQUIRED_ACCEPT);
    const example = documented.content["application/json"].example;
    // What Swagger UI's Try it out sends, and what the transport answers to it: as documented.
    const res = await rpc({ jsonrpc: "2.0", id: 1, method: "tools/list" }, "application/json");
    expect(res.statusCode).toBe(406);
    expect(res.json()).toEqual(example);
    expect(example.error.message).toBe(NOT_ACCEPTABLE);
  });
});
