/** `POST /v1/search` and `POST /v1/answer`. */
import type { FastifyInstance } from "fastify";
import { AnswerInput, AnswerOutput } from "../../schemas/answer.js";
import { BODY_ERRORS, COMMON_ERRORS, errorResponses } from "../../schemas/error.js";
import { SearchInput, SearchOutput } from "../../schemas/search.js";
import type { RouteDeps } from "../deps.js";

// The OpenAI embedder (EMBEDDING_PROVIDER=openai) embeds the query, so search can fail upstream too.
const errors = errorResponses(...BODY_ERRORS, "UPSTREAM_FAILED", ...COMMON_ERRORS);

export function searchRoutes(app: FastifyInstance, { services, context }: RouteDeps): void {
  app.post<{ Body: SearchInput }>(
    "/v1/search",
    {
      schema: {
        operationId: "search",
        summary: "Search stored conversations (hybrid, semantic or keyword)",
        tags: ["search"],
        body: SearchInput,
        response: { 200: SearchOutput.describe("Best first."), ...errors },
      },
    },
    async (request) => services.search.search(request.body, context(request)),
  );

  app.post<{ Body: AnswerInput }>(
    "/v1/answer",
    {
      schema: {
        operationId: "answer",
        summary: "Answer a question from stored conversations, with citations",
        tags: ["search"],
        body: AnswerInput,
        response: { 200: AnswerOutput.describe("The answer and the chunks it cites."), ...errors },
      },
    },
    async (request) => services.answers.answer(request.body, context(request)),
  );
}
