/** Conversations: ingest input, ingest result, the stored conversation. */
import { z } from "zod";
import { ConversationId, Role, Timestamp, text } from "./common.js";

export const MAX_MESSAGES = 1000;
export const MAX_CONTENT_CHARS = 100_000;

export const MessageInput = z.strictObject({
  role: Role.describe("Who wrote the message: user, assistant, system or tool."),
  content: text(MAX_CONTENT_CHARS).describe("The message text."),
  created_at: Timestamp.optional().describe(
    "When the message was written (ISO 8601); defaults to ingest time.",
  ),
});

export const IngestConversationInput = z.strictObject({
  id: ConversationId.optional().describe(
    "Stable conversation id. Re-sending the same id is idempotent; extra trailing messages are appended. Generated when omitted.",
  ),
  title: text(500).optional().describe("Human-readable title."),
  user_id: text(200).optional().describe("The end user the conversation belongs to."),
  metadata: z
    .record(z.string().max(100), z.unknown())
    .refine((m) => !JSON.stringify(m).includes("\\u0000"), "must not contain NUL characters")
    .optional()
    .describe("Free-form JSON object stored with the conversation."),
  messages: z
    .array(MessageInput)
    .min(1)
    .max(MAX_MESSAGES)
    .describe("The conversation's messages in order (all of them, not only new ones)."),
});
export type IngestConversationInput = z.infer<typeof IngestConversationInput>;

export const IngestResult = z.object({
  conversation_id: z.string().describe("Id of the stored conversation."),
  messages: z.number().int().describe("Messages stored for the conversation in total."),
  chunks: z.number().int().describe("Searchable chunks stored for the conversation in total."),
  added: z
    .object({
      messages: z.number().int().describe("Messages this request added."),
      chunks: z.number().int().describe("Chunks this request added (re-chunked tail included)."),
    })
    .describe("What this request changed; zeros for an exact re-send."),
});
export type IngestResult = z.infer<typeof IngestResult>;

export const ConversationParams = z.strictObject({ id: ConversationId });

export const StoredMessage = z.object({
  seq: z.number().int(),
  role: Role,
  content: z.string(),
  created_at: z.string(),
});

export const Conversation = z.object({
  id: z.string(),
  title: z.string().nullable(),
  user_id: z.string().nullable(),
  metadata: z.record(z.string(), z.unknown()),
  created_at: z.string(),
  updated_at: z.string(),
  messages: z.array(StoredMessage),
});
export type Conversation = z.infer<typeof Conversation>;

export const GetConversationInput = z.strictObject({
  id: ConversationId.describe("Id of the conversation to fetch."),
});
