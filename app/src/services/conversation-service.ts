/**
 * Ingest, fetch and delete conversations. Ingest is idempotent by id: the request carries the whole
 * conversation, the stored prefix must match it, only new messages are stored and only new chunk
 * windows are embedded.
 */
import { createHash, randomUUID } from "node:crypto";
import { type Embedder, toVectorLiteral } from "../embeddings/embedder.js";
import { AppError } from "../lib/errors.js";
import { type ChunkMessage, type ChunkOptions, chunkConversation, chunkKey } from "../retrieval/chunker.js";
import type { Conversation, IngestConversationInput, IngestResult } from "../schemas/conversation.js";
import {
  ConcurrentChangeError,
  type ConversationStore,
  type NewMessage,
} from "../store/conversation-store.js";
import type { RequestContext } from "./context.js";

const MAX_ATTEMPTS = 3;

function hashMessage(role: string, content: string): string {
  return createHash("sha256").update(role).update("\n").update(content).digest("hex").slice(0, 32);
}

export class ConversationService {
  constructor(
    private readonly store: ConversationStore,
    private readonly embedder: Embedder,
    private readonly chunking: ChunkOptions = {},
    private readonly now: () => Date = () => new Date(),
  ) {}

  async ingest(input: IngestConversationInput, ctx: RequestContext): Promise<IngestResult> {
    const id = input.id ?? randomUUID();
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.ingestOnce(id, input, ctx);
      } catch (error) {
        if (!(error instanceof ConcurrentChangeError) || attempt >= MAX_ATTEMPTS) throw error;
      }
    }
  }

  private async ingestOnce(
    id: string,
    input: IngestConversationInput,
    ctx: RequestContext,
  ): Promise<IngestResult> {
    const state = await this.store.readState(id, ctx.tenantId);
    const now = this.now();
    const hashes = input.messages.map((m) => hashMessage(m.role, m.content));
    const overlap = Math.min(state.messages.length, hashes.length);
    for (let i = 0; i < overlap; i++) {
      if (state.messages[i]!.contentHash !== hashes[i]) {
        throw new AppError(
          "CONFLICT",
          `messages.${i} differs from the stored message ${i} of conversation ${id}; stored messages cannot be changed (delete the conversation to replace it)`,
        );
      }
    }
    const all: ChunkMessage[] = input.messages.map((m, seq) => ({
      seq,
      role: m.role,
      content: m.content,
      createdAt: state.messages[seq]?.createdAt ?? (m.created_at ? new Date(m.created_at) : now),
    }));
    const newMessages: NewMessage[] = all.slice(state.messages.length).map((m) => ({
      ...m,
      contentHash: hashes[m.seq]!,
    }));
    if (
      state.exists &&
      newMessages.length === 0 &&
      input.title === undefined &&
      input.user_id === undefined &&
      input.metadata === undefined
    ) {
      return {
        conversation_id: id,
        messages: state.messages.length,
        chunks: state.chunkKeys.size,
        added: { messages: 0, chunks: 0 },
      };
    }
    // A re-send without new messages (or a shorter prefix) leaves the chunks as they are.
    const drafts = newMessages.length > 0 ? chunkConversation(all, this.chunking) : [];
    const keep = newMessages.length > 0 ? drafts.map(chunkKey) : [...state.chunkKeys];
    const fresh = drafts.filter((d) => !state.chunkKeys.has(chunkKey(d)));
    const vectors = fresh.length > 0 ? await this.embedder.embed(fresh.map((d) => d.text)) : [];
    const totals = await this.store.applyIngest({
      id,
      tenantId: ctx.tenantId,
      title: input.title,
      userId: input.user_id,
      metadata: input.metadata,
      expectedMessages: state.messages.length,
      newMessages,
      keepChunkKeys: keep,
      newChunks: fresh.map((d, i) => ({ ...d, vector: toVectorLiteral(vectors[i]!) })),
    });
    return {
      conversation_id: id,
      ...totals,
      added: { messages: newMessages.length, chunks: fresh.length },
    };
  }

  /** @throws AppError NOT_FOUND */
  async get(id: string, ctx: RequestContext): Promise<Conversation> {
    const conversation = await this.store.get(id, ctx.tenantId);
    if (!conversation) throw new AppError("NOT_FOUND", `Conversation ${id} not found`);
    return conversation;
  }

  /** @throws AppError NOT_FOUND */
  async delete(id: string, ctx: RequestContext): Promise<void> {
    if (!(await this.store.delete(id, ctx.tenantId))) {
      throw new AppError("NOT_FOUND", `Conversation ${id} not found`);
    }
  }
}
