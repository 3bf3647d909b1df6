/** Batch ingest: many conversations in one request, each stored all or nothing, reported one by one. */
import { z } from "zod";
import { IngestConversationInput, IngestResult } from "./conversation.js";

/** Most conversations one request may carry; the body also stays within BODY_LIMIT. */
export const MAX_BATCH_CONVERSATIONS = 100;

export const IngestBatchInput = z.strictObject({
  conversations: z
    .array(IngestConversationInput)
    .min(1)
    .max(MAX_BATCH_CONVERSATIONS)
    .describe(
      `1-${MAX_BATCH_CONVERSATIONS} conversations, each exactly as the single ingest takes it (the whole conversation, idempotent by id).`,
    ),
});
export type IngestBatchInput = z.infer<typeof IngestBatchInput>;

const index = z.number().int().describe("Position of the conversation in `conversations`, from 0.");

export const BatchStored = z.object({
  index,
  status: z
    .enum(["ingested", "unchanged"])
    .describe("`ingested`: something was stored; `unchanged`: an exact re-send, nothing was written."),
  ...IngestResult.shape,
});

export const BatchFailed = z.object({
  index,
  status: z.literal("failed").describe("Nothing of this conversation was stored; the others are unaffected."),
  conversation_id: z.string().describe("The id it was sent with (or the one generated for it)."),
  error: z
    .object({
      code: z.enum(["CONFLICT", "FORBIDDEN", "INTERNAL"]).describe("As the single ingest would answer."),
      message: z.string(),
    })
    .describe(
      "Why: a changed stored message (CONFLICT), another tenant's id (FORBIDDEN), or a failure at insert (INTERNAL, logged).",
    ),
});

export const BatchItem = z.discriminatedUnion("status", [BatchStored, BatchFailed]);
export type BatchItem = z.infer<typeof BatchItem>;

export const BatchCounts = z.object({
  ingested: z.number().int(),
  unchanged: z.number().int(),
  failed: z.number().int(),
});
export type BatchCounts = z.infer<typeof BatchCounts>;

export const IngestBatchResult = z
  .object({
    results: z.array(BatchItem).describe("One entry per conversation, in the order sent."),
    counts: BatchCounts.describe("How many conversations ended in each status."),
  })
  .meta({
    examples: [
      {
        results: [
          {
            index: 0,
            status: "ingested",
            conversation_id: "k8s-deploy",
            messages: 2,
            chunks: 1,
            added: { messages: 2, chunks: 1 },
          },
          {
            index: 1,
            status: "failed",
            conversation_id: "pasta",
            error: {
              code: "CONFLICT",
              message:
                "messages.0 differs from the stored message 0 of conversation pasta; stored messages cannot be changed (delete the conversation to replace it)",
            },
          },
        ],
        counts: { ingested: 1, unchanged: 0, failed: 1 },
      },
    ],
  });
export type IngestBatchResult = z.infer<typeof IngestBatchResult>;
