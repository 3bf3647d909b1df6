/** Search over stored chunks: embeds the query (unless keyword-only) and runs the store's retrieval SQL. */
import { type Embedder, toVectorLiteral } from "../embeddings/embedder.js";
import type { SearchInput, SearchOutput } from "../schemas/search.js";
import type { ConversationStore } from "../store/conversation-store.js";
import type { RequestContext } from "./context.js";

export class SearchService {
  constructor(
    private readonly store: ConversationStore,
    private readonly embedder: Embedder,
  ) {}

  async search(input: SearchInput, ctx: RequestContext): Promise<SearchOutput> {
    const vector =
      input.mode === "keyword"
        ? toVectorLiteral(unitVector(this.embedder.dimensions))
        : toVectorLiteral((await this.embedder.embed([input.query]))[0]!);
    const results = await this.store.search({
      mode: input.mode,
      text: input.query,
      vector,
      k: input.k,
      tenantId: ctx.tenantId,
      filter: input.filter,
    });
    return { results };
  }
}

function unitVector(dimensions: number): number[] {
  const v = new Array<number>(dimensions).fill(0);
  v[0] = 1;
  return v;
}
