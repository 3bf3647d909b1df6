import { describe, expect, it } from "vitest";
import { countTokens } from "../../../app/src/lib/tokens.js";
import { type ChunkMessage, chunkConversation, chunkKey } from "../../../app/src/retrieval/chunker.js";

const at = new Date("2025-01-01T00:00:00Z");
const messages = (n: number, words = 20): ChunkMessage[] =>
  Array.from({ length: n }, (_, seq) => ({
    seq,
    role: seq % 2 === 0 ? "user" : "assistant",
    content: Array.from({ length: words }, (_, w) => `word${seq}x${w}`).join(" "),
    createdAt: new Date(at.getTime() + seq * 1000),
  }));

describe("chunkConversation", () => {
  it("keeps a short conversation in one role-prefixed chunk", () => {
    const chunks = chunkConversation(messages(3, 5));
    expect(chunks).toHaveLength(1);
    expect(chunks[0]).toMatchObject({ startSeq: 0, endSeq: 2, part: 0, roles: ["user", "assistant"] });
    expect(chunks[0]!.text.split("\n").map((l) => l.split(":")[0])).toEqual(["user", "assistant", "user"]);
    expect(chunks[0]!.createdAt).toEqual(new Date(at.getTime() + 2000));
  });

  it("bounds every chunk by the token budget and overlaps neighbours", () => {
    const chunks = chunkConversation(messages(20, 8), { maxTokens: 200, overlapTokens: 80 });
    expect(chunks.length).toBeGreaterThan(3);
    for (const c of chunks) expect(countTokens(c.text)).toBeLessThanOrEqual(200);
    for (let i = 1; i < chunks.length; i++) {
      // Overlap: the next window starts inside the previous one, but always moves forward.
      expect(chunks[i]!.startSeq).toBeLessThanOrEqual(chunks[i - 1]!.endSeq);
      expect(chunks[i]!.startSeq).toBeGreaterThan(chunks[i - 1]!.startSeq);
    }
    expect(chunks.at(-1)!.endSeq).toBe(19);
  });

  it("splits one message longer than the budget into parts with the same message range", () => {
    const chunks = chunkConversation(messages(1, 400), { maxTokens: 100, overlapTokens: 10 });
    expect(chunks.length).toBeGreaterThan(3);
    expect(chunks.every((c) => c.startSeq === 0 && c.endSeq === 0)).toBe(true);
    expect(chunks.map((c) => c.part)).toEqual(chunks.map((_, i) => i));
    for (const c of chunks) expect(c.tokenCount).toBeLessThanOrEqual(100);
  });

  it("changes only the tail windows when messages are appended", () => {
    const all = messages(12);
    const before = new Set(
      chunkConversation(all.slice(0, 9), { maxTokens: 150, overlapTokens: 40 }).map(chunkKey),
    );
    const after = chunkConversation(all, { maxTokens: 150, overlapTokens: 40 }).map(chunkKey);
    const kept = after.filter((k) => before.has(k));
    expect(kept.length).toBeGreaterThan(0);
    expect(after.slice(0, kept.length)).toEqual(kept);
  });
});
