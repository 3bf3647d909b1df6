/** The same search as `POST /v1/search` over real HTTP vs its prebuilt SQL straight on the database. */
import { searchTransaction } from "../../src/db/database.js";
import type { SearchMode } from "../../src/schemas/search.js";
import { buildSearch } from "../../src/store/search-sql.js";
import { percentile, round, time } from "../measure.js";
import { type BenchContext, storeQuery } from "./context.js";

export async function httpVsSql(ctx: BenchContext, mode: Exclude<SearchMode, "keyword">) {
  const post = async (query: string) => {
    const res = await fetch(`${ctx.address}/v1/search`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ query, k: 10, mode }),
    });
    const body = await res.json();
    if (!res.ok) throw new Error(`POST /v1/search answered ${res.status}: ${JSON.stringify(body)}`);
  };
  // Warm-up, and a fresh keep-alive connection (the previous one may have idled past KEEPALIVE_TIMEOUT).
  await post(ctx.queries[0] ?? "").catch(() => post(ctx.queries[0] ?? ""));
  const http: number[] = [];
  const sql: number[] = [];
  for (const query of ctx.queries) {
    const built = buildSearch(await storeQuery(ctx, query, mode));
    // The same transaction and settings the store runs a semantic/hybrid search in.
    sql.push(await time(() => searchTransaction(ctx.db, (tx) => tx.query(built.sql, built.params))));
    http.push(await time(() => post(query)));
  }
  const httpP50 = percentile(http, 50);
  const sqlP50 = percentile(sql, 50);
  return { httpP50: round(httpP50), sqlP50: round(sqlP50), ratio: round(httpP50 / sqlP50) };
}

export async function httpSection(ctx: BenchContext) {
  return { semantic: await httpVsSql(ctx, "semantic"), hybrid: await httpVsSql(ctx, "hybrid") };
}
