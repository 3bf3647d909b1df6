import type { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import {
  IngestBatchInput,
  IngestBatchResult,
  MAX_BATCH_CONVERSATIONS,
} from "../../schemas/conversation-batch.js";
import { structured, type ToolDeps } from "./types.js";

export function registerIngestConversationsTool(server: McpServer, { services, context }: ToolDeps): void {
  server.registerTool(
    "ingest_conversations",
    {
      title: "Ingest conversations",
      description:
        `Store up to ${MAX_BATCH_CONVERSATIONS} chat conversations at once, each exactly as ingest_conversation ` +
        "stores one (whole conversation, idempotent by id). Returns one outcome per conversation by index: " +
        "ingested, unchanged, or failed with the reason; a failed one stores nothing and the others still go in.",
      inputSchema: IngestBatchInput,
      outputSchema: IngestBatchResult,
      annotations: {
        readOnlyHint: false,
        destructiveHint: false,
        idempotentHint: true,
        openWorldHint: false,
      },
    },
    async (args) => structured(await services.conversations.ingestMany(args.conversations, context)),
  );
}
