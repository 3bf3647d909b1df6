/**
 * The import loop: validate each line, gather valid conversations into batches, hand each batch to
 * the batch ingest (the service the endpoint and the MCP tool call), and count what happened.
 * Re-running an import skips what is stored already: unchanged conversations write nothing.
 */
import type { IngestConversationInput } from "../schemas/conversation.js";
import type { BatchResult } from "../services/batch-ingest.js";
import type { Line } from "./ndjson-lines.js";
import { parseLine } from "./parse-line.js";

export interface ImportCounts {
  /** Non-blank lines read. */
  lines: number;
  ingested: number;
  unchanged: number;
  /** Invalid lines plus conversations the store refused. */
  failed: number;
}

export type ImportEvent =
  | { kind: "problem"; message: string }
  | { kind: "progress"; counts: ImportCounts; bytes: number };

export interface ImportOptions {
  /** Sends one batch to the service (in order; the next batch waits for this one). */
  ingest: (inputs: IngestConversationInput[]) => Promise<BatchResult>;
  batchSize: number;
  onEvent?: (event: ImportEvent) => void;
  /** Checked between batches: true stops the import after the batch in flight (SIGINT). */
  stopped?: () => boolean;
}

/** A batch could not be handed over (database or server failure): the counts of what went in before. */
export class ImportAborted extends Error {
  readonly counts: ImportCounts;

  constructor(counts: ImportCounts, cause: unknown) {
    super(cause instanceof Error ? cause.message : String(cause), { cause });
    this.counts = counts;
    this.name = "ImportAborted";
  }
}

const FIXES: Record<string, string> = {
  CONFLICT:
    "it differs from the stored conversation; delete that one first to replace it, or give it a new id",
  FORBIDDEN: "the id belongs to another tenant; give the conversation another id",
  INTERNAL:
    "nothing of it was stored; see the error above, then re-run the import (stored lines are skipped)",
};

export async function importNdjson(
  lines: AsyncIterable<Line>,
  options: ImportOptions,
): Promise<ImportCounts & { stopped: boolean }> {
  const counts: ImportCounts = { lines: 0, ingested: 0, unchanged: 0, failed: 0 };
  const emit = options.onEvent ?? (() => {});
  let batch: { line: number; input: IngestConversationInput }[] = [];
  let bytes = 0;

  const flush = async () => {
    if (batch.length === 0) return;
    const sent = batch;
    batch = [];
    let result: BatchResult;
    try {
      result = await options.ingest(sent.map((b) => b.input));
    } catch (error) {
      throw new ImportAborted({ ...counts }, error);
    }
    for (const item of result.results) {
      const line = sent[item.index]!.line;
      if (item.status === "failed") {
        counts.failed++;
        emit({
          kind: "problem",
          message: `line ${line}: conversation ${item.conversation_id}: ${item.error.code} ${item.error.message}; fix: ${FIXES[item.error.code]}`,
        });
      } else counts[item.status]++;
    }
    emit({ kind: "progress", counts: { ...counts }, bytes });
  };

  for await (const line of lines) {
    bytes = line.bytes;
    const parsed = parseLine(line.text, line.number, line.fault);
    if (parsed.ok === "blank") continue;
    counts.lines++;
    if (parsed.ok) batch.push({ line: line.number, input: parsed.input });
    else {
      counts.failed++;
      for (const message of parsed.problems) emit({ kind: "problem", message });
    }
    if (batch.length >= options.batchSize) {
      await flush();
      if (options.stopped?.()) return { ...counts, stopped: true };
    }
  }
  await flush();
  return { ...counts, stopped: false };
}
