/**
 * `npm run bench [-- --database-url postgres://… --sizes 10000,100000 --queries 100
 *   --ingest-messages 5000 --ef-search 100,200 --out docs/benchmarks/results.json]`
 *
 * Runs on embedded PGlite (in memory) unless `--database-url` names a Postgres with pgvector (an
 * empty database: the app's migrations create the schema). Each section is a function of the bench
 * context; the figures print as they come and are written to `--out` as JSON (the run replaces an
 * earlier run on the same engine; `--out -` writes nothing), from which `npm run bench:chart`
 * draws the SVG chart.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import { loadConfig } from "../src/config.js";
import { LocalEmbedder } from "../src/embeddings/local-embedder.js";
import { buildApp } from "../src/server.js";
import { corpus } from "./corpus.js";
import { APP_EF_SEARCH, openEngine } from "./engine.js";
import { fill } from "./fill.js";
import { ms, round } from "./measure.js";
import { BenchResults, type BenchRun, type SizeFigures, withRun } from "./results.js";
import type { BenchContext } from "./sections/context.js";
import { httpSection } from "./sections/http.js";
import { ingestSection } from "./sections/ingest.js";
import { recallSection } from "./sections/recall.js";
import { hybridRecallSection, latencySection, semanticPlan } from "./sections/search.js";

export const DEFAULT_RESULTS = path.resolve(import.meta.dirname, "../../docs/benchmarks/results.json");
const DIMENSIONS = 384;

const { values } = parseArgs({
  options: {
    "database-url": { type: "string" },
    sizes: { type: "string", default: "10000" },
    queries: { type: "string", default: "100" },
    "ingest-messages": { type: "string", default: "5000" },
    /** Extra hnsw.ef_search values to report recall for (the app's own setting is always measured). */
    "ef-search": { type: "string", default: "" },
    out: { type: "string", default: DEFAULT_RESULTS },
  },
});

function positiveInts(flag: string, raw: string): number[] {
  const xs = raw.split(",").filter(Boolean).map(Number);
  const bad = xs.filter((x) => !Number.isInteger(x) || x <= 0);
  if (bad.length > 0) throw new Error(`--${flag} takes positive integers separated by commas, got "${raw}"`);
  return xs;
}

const print = (label: string, value: string) => console.log(`${label}: ${value}`);

async function sizeSection(
  ctx: BenchContext,
  size: number,
  efSweep: readonly number[],
): Promise<SizeFigures> {
  const filled = await fill(ctx.db, size, text, ctx.embedder);
  print(
    `fill to ${size} chunks`,
    `${filled.insertSeconds.toFixed(1)} s inserting (indexes dropped), ${filled.indexSeconds.toFixed(1)} s building HNSW + GIN`,
  );
  const plan = await semanticPlan(ctx);
  print(`semantic plan @${size}`, plan);
  const latencies = await latencySection(ctx);
  for (const [mode, l] of Object.entries(latencies)) {
    print(`search ${mode} @${size}`, `p50 ${ms(l.p50)}, p95 ${ms(l.p95)}`);
  }
  const hybridRecall = await hybridRecallSection(ctx);
  print(`hybrid top 10 vs exhaustive keyword ranking @${size}`, hybridRecall.toFixed(3));
  const recall = await recallSection(ctx, efSweep);
  for (const r of recall) {
    print(
      `recall@10 @${size}, ef_search ${r.efSearch}`,
      `${r.strict.toFixed(3)} (tie-aware ${r.tieAware.toFixed(3)})`,
    );
  }
  const http = await httpSection(ctx);
  for (const [mode, h] of Object.entries(http)) {
    print(
      `HTTP vs SQL, ${mode} @${size}`,
      `HTTP p50 ${ms(h.fetchP50)} (node:http ${ms(h.nodeHttpP50)}), SQL p50 ${ms(h.sqlP50)}, ratio ${h.ratio.toFixed(2)}`,
    );
  }
  return {
    chunks: size,
    fill: { insertSeconds: round(filled.insertSeconds), indexSeconds: round(filled.indexSeconds) },
    semanticPlan: plan,
    latency: latencies,
    hybridRecall,
    recall,
    http,
  };
}

const text = corpus();

async function main() {
  const sizes = positiveInts("sizes", values.sizes);
  const queryCount = positiveInts("queries", values.queries)[0] ?? 100;
  const ingestMessages = positiveInts("ingest-messages", values["ingest-messages"])[0] ?? 5000;
  const efSweep = positiveInts("ef-search", values["ef-search"]);
  // Read before measuring: a file the run cannot merge into must fail now, not after an hour's run.
  const earlier = values.out === "-" ? undefined : readResults(values.out);
  const embedder = new LocalEmbedder(DIMENSIONS);
  const { db, info } = await openEngine(values["database-url"], {
    provider: embedder.provider,
    model: embedder.model,
    dimensions: embedder.dimensions,
  });
  const cpus = os.cpus();
  const machine = {
    cpus: cpus.length,
    model: cpus[0]?.model.trim() ?? "?",
    memoryGb: Math.round(os.totalmem() / 2 ** 30),
    load: round(os.loadavg()[0] ?? 0),
  };
  print("engine", `${info.kind}, Postgres ${info.postgres}, pgvector ${info.pgvector}`);
  print(
    "machine",
    `${machine.cpus} cpu (${machine.model}), ${machine.memoryGb} GB, node ${process.version}, load ${machine.load}`,
  );
  // The engine is measured, not the cache or the rate limiter: with them on, repeated queries are
  // served from the cache and the HTTP loop runs into 429s.
  const config = loadConfig({
    EMBEDDING_DIMENSIONS: String(DIMENSIONS),
    CACHE_ENABLED: "false",
    RATE_LIMIT_PER_MINUTE: "0",
  });
  const app = await buildApp({ config, databases: { primary: db, replica: db }, embedder });
  try {
    const address = await app.listen({ host: "127.0.0.1", port: 0 });
    // Queries lean on a topic's own words, as real ones lean on specific terms.
    const queries = Array.from({ length: queryCount }, (_, i) => text.sentence(i % text.topics, 5));
    const ctx: BenchContext = { app, db, embedder, address, queries };

    const ingest = await ingestSection(ctx, text, ingestMessages);
    print("ingest", `${ingest.messagesPerSecond.toFixed(0)} messages/s (${ingest.messages} messages)`);
    const figures: SizeFigures[] = [];
    for (const size of sizes) figures.push(await sizeSection(ctx, size, efSweep));

    const run: BenchRun = {
      engine: info.kind,
      postgres: info.postgres,
      pgvector: info.pgvector,
      node: process.version,
      machine,
      date: new Date().toISOString(),
      options: { queries: queryCount, ingestMessages, appEfSearch: APP_EF_SEARCH, dimensions: DIMENSIONS },
      ingest,
      sizes: figures,
    };
    if (earlier) writeResults(values.out, earlier, run);
  } finally {
    await app.close();
    await db.close();
  }
}

function readResults(file: string): BenchResults {
  if (!existsSync(file)) return { runs: [] };
  const parsed = BenchResults.safeParse(JSON.parse(readFileSync(file, "utf8")));
  if (!parsed.success) {
    throw new Error(
      `${file} is not a results file this bench can add to (${parsed.error.issues[0]?.message}): move it away or pass --out -`,
    );
  }
  return parsed.data;
}

function writeResults(file: string, before: BenchResults, run: BenchRun): void {
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, `${JSON.stringify(withRun(before, run), null, 2)}\n`);
  console.log(`wrote ${path.relative(process.cwd(), file)}`);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
