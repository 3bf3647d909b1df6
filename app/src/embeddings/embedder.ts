/** Per call: the request's deadline (REQUEST_TIMEOUT), passed on to fetch. */
export interface CallOptions {
  signal?: AbortSignal;
}

/** What the ingest and search services need from an embedding provider. */
export interface Embedder {
  /** `local` or `openai`; recorded in the database with model and dimensions. */
  readonly provider: string;
  readonly model: string;
  readonly dimensions: number;
  /** One unit-length vector per text, in order. Stops (rejects) when `options.signal` aborts. */
  embed(texts: readonly string[], options?: CallOptions): Promise<number[][]>;
}

/** pgvector's text form, `[0.1,0.2,...]`. */
export function toVectorLiteral(vector: readonly number[]): string {
  return `[${vector.join(",")}]`;
}
