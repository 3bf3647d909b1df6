/** Conversations: ingest input and result, the stored conversation, listing and deleting. */
import { z } from "zod";
import { decodeCursor } from "../lib/cursor.js";
import { ConversationId, count, Role, Timestamp, text } from "./common.js";
import { FREE_FORM_DESCRIPTION, freeFormObject } from "./free-form.js";

export const MAX_MESSAGES = 1000;
export const MAX_CONTENT_CHARS = 100_000;

export const MessageInput = z.strictObject({
  role: Role.describe("Who wrote the message: user, assistant, system or tool."),
  content: text(MAX_CONTENT_CHARS).describe("The message text."),
  created_at: Timestamp.optional().describe(
    "When the message was written (ISO 8601); defaults to ingest time.",
  ),
});

export const IngestConversationInput = z
  .strictObject({
    id: ConversationId.optional().describe(
      "Stable conversation id. Re-sending the same id is idempotent; extra trailing messages are appended. Generated when omitted.",
    ),
    title: text(500).optional().describe("Human-readable title."),
    user_id: text(200).optional().describe("The end user the conversation belongs to."),
    metadata: freeFormObject()
      .optional()
      .describe(`Free-form JSON object stored with the conversation: ${FREE_FORM_DESCRIPTION}.`),
    messages: z
      .array(MessageInput)
      .min(1)
      .max(MAX_MESSAGES)
      .describe("The conversation's messages in order (all of them, not only new ones)."),
  })
  .meta({
    examples: [
      {
        id: "k8s-deploy",
        title: "Deploying to Kubernetes",
        user_id: "alice",
        messages: [
          {
            role: "user",
            content: "How do I deploy the backend to our cluster?",
            created_at: "2025-01-10T10:00:00Z",
          },
          {
            role: "assistant",
            content: "Run pulumi up in the prod stack.",
            created_at: "2025-01-10T10:00:05Z",
          },
        ],
      },
    ],
  });
export type IngestConversationInput = z.infer<typeof IngestConversationInput>;

export const IngestResult = z
  .object({
    conversation_id: z.string().describe("Id of the stored conversation."),
    messages: z.number().int().describe("Messages stored for the conversation in total."),
    chunks: z.number().int().describe("Searchable chunks stored for the conversation in total."),
    added: z
      .object({
        messages: z.number().int().describe("Messages this request added."),
        chunks: z.number().int().describe("Chunks this request added (re-chunked tail included)."),
      })
      .describe("What this request changed; zeros for an exact re-send."),
  })
  .meta({
    examples: [{ conversation_id: "k8s-deploy", messages: 2, chunks: 1, added: { messages: 2, chunks: 1 } }],
  });
export type IngestResult = z.infer<typeof IngestResult>;

export const ConversationParams = z.strictObject({
  id: ConversationId.describe("Id of the conversation (as given at ingest, or the generated UUID)."),
});

export const StoredMessage = z.object({
  seq: z.number().int().describe("Position in the conversation, from 0."),
  role: Role,
  content: z.string(),
  created_at: z.string().describe("When the message was written (ISO 8601)."),
});

/** The fields every conversation view has; `Conversation` adds the messages, a summary their count. */
const conversationFields = {
  id: z.string().describe("Conversation id."),
  title: z.string().nullable(),
  user_id: z.string().nullable().describe("The end user the conversation belongs to, if given."),
  metadata: z.record(z.string(), z.unknown()),
  created_at: z.string().describe("When the conversation was first ingested (ISO 8601)."),
  updated_at: z.string().describe("When it last changed (ISO 8601)."),
};

const EXAMPLE_FIELDS = {
  id: "k8s-deploy",
  title: "Deploying to Kubernetes",
  user_id: "alice",
  metadata: {},
  created_at: "2025-01-10T10:00:07.123Z",
  updated_at: "2025-01-10T10:00:07.123Z",
};

export const Conversation = z.object({ ...conversationFields, messages: z.array(StoredMessage) }).meta({
  examples: [
    {
      ...EXAMPLE_FIELDS,
      messages: [
        {
          seq: 0,
          role: "user",
          content: "How do I deploy the backend to our cluster?",
          created_at: "2025-01-10T10:00:00.000Z",
        },
        {
          seq: 1,
          role: "assistant",
          content: "Run pulumi up in the prod stack.",
          created_at: "2025-01-10T10:00:05.000Z",
        },
      ],
    },
  ],
});
export type Conversation = z.infer<typeof Conversation>;

export const GetConversationInput = z.strictObject({
  id: ConversationId.describe("Id of the conversation to fetch."),
});

export const MAX_PAGE_SIZE = 100;
export const DEFAULT_PAGE_SIZE = 20;

/** `GET /v1/conversations` query string = `list_conversations` arguments. */
export const ListConversationsInput = z.strictObject({
  user_id: text(200).optional().describe("Only conversations of this end user."),
  since: Timestamp.optional().describe(
    "Only conversations first ingested at or after this ISO 8601 time (e.g. 2025-01-31T00:00:00Z).",
  ),
  until: Timestamp.optional().describe("Only conversations first ingested at or before this ISO 8601 time."),
  limit: count(MAX_PAGE_SIZE, DEFAULT_PAGE_SIZE).describe(
    `Page size (1-${MAX_PAGE_SIZE}, default ${DEFAULT_PAGE_SIZE}).`,
  ),
  cursor: z
    .string()
    .max(1000)
    .refine((c) => decodeCursor(c) !== undefined, "is not a cursor returned by this API")
    .optional()
    .describe("`next_cursor` of the previous page; omit it for the first page."),
});
export type ListConversationsInput = z.infer<typeof ListConversationsInput>;

export const ConversationSummary = z.object({
  ...conversationFields,
  message_count: z.number().int().describe("How many messages are stored."),
});
export type ConversationSummary = z.infer<typeof ConversationSummary>;

export const ConversationPage = z
  .object({
    conversations: z
      .array(ConversationSummary)
      .describe("Newest first (by created_at, then id); messages are not included, use get."),
    next_cursor: z
      .string()
      .nullable()
      .describe("Pass as `cursor` to get the next page; null on the last page."),
  })
  .meta({
    examples: [
      {
        conversations: [{ ...EXAMPLE_FIELDS, message_count: 2 }],
        next_cursor: "WyIyMDI1LTAxLTEwVDEwOjAwOjA3LjEyMzQ1NloiLCJrOHMtZGVwbG95Il0",
      },
      { conversations: [], next_cursor: null },
    ],
  });
export type ConversationPage = z.infer<typeof ConversationPage>;

export const DeleteConversationInput = z.strictObject({
  id: ConversationId.describe("Id of the conversation to delete, with its messages and chunks."),
});

export const DeleteResult = z
  .object({
    id: z.string().describe("Id of the deleted conversation."),
    deleted: z.literal(true),
  })
  .meta({ examples: [{ id: "k8s-deploy", deleted: true }] });
export type DeleteResult = z.infer<typeof DeleteResult>;
