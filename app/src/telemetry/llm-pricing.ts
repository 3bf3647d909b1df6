/**
 * List prices (US dollars per million tokens) for `llm_cost_usd_total`. An estimate: tokens × the
 * price in this table, not the provider's invoice. The offline providers (extractive answers, the
 * local embedder) cost nothing. A model missing here is costed at 0 and reported by
 * {@link priceOf} as unknown, so the start-up log can say so; add it to the table.
 *
 * Source: OpenAI's published API pricing (standard tier), checked 2025. Dated snapshots
 * ("gpt-4o-mini-2024-07-18") are priced as their family via the longest matching prefix.
 */
export interface ModelPrice {
  /** USD per 1M prompt (input) tokens. */
  prompt: number;
  /** USD per 1M completion (output) tokens; 0 for embedding models. */
  completion: number;
}

export const MODEL_PRICES: Readonly<Record<string, ModelPrice>> = {
  "gpt-4o-mini": { prompt: 0.15, completion: 0.6 },
  "gpt-4o": { prompt: 2.5, completion: 10 },
  "gpt-4.1-nano": { prompt: 0.1, completion: 0.4 },
  "gpt-4.1-mini": { prompt: 0.4, completion: 1.6 },
  "gpt-4.1": { prompt: 2, completion: 8 },
  "gpt-3.5-turbo": { prompt: 0.5, completion: 1.5 },
  "text-embedding-3-small": { prompt: 0.02, completion: 0 },
  "text-embedding-3-large": { prompt: 0.13, completion: 0 },
  "text-embedding-ada-002": { prompt: 0.1, completion: 0 },
  // Offline providers: computed in-process.
  extractive: { prompt: 0, completion: 0 },
  "local-hash-v1": { prompt: 0, completion: 0 },
};

/** The price of `model` (longest table prefix), or undefined when the table does not know it. */
export function priceOf(model: string): ModelPrice | undefined {
  let best: string | undefined;
  for (const name of Object.keys(MODEL_PRICES)) {
    if ((model === name || model.startsWith(`${name}-`)) && (!best || name.length > best.length)) best = name;
  }
  return best === undefined ? undefined : MODEL_PRICES[best];
}

/** Estimated USD cost of one call; 0 for unknown models. */
export function estimateCostUsd(model: string, promptTokens: number, completionTokens: number): number {
  const price = priceOf(model);
  if (!price) return 0;
  return (promptTokens * price.prompt + completionTokens * price.completion) / 1_000_000;
}
