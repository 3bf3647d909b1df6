/**
 * Batch ingest. The fast path plans every conversation of the batch from one read of their stored
 * state, embeds all new chunks in one embedder call and writes them all in one transaction with one
 * statement per step. Anything that fails there (a conflict found while planning aside) rolls the
 * whole transaction back and the batch falls back to one single ingest per remaining conversation,
 * each its own transaction: a bad conversation is reported by its index and never leaves rows,
 * and the others are stored exactly as the single ingest stores them.
 */
import { randomUUID } from "node:crypto";
import { AppError } from "../lib/errors.js";
import type { IngestConversationInput, IngestResult } from "../schemas/conversation.js";
import type { BatchCounts, BatchItem, IngestBatchResult } from "../schemas/conversation-batch.js";
import type { ConversationStore } from "../store/conversation-store.js";
import { forbidden } from "../store/conversation-store.js";
import type { RequestContext } from "./context.js";
import type { ConversationService } from "./conversation-service.js";
import { type WritePlan, withVectors } from "./ingest-plan.js";

export type BatchResult = IngestBatchResult;

export interface BatchOptions {
  /** Awaited once, before the batch's first write (the import's deferred index drop). */
  beforeWrite?: () => Promise<void>;
  /** A failure that is not one of the catalogued per-conversation ones (a database error): to log. */
  onUnexpected?: (index: number, conversationId: string, error: unknown) => void;
}

export interface BatchDeps extends BatchOptions {
  service: ConversationService;
  store: ConversationStore;
  bump: (tenantId: string) => Promise<void>;
}

/**
 * Errors about the request rather than one conversation: the database is gone, the deadline passed,
 * the embedding provider failed. They fail the whole batch (conversations committed before stay;
 * a re-send is idempotent).
 */
const REQUEST_LEVEL = new Set(["DB_UNAVAILABLE", "TIMEOUT", "UPSTREAM_FAILED"]);

function isRequestLevel(error: unknown): boolean {
  return error instanceof AppError && REQUEST_LEVEL.has(error.code);
}

const PER_CONVERSATION = new Set(["CONFLICT", "FORBIDDEN"]);

function failed(
  index: number,
  conversationId: string,
  error: unknown,
  deps: BatchOptions,
): Extract<BatchItem, { status: "failed" }> {
  if (error instanceof AppError && PER_CONVERSATION.has(error.code)) {
    return {
      index,
      status: "failed",
      conversation_id: conversationId,
      error: { code: error.code as "CONFLICT" | "FORBIDDEN", message: error.message },
    };
  }
  deps.onUnexpected?.(index, conversationId, error);
  return {
    index,
    status: "failed",
    conversation_id: conversationId,
    error: { code: "INTERNAL", message: "Internal error: nothing of this conversation was stored" },
  };
}

function stored(index: number, status: "ingested" | "unchanged", result: IngestResult): BatchItem {
  return { index, status, ...result };
}

/** One batch being ingested: its inputs with their ids, and the outcome of each, filled in as it goes. */
interface Batch {
  readonly inputs: readonly IngestConversationInput[];
  readonly ids: readonly string[];
  readonly results: (BatchItem | undefined)[];
  readonly ctx: RequestContext;
  readonly deps: BatchDeps;
  /** Runs deps.beforeWrite before the batch's first write, once. */
  writeOnce(): Promise<void>;
}

export async function ingestBatch(
  inputs: readonly IngestConversationInput[],
  ctx: RequestContext,
  deps: BatchDeps,
): Promise<BatchResult> {
  let wrote = false;
  const batch: Batch = {
    inputs,
    ids: inputs.map((input) => input.id ?? randomUUID()),
    results: new Array(inputs.length),
    ctx,
    deps,
    writeOnce: async () => {
      if (!wrote && deps.beforeWrite) await deps.beforeWrite();
      wrote = true;
    },
  };
  if (new Set(batch.ids).size !== batch.ids.length) {
    // The same conversation twice: the later entry must see the earlier one stored.
    await oneByOne(
      batch,
      inputs.map((_, i) => i),
    );
    return summarise(batch.results);
  }
  const writes = await planAll(batch);
  if (writes.length > 0) await writeAll(batch, writes);
  return summarise(batch.results);
}

/** One single ingest per conversation, in order (the fallback, and batches repeating an id). */
async function oneByOne(batch: Batch, indexes: readonly number[]): Promise<void> {
  const { inputs, ids, results, ctx, deps } = batch;
  for (const index of indexes) {
    const input = { ...inputs[index]!, id: ids[index]! };
    try {
      await batch.writeOnce();
      const { result, wrote: changed } = await deps.service.ingestReporting(input, ctx);
      results[index] = stored(index, changed ? "ingested" : "unchanged", result);
    } catch (error) {
      if (isRequestLevel(error)) throw error;
      results[index] = failed(index, ids[index]!, error, deps);
    }
  }
}

/**
 * Plans every conversation from one read of their stored state: the unchanged and the failed get their
 * outcome now; the rest are returned, to be written.
 */
async function planAll(batch: Batch): Promise<{ index: number; planned: WritePlan }[]> {
  const { inputs, ids, results, ctx, deps } = batch;
  const states = await deps.store.readStates(ids, ctx.tenantId, ctx.signal);
  const writes: { index: number; planned: WritePlan }[] = [];
  inputs.forEach((input, index) => {
    const id = ids[index]!;
    try {
      const state = states.get(id)!;
      if (state.foreign) throw forbidden(id);
      const planned = deps.service.plan(id, input, state, ctx.tenantId);
      if (planned.kind === "unchanged") {
        results[index] = stored(index, "unchanged", planned.result);
        deps.service.reportIngested(ctx.tenantId, planned.result);
      } else writes.push({ index, planned });
    } catch (error) {
      results[index] = failed(index, id, error, deps);
    }
  });
  return writes;
}

/**
 * Embeds every new chunk in one call and writes all planned conversations in one transaction; when
 * that fails (not for a request-level reason), redoes them one by one to isolate the failure.
 */
async function writeAll(
  batch: Batch,
  writes: readonly { index: number; planned: WritePlan }[],
): Promise<void> {
  const { results, ctx, deps } = batch;
  const vectors = await deps.service.embedFresh(
    writes.map((w) => w.planned),
    ctx,
  );
  let offset = 0;
  const plans = writes.map((w) => {
    const plan = withVectors(w.planned, vectors, offset);
    offset += w.planned.fresh.length;
    return plan;
  });
  await batch.writeOnce();
  let totals: Map<string, { messages: number; chunks: number }>;
  try {
    totals = await deps.store.applyIngestBatch(plans, ctx.signal);
  } catch (error) {
    if (isRequestLevel(error)) throw error;
    // Nothing of the batch was stored: redo it one conversation at a time to isolate the failure.
    await oneByOne(
      batch,
      writes.map((w) => w.index),
    );
    return;
  }
  // After the commit: a search from now on must not be served a result computed before it.
  await deps.bump(ctx.tenantId);
  for (const { index, planned } of writes) {
    const id = planned.plan.id;
    const result: IngestResult = { conversation_id: id, ...totals.get(id)!, added: planned.added };
    results[index] = stored(index, "ingested", result);
    deps.service.reportIngested(ctx.tenantId, result);
  }
}

function summarise(results: readonly (BatchItem | undefined)[]): BatchResult {
  const counts: BatchCounts = { ingested: 0, unchanged: 0, failed: 0 };
  const done = results.map((r, i) => {
    if (!r) throw new Error(`batch ingest left conversation ${i} without an outcome`);
    counts[r.status]++;
    return r;
  });
  return { results: done, counts };
}
