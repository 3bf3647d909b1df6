import type { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { DeleteConversationInput, DeleteResult } from "../../schemas/conversation.js";
import { structured, type ToolDeps } from "./types.js";

export function registerDeleteConversationTool(server: McpServer, { services, context }: ToolDeps): void {
  server.registerTool(
    "delete_conversation",
    {
      title: "Delete conversation",
      description:
        "Permanently delete one stored conversation with all its messages and searchable chunks; it no longer " +
        "appears in searches, answers or listings. This cannot be undone. An id that does not exist (or was " +
        "already deleted) is reported as not found.",
      inputSchema: DeleteConversationInput,
      outputSchema: DeleteResult,
      // Idempotent in the MCP sense: a repeat has no further effect (it reports not found).
      annotations: { readOnlyHint: false, destructiveHint: true, idempotentHint: true, openWorldHint: false },
    },
    async (args) => {
      await services.conversations.delete(args.id, context);
      return structured({ id: args.id, deleted: true as const });
    },
  );
}
