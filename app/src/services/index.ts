/**
 * The service layer both the REST routes and the MCP tools call. Every dependency comes in through
 * a constructor: the cache, the metrics hooks and the request's tenant and deadline.
 */
import type { Answerer } from "../answers/answerer.js";
import { DisabledCache } from "../cache/cache.js";
import type { Cache } from "../cache/types.js";
import type { Embedder } from "../embeddings/embedder.js";
import type { ChunkOptions } from "../retrieval/chunker.js";
import type { ConversationStore } from "../store/conversation-store.js";
import { AnswerService } from "./answer-service.js";
import { ConversationService } from "./conversation-service.js";
import type { ServiceHooks } from "./hooks.js";
import { SearchService } from "./search-service.js";

export { DEFAULT_TENANT, defaultContext, type RequestContext } from "./context.js";
export type { ServiceHooks } from "./hooks.js";

export interface Services {
  conversations: ConversationService;
  search: SearchService;
  answers: AnswerService;
}

export interface ServiceDeps {
  store: ConversationStore;
  embedder: Embedder;
  answerer: Answerer;
  chunking?: ChunkOptions;
  /** Query embeddings, search results and answers. Defaults to no caching. */
  cache?: Cache;
  /** Metrics callbacks. Defaults to none. */
  hooks?: ServiceHooks;
  /** The relevance floor (SEARCH_MIN_SCORE); none when omitted. */
  minScore?: number;
}

export function createServices(deps: ServiceDeps): Services {
  const cache = deps.cache ?? new DisabledCache();
  const hooks = deps.hooks ?? {};
  const search = new SearchService(deps.store, deps.embedder, cache, hooks, deps.minScore);
  return {
    conversations: new ConversationService(deps.store, deps.embedder, {
      cache,
      hooks,
      chunking: deps.chunking,
    }),
    search,
    answers: new AnswerService(search, deps.answerer, cache),
  };
}
