/**
 * The same search as `POST /v1/search` over real HTTP vs its prebuilt SQL straight on the database.
 *
 * The client runs in the bench's own process, on the server's event loop, so its cost counts
 * against the app. Two clients are timed on the same requests: fetch (undici; the ratio's figure,
 * as in earlier runs) and node:http with a keep-alive agent, so the client's share shows.
 */
import http from "node:http";
import { searchTransaction } from "../../src/db/database.js";
import type { SearchMode } from "../../src/schemas/search.js";
import { buildSearch } from "../../src/store/search-sql.js";
import { percentile, round, time } from "../measure.js";
import { type BenchContext, storeQuery } from "./context.js";

function postHttp(agent: http.Agent, address: string, body: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      `${address}/v1/search`,
      {
        method: "POST",
        agent,
        headers: { "content-type": "application/json", "content-length": Buffer.byteLength(body) },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () => {
          const text = Buffer.concat(chunks).toString("utf8");
          JSON.parse(text);
          if (res.statusCode === 200) resolve();
          else reject(new Error(`POST /v1/search answered ${res.statusCode}: ${text}`));
        });
        res.on("error", reject);
      },
    );
    req.on("error", reject);
    req.end(body);
  });
}

async function postFetch(address: string, body: string): Promise<void> {
  const res = await fetch(`${address}/v1/search`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body,
  });
  const answer = await res.json();
  if (!res.ok) throw new Error(`POST /v1/search answered ${res.status}: ${JSON.stringify(answer)}`);
}

export async function httpVsSql(ctx: BenchContext, mode: Exclude<SearchMode, "keyword">, agent: http.Agent) {
  const body = (query: string) => JSON.stringify({ query, k: 10, mode });
  const first = body(ctx.queries[0] ?? "");
  // Warm-up, and fresh keep-alive connections (earlier ones may have idled past KEEPALIVE_TIMEOUT).
  await postHttp(agent, ctx.address, first).catch(() => postHttp(agent, ctx.address, first));
  await postFetch(ctx.address, first).catch(() => postFetch(ctx.address, first));
  const viaHttp: number[] = [];
  const viaFetch: number[] = [];
  const sql: number[] = [];
  for (const query of ctx.queries) {
    const built = buildSearch(await storeQuery(ctx, query, mode));
    // The same transaction and settings the store runs a semantic/hybrid search in.
    sql.push(await time(() => searchTransaction(ctx.db, (tx) => tx.query(built.sql, built.params))));
    viaHttp.push(await time(() => postHttp(agent, ctx.address, body(query))));
    viaFetch.push(await time(() => postFetch(ctx.address, body(query))));
  }
  const fetchP50 = percentile(viaFetch, 50);
  const sqlP50 = percentile(sql, 50);
  return {
    fetchP50: round(fetchP50),
    nodeHttpP50: round(percentile(viaHttp, 50)),
    sqlP50: round(sqlP50),
    ratio: round(fetchP50 / sqlP50),
  };
}

export async function httpSection(ctx: BenchContext) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  try {
    return {
      semantic: await httpVsSql(ctx, "semantic", agent),
      hybrid: await httpVsSql(ctx, "hybrid", agent),
    };
  } finally {
    agent.destroy();
  }
}
