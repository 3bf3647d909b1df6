/** Token counting with a real BPE tokenizer (o200k_base, the GPT-4o family's). */
import { countTokens as count, decode, encode } from "gpt-tokenizer";

export function countTokens(text: string): number {
  return count(text);
}

/** Splits `text` into pieces of at most `max` tokens, consecutive pieces sharing `overlap` tokens. */
export function splitByTokens(text: string, max: number, overlap: number): string[] {
  const tokens = encode(text);
  if (tokens.length <= max) return [text];
  const step = Math.max(1, max - overlap);
  const pieces: string[] = [];
  for (let start = 0; start < tokens.length; start += step) {
    pieces.push(decode(tokens.slice(start, start + max)));
    if (start + max >= tokens.length) break;
  }
  return pieces;
}
