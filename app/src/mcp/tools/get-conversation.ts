import type { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { Conversation, GetConversationInput } from "../../schemas/conversation.js";
import { structured, type ToolDeps } from "./types.js";

export function registerGetConversationTool(server: McpServer, { services, context }: ToolDeps): void {
  server.registerTool(
    "get_conversation",
    {
      title: "Get conversation",
      description:
        "Fetch one stored conversation with all its messages in order, e.g. to read the full context around a " +
        "search result (use the result's conversation_id and message_range).",
      inputSchema: GetConversationInput,
      outputSchema: Conversation,
      annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false },
    },
    async (args) => structured(await services.conversations.get(args.id, context)),
  );
}
