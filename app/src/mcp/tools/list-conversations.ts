import type { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { ConversationPage, ListConversationsInput } from "../../schemas/conversation.js";
import { structured, type ToolDeps } from "./types.js";

export function registerListConversationsTool(server: McpServer, { services, context }: ToolDeps): void {
  server.registerTool(
    "list_conversations",
    {
      title: "List conversations",
      description:
        "List stored conversations newest first (id, title, user, times, message count; no messages), optionally " +
        "only one user's or those first ingested between since and until. Returns at most `limit` (default 20); " +
        "when `next_cursor` is not null, call again with it as `cursor` for the next page.",
      inputSchema: ListConversationsInput,
      outputSchema: ConversationPage,
      annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false },
    },
    async (args) => structured(await services.conversations.list(args, context)),
  );
}
