import type { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { registerAnswerQuestionTool } from "./answer-question.js";
import { listToolsCompactly, recordingTools, type ToolDefinition } from "./catalogue.js";
import { registerDeleteConversationTool } from "./delete-conversation.js";
import { registerGetConversationTool } from "./get-conversation.js";
import { registerIngestConversationTool } from "./ingest-conversation.js";
import { registerIngestConversationsTool } from "./ingest-conversations.js";
import { registerListConversationsTool } from "./list-conversations.js";
import { registerSearchConversationsTool } from "./search-conversations.js";
import type { ToolDeps } from "./types.js";

export type { ToolDeps } from "./types.js";

/** The tool names are the contract. */
export const TOOL_NAMES = [
  "ingest_conversation",
  "ingest_conversations",
  "search_conversations",
  "answer_question",
  "get_conversation",
  "list_conversations",
  "delete_conversation",
] as const;

/** Registers every tool; `tools/list` answers with their compact schemas (`catalogue.ts`). */
export function registerTools(target: McpServer, deps: ToolDeps): void {
  const definitions: ToolDefinition[] = [];
  const server = recordingTools(target, definitions);
  registerIngestConversationTool(server, deps);
  registerIngestConversationsTool(server, deps);
  registerSearchConversationsTool(server, deps);
  registerAnswerQuestionTool(server, deps);
  registerGetConversationTool(server, deps);
  registerListConversationsTool(server, deps);
  registerDeleteConversationTool(server, deps);
  listToolsCompactly(target, definitions);
}
