/**
 * Search over stored chunks: embeds the query (unless keyword-only) and runs the store's retrieval
 * SQL. Query embeddings and results are cached (types `embedding` and `search`); results are keyed by
 * the tenant's data version, which every ingest and delete bumps.
 */
import type { Cache } from "../cache/types.js";
import { type Embedder, toVectorLiteral } from "../embeddings/embedder.js";
import type { SearchInput, SearchOutput } from "../schemas/search.js";
import type { ConversationStore } from "../store/conversation-store.js";
import { untilAborted } from "./abort.js";
import type { RequestContext } from "./context.js";
import type { ServiceHooks } from "./hooks.js";

export class SearchService {
  private readonly store: ConversationStore;
  private readonly embedder: Embedder;
  private readonly cache: Cache;
  private readonly hooks: ServiceHooks;
  private readonly minScore: number | undefined;
  constructor(
    store: ConversationStore,
    embedder: Embedder,
    cache: Cache,
    hooks: ServiceHooks = {},
    minScore?: number,
  ) {
    this.minScore = minScore;
    this.store = store;
    this.embedder = embedder;
    this.cache = cache;
    this.hooks = hooks;
  }

  /** A search request (REST or MCP): counted, cached, bounded by the request's deadline. */
  async search(input: SearchInput, ctx: RequestContext): Promise<SearchOutput> {
    this.hooks.searchPerformed?.(input.mode);
    return untilAborted(ctx.signal, () => this.retrieve(input, ctx));
  }

  /** The same search without counting it (the context lookup of an answer). */
  retrieve(input: SearchInput, ctx: RequestContext): Promise<SearchOutput> {
    return this.cache.getOrCompute({ type: "search", tenant: ctx.tenantId, request: input }, async () => {
      const vector =
        input.mode === "keyword"
          ? unitVector(this.embedder.dimensions)
          : await this.embedQuery(input.query, ctx.signal);
      const results = await this.store.search(
        {
          mode: input.mode,
          text: input.query,
          vector: toVectorLiteral(vector),
          k: input.k,
          tenantId: ctx.tenantId,
          filter: input.filter,
          minScore: this.minScore,
        },
        ctx.signal,
      );
      return { results };
    });
  }

  private embedQuery(text: string, signal: AbortSignal | undefined): Promise<number[]> {
    const { provider, model, dimensions } = this.embedder;
    return this.cache.getOrCompute({ type: "embedding", provider, model, dimensions, text }, async () => {
      const [vector] = await this.embedder.embed([text], { signal });
      if (!vector) throw new Error("the embedder returned no vector for the query");
      return vector;
    });
  }
}

function unitVector(dimensions: number): number[] {
  const v = new Array<number>(dimensions).fill(0);
  v[0] = 1;
  return v;
}
