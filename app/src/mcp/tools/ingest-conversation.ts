import type { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { IngestConversationInput, IngestResult } from "../../schemas/conversation.js";
import { structured, type ToolDeps } from "./types.js";

export function registerIngestConversationTool(server: McpServer, { services, context }: ToolDeps): void {
  server.registerTool(
    "ingest_conversation",
    {
      title: "Ingest conversation",
      description:
        "Store a chat conversation so it can be searched and used for answers. Send the whole conversation every " +
        "time: re-sending the same id changes nothing, and a longer version only adds the new messages. Returns " +
        "the conversation id and how many messages and searchable chunks it now has.",
      inputSchema: IngestConversationInput,
      outputSchema: IngestResult,
      annotations: {
        readOnlyHint: false,
        destructiveHint: false,
        idempotentHint: true,
        openWorldHint: false,
      },
    },
    async (args) => structured(await services.conversations.ingest(args, context)),
  );
}
