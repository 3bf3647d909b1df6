/**
 * `npm run bench -w app [-- --sizes 10000,100000 --queries 100 --ingest-messages 5000]`
 *
 * On embedded PGlite with the local embedder (384 dimensions), prints: ingest messages/s through
 * the service; search p50/p95 (semantic, hybrid) at each size; recall@10 of the HNSW search against
 * exact search; the same hybrid query over HTTP vs straight SQL (ratio of medians).
 */
import os from "node:os";
import { parseArgs } from "node:util";
import { loadConfig } from "../src/config.js";
import { type Database, type QuerySettings, SEARCH_SETTINGS, searchTransaction } from "../src/db/database.js";
import { migrate } from "../src/db/migrations.js";
import { PgliteDatabase } from "../src/db/pglite-database.js";
import { toVectorLiteral } from "../src/embeddings/embedder.js";
import { LocalEmbedder } from "../src/embeddings/local-embedder.js";
import { buildApp } from "../src/server.js";
import { DEFAULT_TENANT } from "../src/services/context.js";
import { buildSearch } from "../src/store/search-sql.js";
import { corpus } from "./corpus.js";

const { values } = parseArgs({
  options: {
    sizes: { type: "string", default: "10000" },
    queries: { type: "string", default: "100" },
    "ingest-messages": { type: "string", default: "5000" },
    /** Extra hnsw.ef_search values to report recall for (the app's own setting is always measured). */
    "ef-search": { type: "string", default: "" },
  },
});
const sizes = values.sizes.split(",").map(Number);
const queryCount = Number(values.queries);
const ingestMessages = Number(values["ingest-messages"]);
const efSweep = values["ef-search"] ? values["ef-search"].split(",").map(Number) : [];

const embedder = new LocalEmbedder(384);
const text = corpus();
const rows: [string, string][] = [];
const row = (label: string, value: string) => {
  rows.push([label, value]);
  console.log(`${label}: ${value}`);
};

const percentile = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]!;
};
const ms = (x: number) => `${x.toFixed(2)} ms`;
const time = async (fn: () => Promise<unknown>) => {
  const t = performance.now();
  await fn();
  return performance.now() - t;
};

function conversation(i: number, messages: number) {
  const topic = i % text.topics;
  return {
    id: `bench-${i}`,
    user_id: `user-${i % 50}`,
    messages: Array.from({ length: messages }, (_, m) => ({
      role: m % 2 === 0 ? ("user" as const) : ("assistant" as const),
      content: `${text.sentence(topic, 25)}.`,
    })),
  };
}

/** Tops the chunk table up to `target` rows with straight SQL (the index is maintained as usual). */
async function fill(db: Database, target: number, batch = 500) {
  let [{ n } = { n: 0 }] = await db.query<{ n: number }>("SELECT count(*)::int AS n FROM chunks");
  let c = 0;
  while (n < target) {
    const size = Math.min(batch, target - n);
    const id = `fill-${n}`;
    await db.query("INSERT INTO conversations (id, user_id) VALUES ($1, $2)", [id, `user-${c++ % 50}`]);
    const texts = Array.from({ length: size }, () => {
      const topic = Math.floor(text.random() * text.topics);
      return `user: ${text.sentence(topic, 30)}.\nassistant: ${text.sentence(topic, 30)}.`;
    });
    const vectors = (await embedder.embed(texts)).map(toVectorLiteral);
    await db.query(
      `INSERT INTO chunks (conversation_id, tenant_id, start_seq, end_seq, roles, text, token_count, created_at, embedding)
       SELECT $1, 'default', t.i, t.i, ARRAY['user','assistant'], t.text, 100, now(), t.v::vector
       FROM unnest($2::int[], $3::text[], $4::text[]) AS t(i, text, v)`,
      [id, texts.map((_, j) => j), texts, vectors],
    );
    n += size;
  }
}

