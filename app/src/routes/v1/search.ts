/** `POST /v1/search` and `POST /v1/answer`. */
import type { FastifyInstance } from "fastify";
import { AnswerInput, AnswerOutput } from "../../schemas/answer.js";
import { ErrorBody } from "../../schemas/common.js";
import { SearchInput, SearchOutput } from "../../schemas/search.js";
import type { RouteDeps } from "../index.js";

export function searchRoutes(app: FastifyInstance, { services, context }: RouteDeps): void {
  app.post<{ Body: SearchInput }>(
    "/v1/search",
    { schema: { body: SearchInput, response: { 200: SearchOutput, "4xx": ErrorBody } } },
    async (request) => services.search.search(request.body, context(request)),
  );

  app.post<{ Body: AnswerInput }>(
    "/v1/answer",
    { schema: { body: AnswerInput, response: { 200: AnswerOutput, "4xx": ErrorBody } } },
    async (request) => services.answers.answer(request.body, context(request)),
  );
}
