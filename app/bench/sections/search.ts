/**
 * Search latency per mode (query embedding + SQL, the service's path with the cache off) and the
 * recall of the bounded hybrid search against the exhaustive keyword ranking it replaced.
 */
import { SEARCH_SETTINGS, searchTransaction } from "../../src/db/database.js";
import { DEFAULT_TENANT } from "../../src/services/context.js";
import { buildSearch } from "../../src/store/search-sql.js";
import { latency, round, time } from "../measure.js";
import { type BenchContext, storeQuery } from "./context.js";

export async function semanticPlan(ctx: BenchContext): Promise<string> {
  const probe = buildSearch(await storeQuery(ctx, ctx.queries[0] ?? "", "semantic"));
  // Under the search settings: pgvector's cost estimate grows with ef_search, so the plan may differ.
  const plan = await searchTransaction(ctx.db, (tx) =>
    tx.query<{ "QUERY PLAN": string }>(`EXPLAIN ${probe.sql}`, probe.params),
  );
  return plan.find((p) => p["QUERY PLAN"].includes("Scan"))?.["QUERY PLAN"].trim() ?? "?";
}

const { random_page_cost: _, ...DEFAULT_PAGE_COST } = SEARCH_SETTINGS;

export async function latencySection(ctx: BenchContext) {
  const { search } = ctx.app.services;
  const tenant = { tenantId: DEFAULT_TENANT };
  const semantic: number[] = [];
  const plannerChoice: number[] = [];
  const hybrid: number[] = [];
  const exhaustive: number[] = [];
  // Interleaved per query, so a noisy neighbour on the machine hits every mode alike.
  for (const query of ctx.queries) {
    semantic.push(await time(() => search.search({ query, k: 10, mode: "semantic" }, tenant)));
    // The baseline for the app's random_page_cost: Postgres's default of 4 (the plan it leads to).
    plannerChoice.push(
      await time(async () =>
        ctx.app.store.search(await storeQuery(ctx, query, "semantic"), undefined, DEFAULT_PAGE_COST),
      ),
    );
    hybrid.push(await time(() => search.search({ query, k: 10, mode: "hybrid" }, tenant)));
    exhaustive.push(
      await time(async () =>
        ctx.app.store.search({ ...(await storeQuery(ctx, query, "hybrid")), exhaustiveKeywords: true }),
      ),
    );
  }
  return {
    semantic: latency(semantic),
    semanticDefaultPageCost: latency(plannerChoice),
    hybrid: latency(hybrid),
    hybridExhaustive: latency(exhaustive),
  };
}

/** Share of the exhaustive plan's fused top 10 that the bounded plan also returns. */
export async function hybridRecallSection(ctx: BenchContext): Promise<number> {
  let total = 0;
  for (const query of ctx.queries) {
    const base = await storeQuery(ctx, query, "hybrid");
    const bounded = new Set((await ctx.app.store.search(base)).map((h) => h.chunk_id));
    const exact = await ctx.app.store.search({ ...base, exhaustiveKeywords: true });
    total += exact.length === 0 ? 1 : exact.filter((h) => bounded.has(h.chunk_id)).length / exact.length;
  }
  return round(total / ctx.queries.length);
}
