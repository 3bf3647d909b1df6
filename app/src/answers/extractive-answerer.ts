/**
 * The offline answerer: no model, just the retrieved sentences that best overlap the question,
 * quoted with their citation numbers and clearly labelled as extractive.
 */
import { contentWords } from "../embeddings/local-embedder.js";
import { countTokens } from "../lib/tokens.js";
import { type Answerer, buildPrompt, type ContextChunk, type DraftAnswer } from "./answerer.js";

export const EXTRACTIVE_MODEL = "extractive";
export const EXTRACTIVE_PREFIX =
  "Extractive answer (no language model configured; quoted from stored conversations):";
export const NO_CONTEXT_ANSWER = "No stored conversation matches the question.";

/** Sentences kept in the answer. */
const MAX_SENTENCES = 3;

export class ExtractiveAnswerer implements Answerer {
  readonly model = EXTRACTIVE_MODEL;

  async answer(question: string, context: readonly ContextChunk[]): Promise<DraftAnswer> {
    const prompt = buildPrompt(question, context);
    const promptTokens = countTokens(prompt.system) + countTokens(prompt.user);
    const wanted = new Set(contentWords(question));
    const candidates: { sentence: string; chunk: number; score: number; order: number }[] = [];
    context.forEach((chunk, index) => {
      for (const line of chunk.text.split("\n")) {
        const role = /^(\w+): /.exec(line)?.[1];
        for (const sentence of line.match(/[^.!?]+[.!?]*/g) ?? []) {
          const words = contentWords(sentence);
          if (words.length === 0) continue;
          const hits = new Set(words.filter((w) => wanted.has(w))).size;
          // Questions echo the question rather than answer it; replies are likelier answers.
          const weight = (sentence.trim().endsWith("?") ? 0.3 : 1) * (role === "assistant" ? 1.2 : 1);
          const score = (weight * hits) / Math.sqrt(words.length);
          // Earlier (better-ranked) chunks win ties.
          candidates.push({ sentence: sentence.trim(), chunk: index, score, order: candidates.length });
        }
      }
    });
    const best = candidates
      .filter((c) => c.score > 0)
      .sort((a, b) => b.score - a.score || a.order - b.order)
      .slice(0, MAX_SENTENCES);
    if (best.length === 0 && context.length > 0) {
      const first = candidates[0];
      if (first) best.push(first);
    }
    const answer =
      best.length === 0
        ? NO_CONTEXT_ANSWER
        : [EXTRACTIVE_PREFIX, ...best.map((b) => `- ${b.sentence} [${b.chunk + 1}]`)].join("\n");
    const cited: number[] = [];
    for (const b of best) if (!cited.includes(b.chunk)) cited.push(b.chunk);
    return {
      answer,
      cited,
      usage: { prompt_tokens: promptTokens, completion_tokens: countTokens(answer) },
      model: this.model,
    };
  }
}
