/**
 * One import of an NDJSON stream into a built app's database: the batch ingest per batch, the
 * deferred vector index when asked (dropped before the first write, rebuilt at the end even when
 * the import fails or is stopped). The CLI and the bench both run this.
 */
import type { Readable } from "node:stream";
import type { FastifyInstance } from "fastify";
import { dropVectorIndex, ensureVectorIndex } from "../db/vector-index.js";
import { type ImportCounts, type ImportEvent, importNdjson } from "./importer.js";
import { ndjsonLines } from "./ndjson-lines.js";

export interface RunImportOptions {
  app: FastifyInstance;
  input: Readable;
  tenantId: string;
  batchSize: number;
  deferIndex: boolean;
  onEvent?: (event: ImportEvent) => void;
  /** A conversation failed for a reason that is not its own (a database error): for the log. */
  onUnexpected?: (conversationId: string, error: unknown) => void;
  /** Before the index rebuild starts (it can take a while on a large table). */
  onRebuild?: () => void;
  stopped?: () => boolean;
}

export async function runImport(options: RunImportOptions): Promise<ImportCounts & { stopped: boolean }> {
  const { app } = options;
  const db = app.databases.primary;
  const ctx = { tenantId: options.tenantId };
  let dropped = false;
  try {
    return await importNdjson(ndjsonLines(options.input), {
      batchSize: options.batchSize,
      stopped: options.stopped,
      onEvent: options.onEvent,
      ingest: (inputs) =>
        app.services.conversations.ingestMany(inputs, ctx, {
          // Lazily: a re-run that finds everything stored never touches the index.
          beforeWrite: async () => {
            if (!options.deferIndex || dropped) return;
            await dropVectorIndex(db);
            dropped = true;
          },
          onUnexpected: (_index, id, error) => options.onUnexpected?.(id, error),
        }),
    });
  } finally {
    if (dropped) {
      options.onRebuild?.();
      await ensureVectorIndex(db);
    }
    // PGlite has no autovacuum: the planner should see the new table size (HNSW vs scan).
    if (db.kind === "pglite") await db.query("ANALYZE");
  }
}
