/**
 * The MCP endpoint's JSON-RPC envelope, for the OpenAPI document only: the SDK's transport
 * validates requests itself (`mcp/route.ts`), and the tools' own schemas are listed by `tools/list`.
 */
import { z } from "zod";

const RequestId = z.union([z.string(), z.number().int()]);

export const JsonRpcRequest = z
  .looseObject({
    jsonrpc: z.literal("2.0"),
    id: RequestId.optional().describe("Absent for notifications (answered with 202 and no body)."),
    method: z.string().describe("`initialize`, `tools/list`, `tools/call`, ..."),
    params: z.record(z.string(), z.unknown()).optional(),
  })
  .describe(
    "A JSON-RPC 2.0 message of the MCP Streamable HTTP transport. Send `Accept: application/json, text/event-stream`.",
  )
  .meta({
    examples: [
      {
        jsonrpc: "2.0",
        id: 1,
        method: "tools/call",
        params: { name: "search_conversations", arguments: { query: "connection pool exhausted", k: 3 } },
      },
    ],
  });

export const JsonRpcResponse = z
  .looseObject({
    jsonrpc: z.literal("2.0"),
    id: RequestId.nullable(),
    result: z.record(z.string(), z.unknown()).optional(),
    error: z.object({ code: z.number().int(), message: z.string() }).optional(),
  })
  .describe("The JSON-RPC response. A failing tool is a result with `isError: true`, not a JSON-RPC error.")
  .meta({
    examples: [
      {
        jsonrpc: "2.0",
        id: 1,
        result: { content: [{ type: "text", text: '{"results":[]}' }], structuredContent: { results: [] } },
      },
    ],
  });

export const JsonRpcError = z
  .object({
    jsonrpc: z.literal("2.0"),
    id: z.null(),
    error: z.object({
      code: z.number().int().describe("-32700 malformed JSON, -32600 other 4xx, -32603 5xx."),
      message: z.string(),
    }),
  })
  .describe("The request was rejected before reaching MCP (auth, malformed JSON, size, rate limit).")
  .meta({
    examples: [
      {
        jsonrpc: "2.0",
        id: null,
        error: { code: -32600, message: "Send an API key: Authorization: Bearer <key>" },
      },
    ],
  });
