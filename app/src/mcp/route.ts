/**
 * Streamable HTTP MCP endpoint, stateless: every POST gets a fresh McpServer and transport (the SDK
 * requires that without sessions), wired to fastify's raw request/response via `reply.hijack()`.
 */

import { HTTP_PATHS, SERVICE_NAME } from "@mcp-stack/contract";
import { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { StreamableHTTPServerTransport } from "@modelcontextprotocol/sdk/server/streamableHttp.js";
import type { FastifyInstance } from "fastify";
import { z } from "zod";
import { AppError, ERRORS, type ErrorCode } from "../lib/errors.js";
import { jsonRpcCode } from "../plugins/app/error-handler.js";
import type { RouteDeps } from "../routes/deps.js";
import { JsonRpcError, JsonRpcRequest, JsonRpcResponse } from "../schemas/mcp.js";
import { registerTools } from "./tools/index.js";

/** What an MCP client's model reads first (the initialize result's `instructions`). */
export const SERVER_INSTRUCTIONS =
  "Long-term memory of chat conversations. Store a conversation with ingest_conversation (re-send it whole " +
  "as it grows; the same id appends) or many with ingest_conversations. To recall, prefer answer_question " +
  "for a direct answer with citations, search_conversations for the matching passages (mode=keyword for " +
  "exact terms such as error codes); then get_conversation for the whole conversation. list_conversations " +
  "pages through what is stored; delete_conversation removes one for good. Results never include passages " +
  "below the relevance floor, so an empty result means nothing stored is relevant.";

export function createMcpServer(deps: Parameters<typeof registerTools>[1], version: string): McpServer {
  const server = new McpServer(
    { name: SERVICE_NAME, version },
    { capabilities: { tools: {} }, instructions: SERVER_INSTRUCTIONS },
  );
  registerTools(server, deps);
  return server;
}

/** The JSON-RPC form the error handler gives these catalogued errors on this path. */
const rejected = (...codes: ErrorCode[]) =>
  JsonRpcError.describe(codes.map((c) => `\`${c}\`: ${ERRORS[c].when}`).join(" ")).meta({
    examples: codes.map((c) => ({
      jsonrpc: "2.0",
      id: null,
      error: { code: jsonRpcCode(c), message: ERRORS[c].message },
    })),
  });

/** The transport's answer to a request whose Accept header lacks either media type. */
export const NOT_ACCEPTABLE =
  "Not Acceptable: Client must accept both application/json and text/event-stream";
export const REQUIRED_ACCEPT = "application/json, text/event-stream";

const postSchema = {
  operationId: "mcp",
  summary: "MCP over Streamable HTTP (stateless, JSON responses)",
  description:
    "Connect an MCP client to this URL. Tools: ingest_conversation, ingest_conversations, search_conversations, answer_question, " +
    "get_conversation, list_conversations, delete_conversation (see `tools/list` for their schemas).\n\n" +
    `**Send \`Accept: ${REQUIRED_ACCEPT}\`** (the MCP transport requires both; it answers JSON): without either ` +
    "it is a 406. This page's *Try it out* sends `Accept: application/json` only, so here it gets that 406; " +
    `use an MCP client, or \`curl -H 'accept: ${REQUIRED_ACCEPT}' -H 'content-type: application/json' ` +
    `-d '{"jsonrpc":"2.0","id":1,"method":"tools/list"}' <this URL>\`.`,
  tags: ["mcp"],
  body: JsonRpcRequest,
  response: {
    200: JsonRpcResponse,
    202: z.undefined().describe("A notification or response was accepted; no body."),
    400: rejected("INVALID_JSON", "VALIDATION_FAILED"),
    401: rejected("UNAUTHORIZED"),
    406: z
      .object({
        jsonrpc: z.literal("2.0"),
        id: z.null(),
        error: z.object({
          code: z.number().int().describe("-32000, the MCP transport's own code."),
          message: z.string(),
        }),
      })
      .describe(`The Accept header does not list both media types: send \`Accept: ${REQUIRED_ACCEPT}\`.`)
      .meta({ examples: [{ jsonrpc: "2.0", id: null, error: { code: -32000, message: NOT_ACCEPTABLE } }] }),
    413: rejected("PAYLOAD_TOO_LARGE"),
    415: rejected("UNSUPPORTED_MEDIA_TYPE"),
    429: rejected("RATE_LIMITED"),
    500: rejected("INTERNAL"),
  },
};

const notAllowedSchema = {
  tags: ["mcp"],
  summary: "Not supported: the endpoint keeps no sessions and streams nothing",
  response: { 405: rejected("METHOD_NOT_ALLOWED") },
};

/** `tools/call` params as the SDK needs them; checked here so a wrong shape is a short -32602. */
const ToolCallParams = z.looseObject(
  {
    name: z.string({ error: "must be the tool's name, a string" }),
    arguments: z
      .record(z.string(), z.unknown(), {
        error: (issue) =>
          `must be a JSON object of the tool's arguments, e.g. {"query": "..."}, not ${issue.input === null ? "null" : Array.isArray(issue.input) ? "an array" : `a ${typeof issue.input}`}`,
      })
      .optional(),
  },
  { error: "must be an object with the tool's name and its arguments" },
);

/**
 * A JSON-RPC error (-32602, invalid params) naming the field for a `tools/call` whose params the SDK
 * would reject with an internal error (-32603) and a raw schema dump; undefined for anything else.
 */
export function invalidToolCall(body: unknown) {
  const message = body as { jsonrpc?: unknown; id?: unknown; method?: unknown; params?: unknown } | null;
  if (typeof message !== "object" || message === null || Array.isArray(message)) return undefined;
  if (message.method !== "tools/call" || message.id === undefined) return undefined;
  const parsed = ToolCallParams.safeParse(message.params);
  if (parsed.success) return undefined;
  const issue = parsed.error.issues[0]!;
  const field = ["params", ...issue.path.map(String)].join(".");
  return {
    jsonrpc: "2.0",
    id: message.id,
    error: { code: -32602, message: `Invalid params: ${field} ${issue.message}` },
  };
}

export function mcpRoutes(app: FastifyInstance, deps: RouteDeps & { version: string }): void {
  app.post(
    HTTP_PATHS.mcp,
    // The schema documents the envelope; the SDK's transport validates and answers in JSON-RPC.
    { schema: postSchema, validatorCompiler: () => (value) => ({ value }) },
    async (request, reply) => {
      const server = createMcpServer(
        { services: deps.services, context: deps.context(request) },
        deps.version,
      );
      const transport = new StreamableHTTPServerTransport({
        sessionIdGenerator: undefined,
        enableJsonResponse: true,
      });
      const invalid = invalidToolCall(request.body);
      if (invalid) return reply.send(invalid);
      reply.hijack();
      reply.raw.on("close", () => {
        void transport.close();
        void server.close();
      });
      try {
        await server.connect(transport);
        await transport.handleRequest(request.raw, reply.raw, request.body);
      } catch (error) {
        request.log.error({ err: error }, "MCP request failed");
        if (!reply.raw.headersSent) {
          reply.raw.writeHead(500, { "content-type": "application/json" });
          reply.raw.end(
            JSON.stringify({ jsonrpc: "2.0", error: { code: -32603, message: "Internal error" }, id: null }),
          );
        }
      }
    },
  );

  const notAllowed = async () => {
    throw new AppError("METHOD_NOT_ALLOWED", "This MCP endpoint is stateless: use POST");
  };
  app.get(HTTP_PATHS.mcp, { schema: { ...notAllowedSchema, operationId: "mcpGet" } }, notAllowed);
  app.delete(HTTP_PATHS.mcp, { schema: { ...notAllowedSchema, operationId: "mcpDelete" } }, notAllowed);
}
