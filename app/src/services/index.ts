/**
 * The service layer both the REST routes and the MCP tools call. Every dependency comes in through
 * a constructor, so issue 6 can decorate the embedder (cache), the store (metrics) or pass a tenant.
 */
import type { Answerer } from "../answers/answerer.js";
import type { Embedder } from "../embeddings/embedder.js";
import type { ChunkOptions } from "../retrieval/chunker.js";
import type { ConversationStore } from "../store/conversation-store.js";
import { AnswerService } from "./answer-service.js";
import { ConversationService } from "./conversation-service.js";
import { SearchService } from "./search-service.js";

export { DEFAULT_TENANT, defaultContext, type RequestContext } from "./context.js";

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
}

export function createServices(deps: ServiceDeps): Services {
  const search = new SearchService(deps.store, deps.embedder);
  return {
    conversations: new ConversationService(deps.store, deps.embedder, deps.chunking),
    search,
    answers: new AnswerService(search, deps.answerer),
  };
}
