import { HTTP_PATHS } from "@mcp-stack/contract";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import type { FastifyInstance } from "fastify";

/** What a tool call answers, as the tool tests read it. */
export interface ToolResult {
  isError?: boolean;
  structuredContent?: Record<string, unknown>;
  content: { type: string; text: string }[];
}

/** Listen on a free loopback port and connect the real SDK client to the app's MCP endpoint. */
export async function connectMcpClient(app: FastifyInstance): Promise<Client> {
  const address = await app.listen({ host: "127.0.0.1", port: 0 });
  const client = new Client({ name: "test-client", version: "1.0.0" });
  await client.connect(new StreamableHTTPClientTransport(new URL(HTTP_PATHS.mcp, address)));
  return client;
}
