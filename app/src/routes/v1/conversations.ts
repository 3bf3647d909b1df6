/** `/v1/conversations`: ingest, list, fetch, delete. */
import type { FastifyInstance } from "fastify";
import { ErrorBody } from "../../schemas/common.js";
import {
  Conversation,
  ConversationPage,
  ConversationParams,
  IngestConversationInput,
  IngestResult,
  ListConversationsInput,
} from "../../schemas/conversation.js";
import type { RouteDeps } from "../index.js";

export function conversationRoutes(app: FastifyInstance, { services, context }: RouteDeps): void {
  app.post<{ Body: IngestConversationInput }>(
    "/v1/conversations",
    { schema: { body: IngestConversationInput, response: { 201: IngestResult, "4xx": ErrorBody } } },
    async (request, reply) => {
      const result = await services.conversations.ingest(request.body, context(request));
      return reply.status(201).send(result);
    },
  );

  app.get<{ Querystring: ListConversationsInput }>(
    "/v1/conversations",
    {
      schema: {
        querystring: ListConversationsInput,
        response: { 200: ConversationPage, "4xx": ErrorBody },
      },
    },
    async (request) => services.conversations.list(request.query, context(request)),
  );

  app.get<{ Params: { id: string } }>(
    "/v1/conversations/:id",
    { schema: { params: ConversationParams, response: { 200: Conversation, "4xx": ErrorBody } } },
    async (request) => services.conversations.get(request.params.id, context(request)),
  );

  app.delete<{ Params: { id: string } }>(
    "/v1/conversations/:id",
    { schema: { params: ConversationParams, response: { "4xx": ErrorBody } } },
    async (request, reply) => {
      await services.conversations.delete(request.params.id, context(request));
      return reply.status(204).send();
    },
  );
}
