/**
 * Recall@10 of the app's HNSW search against exact nearest neighbours: strict (same ids) and
 * tie-aware (a hit as close as the exact 10th counts; hashed vectors tie often).
 */
import { type QuerySettings, SEARCH_SETTINGS } from "../../src/db/database.js";
import { round } from "../measure.js";
import { type BenchContext, storeQuery } from "./context.js";

export async function vectorRecall(ctx: BenchContext, settings: QuerySettings = SEARCH_SETTINGS) {
  let strict = 0;
  let tieAware = 0;
  for (const query of ctx.queries) {
    const base = await storeQuery(ctx, query, "semantic");
    const approx = await ctx.app.store.search(base, undefined, settings);
    const exact = await ctx.app.store.search({ ...base, exact: true }, undefined, settings);
    const ids = new Set(approx.map((h) => h.chunk_id));
    strict += exact.filter((h) => ids.has(h.chunk_id)).length / exact.length;
    const tenth = exact.at(-1)?.score ?? 1;
    tieAware += Math.min(1, approx.filter((h) => h.score >= tenth - 1e-9).length / exact.length);
  }
  return {
    efSearch: Number(settings["hnsw.ef_search"]),
    strict: round(strict / ctx.queries.length),
    tieAware: round(tieAware / ctx.queries.length),
  };
}

/** The app's setting, then each swept ef_search with the index forced (measures HNSW even where the planner would scan). */
export async function recallSection(ctx: BenchContext, sweep: readonly number[]) {
  const figures = [await vectorRecall(ctx)];
  for (const ef of sweep) {
    figures.push(
      await vectorRecall(ctx, { ...SEARCH_SETTINGS, "hnsw.ef_search": String(ef), enable_seqscan: "off" }),
    );
  }
  return figures;
}
