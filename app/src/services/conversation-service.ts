/**
 * Ingest, fetch, list and delete conversations. Ingest is idempotent by id: the request carries the whole
 * conversation, the stored prefix must match it, only new messages are stored and only new chunk
 * windows are embedded.
 */
import { createHash, randomUUID } from "node:crypto";
import { DisabledCache } from "../cache/cache.js";
import { canonicalJson } from "../cache/keys.js";
import type { Cache } from "../cache/types.js";
import type { Embedder } from "../embeddings/embedder.js";
import { decodeCursor, encodeCursor } from "../lib/cursor.js";
import { AppError } from "../lib/errors.js";
import { type ChunkMessage, type ChunkOptions, chunkConversation, chunkKey } from "../retrieval/chunker.js";
import type {
  Conversation,
  ConversationPage,
  IngestConversationInput,
  IngestResult,
  ListConversationsInput,
} from "../schemas/conversation.js";
import {
  ConcurrentChangeError,
  type ConversationStore,
  type NewMessage,
  type StoredState,
} from "../store/conversation-store.js";
import { untilAborted } from "./abort.js";
import { type BatchOptions, type BatchResult, ingestBatch } from "./batch-ingest.js";
import type { RequestContext } from "./context.js";
import type { ServiceHooks } from "./hooks.js";
import { type Planned, type WritePlan, withVectors } from "./ingest-plan.js";

const MAX_ATTEMPTS = 3;

function hashMessage(role: string, content: string): string {
  return createHash("sha256").update(role).update("\n").update(content).digest("hex").slice(0, 32);
}

/** Whether the fields `input` gives (title, user_id, metadata) are already the stored ones. */
function sameFields(input: IngestConversationInput, state: StoredState): boolean {
  const stored = state.fields;
  if (!stored) return false;
  return (
    (input.title === undefined || input.title === stored.title) &&
    (input.user_id === undefined || input.user_id === stored.userId) &&
    (input.metadata === undefined || canonicalJson(input.metadata) === canonicalJson(stored.metadata))
  );
}

export interface ConversationServiceOptions {
  /** Its tenant data version is bumped after every committed ingest and delete. Defaults to none. */
  cache?: Cache;
  hooks?: ServiceHooks;
  chunking?: ChunkOptions;
  now?: () => Date;
}

export class ConversationService {
  private readonly cache: Cache;
  private readonly hooks: ServiceHooks;
  private readonly chunking: ChunkOptions;
  private readonly now: () => Date;

  private readonly store: ConversationStore;
  private readonly embedder: Embedder;
  constructor(store: ConversationStore, embedder: Embedder, options: ConversationServiceOptions = {}) {
    this.store = store;
    this.embedder = embedder;
    this.cache = options.cache ?? new DisabledCache();
    this.hooks = options.hooks ?? {};
    this.chunking = options.chunking ?? {};
    this.now = options.now ?? (() => new Date());
  }

  async ingest(input: IngestConversationInput, ctx: RequestContext): Promise<IngestResult> {
    return (await this.ingestReporting(input, ctx)).result;
  }

  /** {@link ingest}, also telling whether anything was written (false for an exact re-send). */
  ingestReporting(
    input: IngestConversationInput,
    ctx: RequestContext,
  ): Promise<{ result: IngestResult; wrote: boolean }> {
    const id = input.id ?? randomUUID();
    return untilAborted(ctx.signal, async () => {
      for (let attempt = 1; ; attempt++) {
        try {
          const outcome = await this.ingestOnce(id, input, ctx);
          this.reportIngested(ctx.tenantId, outcome.result);
          return outcome;
        } catch (error) {
          if (!(error instanceof ConcurrentChangeError) || attempt >= MAX_ATTEMPTS) throw error;
        }
      }
    });
  }

  private async ingestOnce(
    id: string,
    input: IngestConversationInput,
    ctx: RequestContext,
  ): Promise<{ result: IngestResult; wrote: boolean }> {
    const state = await this.store.readState(id, ctx.tenantId, ctx.signal);
    const planned = this.plan(id, input, state, ctx.tenantId);
    if (planned.kind === "unchanged") return { result: planned.result, wrote: false };
    const vectors = await this.embedFresh([planned], ctx);
    const totals = await this.store.applyIngest(withVectors(planned, vectors, 0), ctx.signal);
    // After the commit: a search from now on must not be served a result computed before it.
    await this.cache.bumpDataVersion(ctx.tenantId);
    return { result: { conversation_id: id, ...totals, added: planned.added }, wrote: true };
  }

