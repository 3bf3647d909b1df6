/**
 * Decorators that add spans and metrics around the app's dependencies without touching them:
 * databases (db_query_duration_seconds, pool gauges), the embedder and answerer (llm_* counters,
 * embeddings_computed_total) and the cache (a span per lookup). Each returns an object with the
 * same interface, so buildApp swaps it in at one line.
 */
import type { Attributes, Span, Tracer } from "@opentelemetry/api";
import type { Answerer } from "../answers/answerer.js";
import type { Cache, CacheKey } from "../cache/types.js";
import type { Database, Databases, Queryable, SqlParam, TransactionOptions } from "../db/database.js";
import type { CallOptions, Embedder } from "../embeddings/embedder.js";
import { countTokens } from "../lib/tokens.js";
import { estimateCostUsd } from "./llm-pricing.js";
import type { AppMetrics } from "./metrics.js";
import { withSpan } from "./tracing.js";

export interface InstrumentDeps {
  metrics: AppMetrics;
  tracer: Tracer;
  /** Adds a function run on every scrape (the pool gauges read the pools there). */
  onCollect(fn: () => void): void;
}

type PoolLabel = "primary" | "replica";

/** Statement text for the span: parameterised SQL carries no values; long statements are cut. */
function statementAttributes(sql: string, pool: PoolLabel): Attributes {
  const text = sql.replace(/\s+/g, " ").trim();
  return {
    "db.system": "postgresql",
    "db.operation": text.split(" ", 1)[0]?.toUpperCase() ?? "",
    "db.statement": text.length > 300 ? `${text.slice(0, 300)}…` : text,
    "db.pool": pool,
  };
}

function timedQuery(pool: PoolLabel, deps: InstrumentDeps, target: Queryable): Queryable["query"] {
  return <T extends object>(sql: string, params?: readonly SqlParam[]) =>
    withSpan(deps.tracer, "db.query", statementAttributes(sql, pool), async () => {
      const end = deps.metrics.dbQueryDuration.startTimer({ pool });
      try {
        return await target.query<T>(sql, params);
      } finally {
        end();
      }
    });
}

function instrumentDatabase(db: Database, pool: PoolLabel, deps: InstrumentDeps): Database {
  deps.onCollect(() => {
    const stats = db.poolStats();
    deps.metrics.dbConnectionsInUse.set({ pool }, stats.inUse);
    deps.metrics.dbConnectionsMax.set({ pool }, stats.max);
  });
  return {
    kind: db.kind,
    poolStats: () => db.poolStats(),
    query: timedQuery(pool, deps, db),
    transaction: <T>(fn: (tx: Queryable) => Promise<T>, options?: TransactionOptions) =>
      withSpan(deps.tracer, "db.transaction", { "db.system": "postgresql", "db.pool": pool }, () =>
        db.transaction((tx) => fn({ query: timedQuery(pool, deps, tx) }), options),
      ),
    close: () => db.close(),
  };
}

/** Primary and replica, labelled `pool`; a replica that is the primary stays one pool. */
export function instrumentDatabases(databases: Databases, deps: InstrumentDeps): Databases {
  const primary = instrumentDatabase(databases.primary, "primary", deps);
  const replica =
    databases.replica === databases.primary
      ? primary
      : instrumentDatabase(databases.replica, "replica", deps);
  return { primary, replica };
}

/** Local providers are computed in-process and not billed; no tokens are counted for them. */
function billed(provider: string): boolean {
  return provider !== "local";
}

export function instrumentEmbedder(embedder: Embedder, deps: InstrumentDeps): Embedder {
  const { metrics } = deps;
  const model = embedder.model;
  return {
    provider: embedder.provider,
    model,
    dimensions: embedder.dimensions,
    embed: (texts: readonly string[], options?: CallOptions) =>
      withSpan(
        deps.tracer,
        "embedding.embed",
        {
          "embedding.provider": embedder.provider,
          "embedding.model": model,
          "embedding.count": texts.length,
        },
        async (span: Span) => {
          let vectors: number[][];
          try {
            vectors = await embedder.embed(texts, options);
          } catch (error) {
            metrics.llmRequests.inc({ operation: "embedding", model, outcome: "error" });
            throw error;
          }
          metrics.llmRequests.inc({ operation: "embedding", model, outcome: "ok" });
          metrics.embeddingsComputed.inc({ model }, texts.length);
          if (billed(embedder.provider)) {
            // The provider's usage is not returned by the embedder; the tokenizer estimates it.
            const tokens = texts.reduce((sum, t) => sum + countTokens(t), 0);
            metrics.llmTokens.inc({ kind: "prompt", model }, tokens);
            metrics.llmCost.inc({ model }, estimateCostUsd(model, tokens, 0));
            span.setAttribute("llm.usage.prompt_tokens", tokens);
          }
          return vectors;
        },
      ),
  };
}

export function instrumentAnswerer(answerer: Answerer, deps: InstrumentDeps): Answerer {
  const { metrics } = deps;
  const model = answerer.model;
  return {
    model,
    answer: (question, context, options) =>
      withSpan(
        deps.tracer,
        "llm.chat",
        { "llm.model": model, "llm.context_chunks": context.length },
        async (span) => {
          let draft: Awaited<ReturnType<Answerer["answer"]>>;
          try {
            draft = await answerer.answer(question, context, options);
          } catch (error) {
            metrics.llmRequests.inc({ operation: "chat", model, outcome: "error" });
            throw error;
          }
          const { prompt_tokens, completion_tokens } = draft.usage;
          metrics.llmRequests.inc({ operation: "chat", model, outcome: "ok" });
          metrics.llmTokens.inc({ kind: "prompt", model }, prompt_tokens);
          metrics.llmTokens.inc({ kind: "completion", model }, completion_tokens);
          metrics.llmCost.inc({ model }, estimateCostUsd(model, prompt_tokens, completion_tokens));
          span.setAttributes({
            "llm.usage.prompt_tokens": prompt_tokens,
            "llm.usage.completion_tokens": completion_tokens,
          });
          return draft;
        },
      ),
  };
}

/** A span per cache call; `cache.hit` says whether getOrCompute had to compute. */
export function instrumentCache(cache: Cache, deps: InstrumentDeps): Cache {
  const attrs = (key: CacheKey): Attributes => ({ "cache.type": key.type });
  return {
    enabled: cache.enabled,
    get: <V>(key: CacheKey) =>
      withSpan(deps.tracer, "cache.get", attrs(key), async (span) => {
        const value = await cache.get<V>(key);
        span.setAttribute("cache.hit", value !== undefined);
        return value;
      }),
    set: <V>(key: CacheKey, value: V) =>
      withSpan(deps.tracer, "cache.set", attrs(key), () => cache.set(key, value)),
    getOrCompute: <V>(key: CacheKey, compute: () => Promise<V>) =>
      withSpan(deps.tracer, "cache.getOrCompute", attrs(key), async (span) => {
        let computed = false;
        const value = await cache.getOrCompute(key, () => {
          computed = true;
          return compute();
        });
        span.setAttribute("cache.hit", !computed);
        return value;
      }),
    bumpDataVersion: (tenant: string) =>
      withSpan(deps.tracer, "cache.bumpDataVersion", {}, () => cache.bumpDataVersion(tenant)),
    close: () => cache.close(),
  };
}
