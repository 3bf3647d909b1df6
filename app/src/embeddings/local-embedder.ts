/**
 * The offline default: a deterministic feature-hashing embedder. Word unigrams (stop words dropped,
 * light suffix stemming), word bigrams and character trigrams are hashed into signed buckets,
 * weighted by 1 + log(tf), and L2-normalised — so cosine similarity tracks lexical overlap,
 * including partial word matches ("deploy" ~ "deployment").
 */
import type { Embedder } from "./embedder.js";

const STOP_WORDS = new Set(
  (
    "a an and are as at be but by do does did for from has have had how i if in into is it its me my no not of on or " +
    "our so than that the their them then there these they this to was we were what when where which who why will with " +
    "you your can could should would about just also"
  ).split(" "),
);

const WEIGHTS = { word: 1, bigram: 0.5, trigram: 0.25 } as const;

/** FNV-1a, 32 bit, with a seed so two independent hashes pick bucket and sign. */
function fnv1a(text: string, seed: number): number {
  let hash = 0x811c9dc5 ^ seed;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}

/** Crude but stable English suffix stripping; enough to meet "deploys"/"deployed"/"deploying". */
export function stem(word: string): string {
  if (word.length <= 4) return word;
  for (const [suffix, replacement] of [
    ["ies", "y"],
    ["ing", ""],
    ["ed", ""],
    ["es", ""],
    ["s", ""],
  ] as const) {
    if (word.endsWith(suffix) && !word.endsWith("ss") && word.length - suffix.length >= 3) {
      return word.slice(0, word.length - suffix.length) + replacement;
    }
  }
  return word;
}

/** Lower-cased letter/digit runs with stop words removed, stemmed. */
export function contentWords(text: string): string[] {
  const words = text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [];
  return words.filter((w) => !STOP_WORDS.has(w)).map(stem);
}

export class LocalEmbedder implements Embedder {
  readonly provider = "local";

  readonly dimensions: number;
  readonly model: string;
  constructor(dimensions: number = 384, model: string = "local-hash-v1") {
    this.dimensions = dimensions;
    this.model = model;
  }

  async embed(texts: readonly string[]): Promise<number[][]> {
    return texts.map((text) => this.embedOne(text));
  }

  embedOne(text: string): number[] {
    const counts = new Map<string, number>();
    const add = (feature: string) => counts.set(feature, (counts.get(feature) ?? 0) + 1);
    const words = contentWords(text);
    for (let i = 0; i < words.length; i++) {
      const word = words[i]!;
      add(`w:${word}`);
      if (i + 1 < words.length) add(`b:${word} ${words[i + 1]}`);
      const padded = `#${word}#`;
      for (let j = 0; j + 3 <= padded.length; j++) add(`t:${padded.slice(j, j + 3)}`);
    }
    const vector = new Array<number>(this.dimensions).fill(0);
    for (const [feature, tf] of counts) {
      const weight = feature.startsWith("w:")
        ? WEIGHTS.word
        : feature.startsWith("b:")
          ? WEIGHTS.bigram
          : WEIGHTS.trigram;
      const bucket = fnv1a(feature, 0) % this.dimensions;
      const sign = fnv1a(feature, 0x9e3779b9) & 1 ? 1 : -1;
      vector[bucket]! += sign * weight * (1 + Math.log(tf));
    }
    let norm = 0;
    for (const v of vector) norm += v * v;
    norm = Math.sqrt(norm);
    if (norm === 0) {
      // An empty or all-stop-word text still needs a valid unit vector for cosine distance.
      vector[0] = 1;
      return vector;
    }
    return vector.map((v) => v / norm);
  }
}
