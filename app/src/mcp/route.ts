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

export function createMcpServer(deps: Parameters<typeof registerTools>[1], version: string): McpServer {
  const server = new McpServer({ name: SERVICE_NAME, version }, { capabilities: { tools: {} } });
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

const postSchema = {
  operationId: "mcp",
  summary: "MCP over Streamable HTTP (stateless, JSON responses)",
  description:
    "Connect an MCP client to this URL. Tools: ingest_conversation, ingest_conversations, search_conversations, answer_question, " +
    "get_conversation, list_conversations, delete_conversation (see `tools/list` for their schemas).",
  tags: ["mcp"],
  body: JsonRpcRequest,
  response: {
    200: JsonRpcResponse,
    202: z.undefined().describe("A notification or response was accepted; no body."),
    400: rejected("INVALID_JSON", "VALIDATION_FAILED"),
    401: rejected("UNAUTHORIZED"),
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
