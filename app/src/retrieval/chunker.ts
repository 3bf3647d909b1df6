/**
 * Conversation-aware chunking: windows of consecutive, role-prefixed messages bounded by a token
 * budget, consecutive windows overlapping by whole trailing messages up to `overlapTokens`. Windows
 * are built greedily from the first message, so appending messages to a conversation only changes
 * the windows that touched its old end — the ingest diff re-embeds just those.
 */
import { countTokens, splitByTokens } from "../lib/tokens.js";

export type Role = "user" | "assistant" | "system" | "tool";

export interface ChunkMessage {
  seq: number;
  role: Role;
  content: string;
  createdAt: Date;
}

export interface ChunkDraft {
  /** First and last message index covered (inclusive). */
  startSeq: number;
  endSeq: number;
  /** >0 only when one message longer than the budget is split into several chunks. */
  part: number;
  roles: Role[];
  text: string;
  tokenCount: number;
  /** The newest covered message's time. */
  createdAt: Date;
}

export interface ChunkOptions {
  /** @default 256 */
  maxTokens?: number;
  /** @default 48 */
  overlapTokens?: number;
}

export const DEFAULT_CHUNKING = { maxTokens: 256, overlapTokens: 48 } as const;

/** Identity of a chunk within its conversation (what the ingest diff compares). */
export function chunkKey(c: { startSeq: number; endSeq: number; part: number }): string {
  return `${c.startSeq}:${c.endSeq}:${c.part}`;
}

export function chunkConversation(
  messages: readonly ChunkMessage[],
  options: ChunkOptions = {},
): ChunkDraft[] {
  const maxTokens = options.maxTokens ?? DEFAULT_CHUNKING.maxTokens;
  const overlapTokens = Math.min(options.overlapTokens ?? DEFAULT_CHUNKING.overlapTokens, maxTokens - 1);
  const lines = messages.map((m) => `${m.role}: ${m.content}`);
  // +1 for the newline that joins lines.
  const costs = lines.map((line) => countTokens(line) + 1);
  const chunks: ChunkDraft[] = [];
  let start = 0;
  while (start < messages.length) {
    const first = messages[start]!;
    if (costs[start]! > maxTokens) {
      splitByTokens(lines[start]!, maxTokens, overlapTokens).forEach((text, part) => {
        chunks.push({
          startSeq: first.seq,
          endSeq: first.seq,
          part,
          roles: [first.role],
          text,
          tokenCount: countTokens(text),
          createdAt: first.createdAt,
        });
      });
      start += 1;
      continue;
    }
    let end = start;
    let total = costs[start]!;
    while (end + 1 < messages.length && total + costs[end + 1]! <= maxTokens) {
      end += 1;
      total += costs[end]!;
    }
    const window = messages.slice(start, end + 1);
    chunks.push({
      startSeq: first.seq,
      endSeq: messages[end]!.seq,
      part: 0,
      roles: [...new Set(window.map((m) => m.role))],
      text: lines.slice(start, end + 1).join("\n"),
      tokenCount: total - 1,
      createdAt: messages[end]!.createdAt,
    });
    if (end + 1 >= messages.length) break;
    // Overlap: carry trailing whole messages that fit the overlap budget, but always move forward.
    let next = end + 1;
    let carried = 0;
    while (next - 1 > start && carried + costs[next - 1]! <= overlapTokens) {
      next -= 1;
      carried += costs[next]!;
    }
    start = next;
  }
  return chunks;
}
