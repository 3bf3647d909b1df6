/** `/v1/conversations`: ingest (one or a batch), list, fetch, delete. */
import type { FastifyInstance } from "fastify";
import { z } from "zod";
import {
  Conversation,
  ConversationPage,
  ConversationParams,
  IngestConversationInput,
  IngestResult,
  ListConversationsInput,
} from "../../schemas/conversation.js";
import {
  IngestBatchInput,
  IngestBatchResult,
  MAX_BATCH_CONVERSATIONS,
} from "../../schemas/conversation-batch.js";
import { BODY_ERRORS, COMMON_ERRORS, errorResponses } from "../../schemas/error.js";
import type { RouteDeps } from "../deps.js";

const tags = ["conversations"];

/** The batch route; `npm run import` posts here when a server owns the data folder (or with --url). */
export const BATCH_INGEST_PATH = "/v1/conversations/batch";

export function conversationRoutes(app: FastifyInstance, deps: RouteDeps): void {
  // Registered in this order, which is the order of the OpenAPI document.
  ingestRoute(app, deps);
  batchIngestRoute(app, deps);
  listRoute(app, deps);
  getRoute(app, deps);
  deleteRoute(app, deps);
}

/** `POST /v1/conversations`: one conversation, idempotent by id. */
function ingestRoute(app: FastifyInstance, { services, context }: RouteDeps): void {
  app.post<{ Body: IngestConversationInput }>(
    "/v1/conversations",
    {
      schema: {
        operationId: "ingestConversation",
        summary: "Ingest a conversation (idempotent by id)",
        description:
          "Send the whole conversation each time. Stored messages must match (else 409); only new trailing " +
          "messages are stored and only new chunk windows embedded. All or nothing.",
        tags,
        body: IngestConversationInput,
        response: {
          201: IngestResult.describe("Stored; totals and what this request added."),
          ...errorResponses(...BODY_ERRORS, "FORBIDDEN", "CONFLICT", "UPSTREAM_FAILED", ...COMMON_ERRORS),
        },
      },
    },
    async (request, reply) => {
      const result = await services.conversations.ingest(request.body, context(request));
      return reply.status(201).send(result);
    },
  );
}

/** `POST /v1/conversations/batch`: many conversations, one outcome each. */
function batchIngestRoute(app: FastifyInstance, { services, context }: RouteDeps): void {
  app.post<{ Body: IngestBatchInput }>(
    BATCH_INGEST_PATH,
    {
      schema: {
        operationId: "ingestConversations",
        summary: `Ingest up to ${MAX_BATCH_CONVERSATIONS} conversations in one request`,
        description:
          "Each conversation is ingested exactly as by `POST /v1/conversations` (idempotent by id, all or " +
          "nothing) and reported by its index: `ingested`, `unchanged` or `failed` with the reason; a failed " +
          "one leaves no rows and does not stop the others. A body that does not validate is a 400 naming " +
          "`body.conversations.<index>.<field>` and stores nothing. A 5xx (database down, timeout, provider " +
          "failure) may leave earlier conversations of the batch stored: re-send it, re-sends change nothing.",
        tags,
        body: IngestBatchInput,
        response: {
          200: IngestBatchResult.describe("One outcome per conversation, in the order sent."),
          ...errorResponses(...BODY_ERRORS, "UPSTREAM_FAILED", ...COMMON_ERRORS),
        },
      },
    },
    async (request) =>
      services.conversations.ingestMany(request.body.conversations, context(request), {
        onUnexpected: (index, conversationId, err) =>
          request.log.error({ err, index, conversationId }, "batch ingest: a conversation failed"),
      }),
  );
}

/** `GET /v1/conversations`: a page of conversations, newest first. */
function listRoute(app: FastifyInstance, { services, context }: RouteDeps): void {
  app.get<{ Querystring: ListConversationsInput }>(
    "/v1/conversations",
    {
      schema: {
        operationId: "listConversations",
        summary: "List conversations, newest first, a page at a time",
        description:
          "Keyset pagination: pass `next_cursor` as `cursor` until it is null. Stable while others ingest: " +
          "no conversation is returned twice or skipped.",
        tags,
        querystring: ListConversationsInput,
        response: {
          200: ConversationPage.describe("One page."),
          ...errorResponses("VALIDATION_FAILED", ...COMMON_ERRORS),
        },
      },
    },
    async (request) => services.conversations.list(request.query, context(request)),
  );
}

/** `GET /v1/conversations/:id`: one conversation with its messages. */
function getRoute(app: FastifyInstance, { services, context }: RouteDeps): void {
  app.get<{ Params: { id: string } }>(
    "/v1/conversations/:id",
    {
      schema: {
        operationId: "getConversation",
        summary: "Fetch a conversation with its messages",
        tags,
        params: ConversationParams,
        response: {
          200: Conversation.describe("The conversation, messages in order."),
          ...errorResponses("VALIDATION_FAILED", "NOT_FOUND", ...COMMON_ERRORS),
        },
      },
    },
    async (request) => services.conversations.get(request.params.id, context(request)),
  );
}

/** `DELETE /v1/conversations/:id`: a conversation with its messages and chunks. */
function deleteRoute(app: FastifyInstance, { services, context }: RouteDeps): void {
  app.delete<{ Params: { id: string } }>(
    "/v1/conversations/:id",
    {
      schema: {
        operationId: "deleteConversation",
        summary: "Delete a conversation with its messages and chunks",
        description:
          "Cached searches and answers never serve it afterwards. Another tenant's id is a 404, as if it did not exist.",
        tags,
        params: ConversationParams,
        response: {
          204: z.undefined().describe("Deleted; no body."),
          ...errorResponses("VALIDATION_FAILED", "NOT_FOUND", ...COMMON_ERRORS),
        },
      },
    },
    async (request, reply) => {
      await services.conversations.delete(request.params.id, context(request));
      return reply.status(204).send();
    },
  );
}
