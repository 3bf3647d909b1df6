/**
 * One place that turns any error into `{ error: { code, message, details? } }` (or a JSON-RPC
 * error on the MCP endpoint). Like fastify/demo: log everything, echo the message only for 4xx.
 */

import { HTTP_PATHS } from "@mcp-stack/contract";
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { AppError, ERRORS, type ErrorCode } from "../../lib/errors.js";

const FASTIFY_CODES: Record<string, AppError["code"]> = {
  FST_ERR_CTP_INVALID_JSON_BODY: "INVALID_JSON",
  FST_ERR_CTP_EMPTY_JSON_BODY: "INVALID_JSON",
  FST_ERR_CTP_BODY_TOO_LARGE: "PAYLOAD_TOO_LARGE",
  FST_ERR_CTP_INVALID_MEDIA_TYPE: "UNSUPPORTED_MEDIA_TYPE",
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: "VALIDATION_FAILED",
  FST_ERR_RATE_LIMIT: "RATE_LIMITED",
};

/** Maps anything thrown to an {@link AppError}; unknown errors become a message-less 500. */
export function toAppError(error: unknown): AppError {
  if (error instanceof AppError) return error;
  const e = error as Partial<FastifyError> & { name?: string; message?: string };
  const mapped = e.code ? FASTIFY_CODES[e.code] : undefined;
  if (mapped === "INVALID_JSON") return new AppError(mapped, `Body is not valid JSON: ${e.message}`);
  // Our catalogue's wording, except where fastify's message carries the detail.
  if (mapped) return new AppError(mapped, mapped === "VALIDATION_FAILED" ? e.message : undefined);
  if (e.name === "SyntaxError" && e.statusCode === 400)
    return new AppError("INVALID_JSON", `Body is not valid JSON: ${e.message}`);
  if (typeof e.statusCode === "number" && e.statusCode >= 400 && e.statusCode < 500) {
    return new AppError(
      e.statusCode === 429 ? "RATE_LIMITED" : "VALIDATION_FAILED",
      e.message ?? "Bad request",
    );
  }
  return new AppError("INTERNAL");
}

/** The JSON-RPC error code an error on the MCP endpoint is answered with. */
export function jsonRpcCode(code: ErrorCode): number {
  return code === "INVALID_JSON" ? -32700 : ERRORS[code].status < 500 ? -32600 : -32603;
}

/**
 * Retry-After on a database outage (seconds): about two readiness periods, by which time the load
 * balancer has taken the instance out or the database is back (the pool reconnects by itself).
 */
export const DB_RETRY_AFTER_SECONDS = 5;

function send(request: FastifyRequest, reply: FastifyReply, error: AppError): FastifyReply {
  if (error.code === "DB_UNAVAILABLE") reply.header("retry-after", String(DB_RETRY_AFTER_SECONDS));
  if (request.url.startsWith(HTTP_PATHS.mcp)) {
    const code = jsonRpcCode(error.code);
    return reply
      .status(error.status)
      .send({ jsonrpc: "2.0", error: { code, message: error.message }, id: null });
  }
  return reply.status(error.status).send(error.toBody());
}

export function registerErrorHandler(app: FastifyInstance): void {
  app.setErrorHandler((error, request, reply) => {
    const appError = toAppError(error);
    if (appError.status >= 500) request.log.error({ err: error }, appError.message);
    else request.log.info({ code: appError.code, message: appError.message }, "request rejected");
    return send(request, reply, appError);
  });
  app.setNotFoundHandler((request, reply) =>
    send(
      request,
      reply,
      new AppError("NOT_FOUND", `Route ${request.method} ${request.url.split("?")[0]} not found`),
    ),
  );
}
