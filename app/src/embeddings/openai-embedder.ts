/** Embeddings from an OpenAI-compatible `/embeddings` endpoint, batched, retried with backoff. */
import { z } from "zod";
import { AppError } from "../lib/errors.js";
import { type OpenAiClientOptions, postJson } from "../lib/openai-http.js";
import type { CallOptions, Embedder } from "./embedder.js";

const EmbeddingsResponse = z.object({
  data: z.array(z.object({ index: z.number().int(), embedding: z.array(z.number()) })),
});

export interface OpenAiEmbedderOptions extends OpenAiClientOptions {
  model: string;
  dimensions: number;
  /** Texts per request. @default 96 */
  batchSize?: number;
}

export class OpenAiEmbedder implements Embedder {
  readonly provider = "openai";
  readonly model: string;
  readonly dimensions: number;

  private readonly options: OpenAiEmbedderOptions;
  constructor(options: OpenAiEmbedderOptions) {
    this.options = options;
    this.model = options.model;
    this.dimensions = options.dimensions;
  }

  async embed(texts: readonly string[], options: CallOptions = {}): Promise<number[][]> {
    const batchSize = this.options.batchSize ?? 96;
    const out: number[][] = [];
    for (let i = 0; i < texts.length; i += batchSize) {
      const batch = texts.slice(i, i + batchSize);
      const json = await postJson(
        this.options,
        "/embeddings",
        { model: this.model, input: batch, dimensions: this.dimensions },
        options.signal,
      );
      const parsed = EmbeddingsResponse.safeParse(json);
      if (!parsed.success || parsed.data.data.length !== batch.length) {
        throw new AppError("UPSTREAM_FAILED", "The embeddings provider returned an unexpected response");
      }
      const ordered = [...parsed.data.data].sort((a, b) => a.index - b.index);
      for (const item of ordered) {
        if (item.embedding.length !== this.dimensions) {
          throw new AppError(
            "UPSTREAM_FAILED",
            `The embeddings provider returned ${item.embedding.length} dimensions, expected ${this.dimensions}`,
          );
        }
        out.push(normalise(item.embedding));
      }
    }
    return out;
  }
}

function normalise(v: number[]): number[] {
  const norm = Math.sqrt(v.reduce((s, x) => s + x * x, 0)) || 1;
  return v.map((x) => x / norm);
}
