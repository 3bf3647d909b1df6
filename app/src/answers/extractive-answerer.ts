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

/** A sentence asking rather than telling ("user: Where do the deploy logs go?"). */
const isQuestion = (sentence: string) => /\?["')\]]*$/.test(sentence);

export class ExtractiveAnswerer implements Answerer {
  readonly model = EXTRACTIVE_MODEL;

  async answer(question: string, context: readonly ContextChunk[]): Promise<DraftAnswer> {
    const prompt = buildPrompt(question, context);
    const promptTokens = countTokens(prompt.system) + countTokens(prompt.user);
    const wanted = new Set(contentWords(question));
    const candidates: { sentence: string; chunk: number; score: number; order: number }[] = [];
    context.forEach((chunk, index) => {
      // How well the previous non-assistant line matched: a reply to a matching question is
      // likely the answer even when it shares no words with it.
      let questionMatch = 0;
      for (const line of chunk.text.split("\n")) {
        const role = /^(\w+): /.exec(line)?.[1];
        let lineBest = 0;
        (line.match(/[^.!?]+[.!?]*/g) ?? []).forEach((raw, position) => {
          const sentence = raw.trim();
          const words = contentWords(sentence);
          if (words.length === 0) return;
          const hits = new Set(words.filter((w) => wanted.has(w))).size;
          const match = hits / Math.sqrt(words.length);
          lineBest = Math.max(lineBest, match);
          // A stored question, or a sentence saying nothing the question does not, only echoes the
          // question: it helps find the reply after it but is never quoted as an answer.
          const said = position === 0 && role ? contentWords(sentence.slice(role.length + 1)) : words;
          if (isQuestion(sentence) || said.every((w) => wanted.has(w))) return;
          const score = role === "assistant" ? 1.2 * match + questionMatch * 0.8 ** (position + 1) : match;
          // Earlier (better-ranked) chunks win ties.
          candidates.push({ sentence, chunk: index, score, order: candidates.length });
        });
        questionMatch = role === "assistant" ? 0 : lineBest;
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