async function main() {
  row(
    "machine",
    `${os.cpus().length} cpu (${os.cpus()[0]?.model.trim()}), node ${process.version}, load ${os.loadavg()[0]?.toFixed(1)}`,
  );
  const db = await PgliteDatabase.open();
  await migrate(db, { provider: embedder.provider, model: embedder.model, dimensions: embedder.dimensions });
  // The engine is measured, not the cache or the rate limiter: with them on, repeated queries are
  // served from the cache and the HTTP loop runs into 429s.
  const config = loadConfig({
    EMBEDDING_DIMENSIONS: "384",
    CACHE_ENABLED: "false",
    RATE_LIMIT_PER_MINUTE: "0",
  });
  const app = await buildApp({ config, databases: { primary: db, replica: db }, embedder });

  // Ingest through the service (chunking, tokenizer, embedding, one transaction per conversation).
  const perConversation = 20;
  const conversations = Math.ceil(ingestMessages / perConversation);
  const ingestMs = await time(async () => {
    for (let i = 0; i < conversations; i++) {
      await app.services.conversations.ingest(conversation(i, perConversation), { tenantId: DEFAULT_TENANT });
    }
  });
  row(
    "ingest",
    `${Math.round((conversations * perConversation) / (ingestMs / 1000))} messages/s (${conversations * perConversation} messages, ${perConversation}/conversation)`,
  );

  const address = await app.listen({ host: "127.0.0.1", port: 0 });
  // Queries lean on a topic's own words, as real ones lean on specific terms.
  const queries = Array.from({ length: queryCount }, (_, i) => text.sentence(i % text.topics, 5, 0.8));

  for (const size of sizes) {
    // PGlite has no autovacuum: analyze as Postgres would have by now, so the planner sees the size.
    const fillMs = await time(async () => {
      await fill(db, size);
      await db.query("ANALYZE");
    });
    row(`fill to ${size} chunks`, `${(fillMs / 1000).toFixed(1)} s`);
    const probe = buildSearch({
      mode: "semantic",
      text: queries[0]!,
      vector: toVectorLiteral((await embedder.embed([queries[0]!]))[0]!),
      k: 10,
      tenantId: DEFAULT_TENANT,
    });
    const plan = await db.query<{ "QUERY PLAN": string }>(`EXPLAIN ${probe.sql}`, probe.params);
    row(
      `semantic plan @${size}`,
      plan.find((p) => p["QUERY PLAN"].includes("Scan"))?.["QUERY PLAN"].trim() ?? "?",
    );
    for (const mode of ["semantic", "hybrid"] as const) {
      const lat: number[] = [];
      for (const query of queries) {
        lat.push(
          await time(() => app.services.search.search({ query, k: 10, mode }, { tenantId: DEFAULT_TENANT })),
        );
      }
      row(`search ${mode} @${size}`, `p50 ${ms(percentile(lat, 50))}, p95 ${ms(percentile(lat, 95))}`);
    }
    // Recall@10 of HNSW against exact nearest neighbours: strict (same ids) and tie-aware (a hit as
    // close as the exact 10th counts; hashed vectors tie often).
    const recall = async (settings: QuerySettings = SEARCH_SETTINGS) => {
      let strict = 0;
      let tieAware = 0;
      for (const query of queries) {
        const vector = toVectorLiteral((await embedder.embed([query]))[0]!);
        const base = { mode: "semantic" as const, text: query, vector, k: 10, tenantId: DEFAULT_TENANT };
        const approx = await app.store.search(base, undefined, settings);
        const exact = await app.store.search({ ...base, exact: true }, undefined, settings);
        const ids = new Set(approx.map((h) => h.chunk_id));
        strict += exact.filter((h) => ids.has(h.chunk_id)).length / exact.length;
        const tenth = exact.at(-1)?.score ?? 1;
        tieAware += Math.min(1, approx.filter((h) => h.score >= tenth - 1e-9).length / exact.length);
      }
      return `${(strict / queries.length).toFixed(3)} (tie-aware ${(tieAware / queries.length).toFixed(3)})`;
    };
    row(`recall@10 @${size}`, await recall());
    for (const ef of efSweep) {
      // Per search transaction, like the app's own settings; the index is forced so the sweep
      // measures HNSW even where the planner would scan.
      const sweep = { ...SEARCH_SETTINGS, "hnsw.ef_search": String(ef), enable_seqscan: "off" };
      row(`recall@10 @${size}, ef_search ${ef}, index forced`, await recall(sweep));
    }

    // The same query over HTTP (JSON, routing, validation, embedding) vs straight SQL.
    for (const mode of ["hybrid", "semantic"] as const) {
      const http: number[] = [];
      const sql: number[] = [];
      const post = async (query: string) => {
        const res = await fetch(`${address}/v1/search`, {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify({ query, k: 10, mode }),
        });
        const body = await res.json();
        if (!res.ok) throw new Error(`POST /v1/search answered ${res.status}: ${JSON.stringify(body)}`);
      };
      // Warm-up, and a fresh keep-alive connection (the previous one may have idled past KEEPALIVE_TIMEOUT).
      await post(queries[0]!).catch(() => post(queries[0]!));
      for (const query of queries) {
        const vector = toVectorLiteral((await embedder.embed([query]))[0]!);
        const built = buildSearch({ mode, text: query, vector, k: 10, tenantId: DEFAULT_TENANT });
        // The same transaction and settings the store runs a semantic/hybrid search in.
        sql.push(await time(() => searchTransaction(db, (tx) => tx.query(built.sql, built.params))));
        http.push(await time(() => post(query)));
      }
      const ratio = percentile(http, 50) / percentile(sql, 50);
      row(
        `HTTP vs SQL, ${mode} @${size}`,
        `HTTP p50 ${ms(percentile(http, 50))}, SQL p50 ${ms(percentile(sql, 50))}, ratio ${ratio.toFixed(2)}`,
      );
    }
  }
  await app.close();
  await db.close();

  console.log("\n| measure | result |\n| --- | --- |");
  for (const [label, value] of rows) console.log(`| ${label} | ${value} |`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
