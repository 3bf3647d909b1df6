/** Turns a question and retrieved context into an answer with citations. */
export interface ContextChunk {
  conversation_id: string;
  chunk_id: string;
  text: string;
}

export interface DraftAnswer {
  answer: string;
  /** 0-based indexes into the context chunks, in citation order. */
  cited: number[];
  usage: { prompt_tokens: number; completion_tokens: number };
  model: string;
}

export interface Answerer {
  readonly model: string;
  /** Stops (rejects) when `options.signal` aborts (the request's REQUEST_TIMEOUT). */
  answer(
    question: string,
    context: readonly ContextChunk[],
    options?: { signal?: AbortSignal },
  ): Promise<DraftAnswer>;
}

/** The numbered-context prompt shared by the chat answerer and the extractive one's usage count. */
export function buildPrompt(
  question: string,
  context: readonly ContextChunk[],
): { system: string; user: string } {
  const numbered = context.map((c, i) => `[${i + 1}] ${c.text}`).join("\n\n");
  return {
    system:
      "You answer questions using only the numbered excerpts of past conversations you are given. " +
      "Cite every claim with the excerpt number in square brackets, e.g. [1]. " +
      "If the excerpts do not contain the answer, say so.",
    user: `Excerpts:\n${numbered || "(none)"}\n\nQuestion: ${question}`,
  };
}

/** `[2]`, `[1, 3]` → 0-based indexes of existing chunks, first-mention order, no repeats. */
export function parseCitations(answer: string, contextSize: number): number[] {
  const seen: number[] = [];
  for (const match of answer.matchAll(/\[(\d+(?:\s*,\s*\d+)*)\]/g)) {
    for (const n of match[1]!.split(",")) {
      const index = Number(n.trim()) - 1;
      if (index >= 0 && index < contextSize && !seen.includes(index)) seen.push(index);
    }
  }
  return seen;
}
