/**
 * The bench's JSON output (docs/benchmarks/results.json): one run per engine, replaced when the
 * bench runs again on that engine. The chart (`chart.ts`) reads it through this schema.
 */
import { z } from "zod";

const Latency = z.strictObject({ p50: z.number(), p95: z.number() });
const Recall = z.strictObject({ efSearch: z.number().int(), strict: z.number(), tieAware: z.number() });
const HttpVsSql = z.strictObject({
  /** Through fetch (undici); the ratio is this over sqlP50. */
  fetchP50: z.number(),
  /** The same requests through node:http with a keep-alive agent. */
  nodeHttpP50: z.number(),
  sqlP50: z.number(),
  ratio: z.number(),
});

export const SizeFigures = z.strictObject({
  chunks: z.number().int(),
  fill: z.strictObject({ insertSeconds: z.number(), indexSeconds: z.number() }),
  semanticPlan: z.string(),
  latency: z.strictObject({
    semantic: Latency,
    /** Semantic with Postgres's default random_page_cost of 4 instead of the app's 1.1. */
    semanticDefaultPageCost: Latency,
    hybrid: Latency,
    hybridExhaustive: Latency,
  }),
  /** Fused top 10 of the bounded hybrid search against the exhaustive keyword ranking. */
  hybridRecall: z.number(),
  /** The app's ef_search first, then the sweep (index forced). */
  recall: z.array(Recall),
  http: z.strictObject({ semantic: HttpVsSql, hybrid: HttpVsSql }),
});
export type SizeFigures = z.infer<typeof SizeFigures>;

export const BenchRun = z.strictObject({
  engine: z.enum(["pglite", "postgres"]),
  postgres: z.string(),
  pgvector: z.string(),
  node: z.string(),
  machine: z.strictObject({
    cpus: z.number().int(),
    model: z.string(),
    memoryGb: z.number(),
    load: z.number(),
  }),
  date: z.string(),
  options: z.strictObject({
    queries: z.number().int(),
    ingestMessages: z.number().int(),
    appEfSearch: z.number().int(),
    dimensions: z.number().int(),
  }),
  ingest: z.strictObject({ messages: z.number().int(), messagesPerSecond: z.number() }),
  sizes: z.array(SizeFigures),
});
export type BenchRun = z.infer<typeof BenchRun>;

export const BenchResults = z.strictObject({ runs: z.array(BenchRun) });
export type BenchResults = z.infer<typeof BenchResults>;

/** `results` with `run` in place of an earlier run on the same engine, runs in engine order. */
export function withRun(results: BenchResults, run: BenchRun): BenchResults {
  const runs = [...results.runs.filter((r) => r.engine !== run.engine), run];
  return { runs: runs.sort((a, b) => a.engine.localeCompare(b.engine)) };
}
