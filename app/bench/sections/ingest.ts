/** Ingest through the service: chunking, tokenizer, embedding, one transaction per conversation. */
import { DEFAULT_TENANT } from "../../src/services/context.js";
import type { Corpus } from "../corpus.js";
import { round, time } from "../measure.js";
import type { BenchContext } from "./context.js";

export const MESSAGES_PER_CONVERSATION = 20;

export function conversation(text: Corpus, i: number, messages = MESSAGES_PER_CONVERSATION) {
  const topic = i % text.topics;
  return {
    id: `bench-${i}`,
    user_id: `user-${i % 50}`,
    messages: Array.from({ length: messages }, (_, m) => ({
      role: m % 2 === 0 ? ("user" as const) : ("assistant" as const),
      content: `${text.sentence(topic, 25)}.`,
    })),
  };
}

export async function ingestSection(ctx: BenchContext, text: Corpus, messages: number) {
  const conversations = Math.ceil(messages / MESSAGES_PER_CONVERSATION);
  const elapsed = await time(async () => {
    for (let i = 0; i < conversations; i++) {
      await ctx.app.services.conversations.ingest(conversation(text, i), { tenantId: DEFAULT_TENANT });
    }
  });
  const sent = conversations * MESSAGES_PER_CONVERSATION;
  return { messages: sent, messagesPerSecond: round(sent / (elapsed / 1000)) };
}
