import type { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { SearchInput, SearchOutput } from "../../schemas/search.js";
import { structured, type ToolDeps } from "./types.js";

export function registerSearchConversationsTool(server: McpServer, { services, context }: ToolDeps): void {
  server.registerTool(
    "search_conversations",
    {
      title: "Search conversations",
      description:
        "Find passages of stored conversations relevant to a query. Each result is a chunk of consecutive " +
        "messages with its conversation id, the message range it covers and a relevance score (higher is better). " +
        "Use mode=keyword for exact terms such as error codes, semantic for paraphrases, hybrid (default) otherwise.",
      inputSchema: SearchInput,
      outputSchema: SearchOutput,
      annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false },
    },
    async (args) => structured(await services.search.search(args, context)),
  );
}
