/** What every bench section gets: the app under test, its database and the query set. */
import type { FastifyInstance } from "fastify";
import type { Database } from "../../src/db/database.js";
import { toVectorLiteral } from "../../src/embeddings/embedder.js";
import type { LocalEmbedder } from "../../src/embeddings/local-embedder.js";
import { DEFAULT_TENANT } from "../../src/services/context.js";
import type { SearchQuery } from "../../src/store/search-sql.js";

export interface BenchContext {
  app: FastifyInstance;
  db: Database;
  embedder: LocalEmbedder;
  /** Base URL of the listening app. */
  address: string;
  queries: readonly string[];
}

/** The store-level query for `text` (embedding included), as SearchService builds it. */
export async function storeQuery(
  ctx: BenchContext,
  text: string,
  mode: SearchQuery["mode"],
): Promise<SearchQuery> {
  const [vector] = await ctx.embedder.embed([text]);
  if (!vector) throw new Error("the embedder returned no vector");
  return { mode, text, vector: toVectorLiteral(vector), k: 10, tenantId: DEFAULT_TENANT };
}
