/** Retrieval-augmented answers: hybrid search for context, then the configured answerer (cached as `rag`). */
import type { Answerer } from "../answers/answerer.js";
import type { Cache } from "../cache/types.js";
import type { AnswerInput, AnswerOutput } from "../schemas/answer.js";
import { untilAborted } from "./abort.js";
import type { RequestContext } from "./context.js";
import type { SearchService } from "./search-service.js";

export class AnswerService {
  private readonly search: SearchService;
  private readonly answerer: Answerer;
  private readonly cache: Cache;
  constructor(search: SearchService, answerer: Answerer, cache: Cache) {
    this.search = search;
    this.answerer = answerer;
    this.cache = cache;
  }

  answer(input: AnswerInput, ctx: RequestContext): Promise<AnswerOutput> {
    return untilAborted(ctx.signal, () =>
      this.cache.getOrCompute({ type: "rag", tenant: ctx.tenantId, request: input }, () =>
        this.compute(input, ctx),
      ),
    );
  }

  private async compute(input: AnswerInput, ctx: RequestContext): Promise<AnswerOutput> {
    const { results } = await this.search.retrieve(
      { query: input.question, k: input.k, mode: "hybrid", filter: input.filter },
      ctx,
    );
    const context = results.map((r) => ({
      conversation_id: r.conversation_id,
      chunk_id: r.chunk_id,
      text: r.text,
    }));
    const draft = await this.answerer.answer(input.question, context, { signal: ctx.signal });
    return {
      answer: draft.answer,
      citations: draft.cited.map((i) => context[i]!),
      usage: draft.usage,
      model: draft.model,
    };
  }
}
