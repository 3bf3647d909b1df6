/**
 * The relevance floor (SEARCH_MIN_SCORE) on a held-aside labelled set (labelled-set.ts): precision
 * and recall of semantic and hybrid search at the default floor against no floor, so unrelated hits
 * stop filling `k` while every question with an answer still finds it. PRINT_FLOOR_TABLE=1 prints the
 * figures at each floor (docs/app.md, "Relevance floor", quotes them).
 */

import { describe, expect, it } from "vitest";
import { DEFAULT_SEARCH_MIN_SCORE } from "../../../app/src/config.js";
import { toVectorLiteral } from "../../../app/src/embeddings/embedder.js";
import { testEmbedder, useApp } from "../helpers.js";
import { LABELLED } from "./labelled-set.js";

const FLOORS = [0, 0.2, 0.25, 0.3, 0.35, 0.4, 0.45, 0.5];
const embedder = testEmbedder();

interface Figures {
  precision: number;
  recall: number;
  /** Hits returned for the questions nothing stored answers. */
  unrelated: number;
}

describe("the relevance floor on the labelled set", () => {
  const ctx = useApp({ env: { RATE_LIMIT_PER_MINUTE: "0" } });

  async function measure(mode: "semantic" | "hybrid", minScore: number): Promise<Figures> {
    let returned = 0;
    let correct = 0;
    let wanted = 0;
    let unrelated = 0;
    for (const q of LABELLED.questions) {
      const [vector] = await embedder.embed([q.query]);
      const hits = await ctx.app.store.search({
        mode,
        text: q.query,
        vector: toVectorLiteral(vector!),
        k: 10,
        tenantId: "default",
        minScore,
      });
      const ids = new Set(hits.map((h) => h.conversation_id));
      returned += ids.size;
      correct += q.relevant.filter((id) => ids.has(id)).length;
      wanted += q.relevant.length;
      if (q.relevant.length === 0) unrelated += ids.size;
    }
    return { precision: returned ? correct / returned : 1, recall: correct / wanted, unrelated };
  }

  it(`keeps recall and cuts unrelated hits at the default floor (${DEFAULT_SEARCH_MIN_SCORE})`, async () => {
    for (const body of LABELLED.conversations) {
      const res = await ctx.app.inject({ method: "POST", url: "/v1/conversations", payload: body });
      expect(res.statusCode).toBe(201);
    }
    const table: string[] = [];
    const at = new Map<string, Figures>();
    for (const mode of ["semantic", "hybrid"] as const) {
      for (const floor of FLOORS) {
        const f = await measure(mode, floor);
        at.set(`${mode}@${floor}`, f);
        table.push(
          `| ${mode} | ${floor} | ${f.precision.toFixed(2)} | ${f.recall.toFixed(2)} | ${f.unrelated} |`,
        );
      }
      const f = await measure(mode, DEFAULT_SEARCH_MIN_SCORE);
      at.set(`${mode}@default`, f);
    }
    if (process.env.PRINT_FLOOR_TABLE === "1") console.log(table.join("\n"));

    const none = { semantic: at.get("semantic@0")!, hybrid: at.get("hybrid@0")! };
    const floor = { semantic: at.get("semantic@default")!, hybrid: at.get("hybrid@default")! };
    // Without a floor every question gets k conversations back, relevant or not.
    const unanswerable = LABELLED.questions.filter((q) => q.relevant.length === 0).length;
    expect(none.semantic.precision).toBeLessThan(0.15);
    expect(none.semantic.unrelated).toBe(unanswerable * Math.min(10, LABELLED.conversations.length));
    expect(none.hybrid.unrelated).toBe(unanswerable * Math.min(10, LABELLED.conversations.length));
    // Nothing comes back for a question nothing stored answers.
    expect(floor.hybrid.unrelated).toBe(0);
    expect(floor.semantic.unrelated).toBe(0);
    // Hybrid, the default mode: every answerable question still finds its conversation.
    expect(floor.hybrid.recall).toBe(1);
    expect(floor.hybrid.precision).toBeGreaterThanOrEqual(0.6);
    expect(floor.semantic.recall).toBeGreaterThanOrEqual(0.8);
    expect(floor.semantic.precision).toBeGreaterThanOrEqual(0.9);
  });
});
