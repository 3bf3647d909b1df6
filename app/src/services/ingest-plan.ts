/** What an ingest plans before it writes: shared by the single and the batch ingest. */
import { toVectorLiteral } from "../embeddings/embedder.js";
import type { ChunkDraft } from "../retrieval/chunker.js";
import type { IngestResult } from "../schemas/conversation.js";
import type { IngestPlan } from "../store/conversation-store.js";

/** A planned ingest that writes: the store plan minus the new chunks, which still need embeddings. */
export interface WritePlan {
  kind: "write";
  plan: Omit<IngestPlan, "newChunks">;
  fresh: ChunkDraft[];
  added: IngestResult["added"];
}

export type Planned = WritePlan | { kind: "unchanged"; result: IngestResult };

/** The store plan of `planned` with its chunks' vectors, taken from `vectors` starting at `offset`. */
export function withVectors(planned: WritePlan, vectors: readonly number[][], offset: number): IngestPlan {
  return {
    ...planned.plan,
    newChunks: planned.fresh.map((d, i) => ({ ...d, vector: toVectorLiteral(vectors[offset + i]!) })),
  };
}