  /**
   * What an ingest of `input` would store on top of `state`, without embeddings yet.
   * @throws AppError CONFLICT when the input changes a stored message
   */
  plan(id: string, input: IngestConversationInput, state: StoredState, tenantId: string): Planned {
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
    if (state.exists && newMessages.length === 0 && sameFields(input, state)) {
      return {
        kind: "unchanged",
        result: {
          conversation_id: id,
          messages: state.messages.length,
          chunks: state.chunkKeys.size,
          added: { messages: 0, chunks: 0 },
        },
      };
    }
    // A re-send without new messages (or a shorter prefix) leaves the chunks as they are.
    const drafts = newMessages.length > 0 ? chunkConversation(all, this.chunking) : [];
    const fresh = drafts.filter((d) => !state.chunkKeys.has(chunkKey(d)));
    return {
      kind: "write",
      fresh,
      added: { messages: newMessages.length, chunks: fresh.length },
      plan: {
        id,
        tenantId,
        title: input.title,
        userId: input.user_id,
        metadata: input.metadata,
        expectedMessages: state.messages.length,
        newMessages,
        keepChunkKeys: newMessages.length > 0 ? drafts.map(chunkKey) : [...state.chunkKeys],
      },
    };
  }

  /** One embedder call for the new chunks of all `plans`, in order (what batching saves). */
  async embedFresh(plans: readonly WritePlan[], ctx: RequestContext): Promise<number[][]> {
    const texts = plans.flatMap((p) => p.fresh.map((d) => d.text));
    return texts.length > 0 ? this.embedder.embed(texts, { signal: ctx.signal }) : [];
  }

  /** Tells the metrics layer about one committed (or unchanged) ingest. */
  reportIngested(tenantId: string, result: IngestResult): void {
    this.hooks.conversationIngested?.(tenantId, result.added.messages, result.added.chunks);
  }

  /** Ingests many conversations; see {@link ingestBatch} in `batch-ingest.ts`. */
  ingestMany(
    inputs: readonly IngestConversationInput[],
    ctx: RequestContext,
    options: BatchOptions = {},
  ): Promise<BatchResult> {
    return untilAborted(ctx.signal, () =>
      ingestBatch(inputs, ctx, {
        service: this,
        store: this.store,
        bump: (tenantId) => this.cache.bumpDataVersion(tenantId),
        ...options,
      }),
    );
  }

  /** @throws AppError NOT_FOUND */
  get(id: string, ctx: RequestContext): Promise<Conversation> {
    return untilAborted(ctx.signal, async () => {
      const conversation = await this.store.get(id, ctx.tenantId);
      if (!conversation) throw new AppError("NOT_FOUND", `Conversation ${id} not found`);
      return conversation;
    });
  }

  /** One page of the caller's conversations, newest first; `next_cursor` is null on the last page. */
  list(input: ListConversationsInput, ctx: RequestContext): Promise<ConversationPage> {
    return untilAborted(ctx.signal, async () => {
      // The schema already rejected cursors that do not decode; this is for direct callers.
      const after = input.cursor === undefined ? undefined : decodeCursor(input.cursor);
      if (input.cursor !== undefined && !after) {
        throw new AppError("VALIDATION_FAILED", "cursor: is not a cursor returned by this API");
      }
      // One row more than asked tells whether there is a next page.
      const rows = await this.store.list({
        tenantId: ctx.tenantId,
        userId: input.user_id,
        since: input.since,
        until: input.until,
        limit: input.limit + 1,
        after,
      });
      const page = rows.slice(0, input.limit);
      const last = page.at(-1);
      return {
        conversations: page.map(({ key: _key, ...summary }) => summary),
        next_cursor: rows.length > input.limit && last ? encodeCursor(last.key) : null,
      };
    });
  }

  /** @throws AppError NOT_FOUND */
  delete(id: string, ctx: RequestContext): Promise<void> {
    return untilAborted(ctx.signal, async () => {
      if (!(await this.store.delete(id, ctx.tenantId))) {
        throw new AppError("NOT_FOUND", `Conversation ${id} not found`);
      }
      await this.cache.bumpDataVersion(ctx.tenantId);
    });
  }
}
