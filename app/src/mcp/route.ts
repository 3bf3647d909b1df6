/**
 * Streamable HTTP MCP endpoint, stateless: every POST gets a fresh McpServer and transport (the SDK
 * requires that without sessions), wired to fastify's raw request/response via `reply.hijack()`.
 */

import { HTTP_PATHS, SERVICE_NAME } from "@mcp-stack/contract";
import { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { StreamableHTTPServerTransport } from "@modelcontextprotocol/sdk/server/streamableHttp.js";
import type { FastifyInstance } from "fastify";
import { AppError } from "../lib/errors.js";
import type { RouteDeps } from "../routes/index.js";
import { registerTools } from "./tools/index.js";

export function createMcpServer(deps: Parameters<typeof registerTools>[1], version: string): McpServer {
  const server = new McpServer({ name: SERVICE_NAME, version }, { capabilities: { tools: {} } });
  registerTools(server, deps);
  return server;
}

export function mcpRoutes(app: FastifyInstance, deps: RouteDeps & { version: string }): void {
  app.post(HTTP_PATHS.mcp, async (request, reply) => {
    const server = createMcpServer({ services: deps.services, context: deps.context(request) }, deps.version);
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
  });

  const notAllowed = async () => {
    throw new AppError("METHOD_NOT_ALLOWED", "This MCP endpoint is stateless: use POST");
  };
  app.get(HTTP_PATHS.mcp, notAllowed);
  app.delete(HTTP_PATHS.mcp, notAllowed);
}
