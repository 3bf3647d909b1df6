/**
 * REQUEST_TIMEOUT as a per-request deadline: a timer aborts the request's AbortSignal, whose reason
 * is an AppError TIMEOUT. Services stop waiting at once (→ 504 in the error format) and the signal
 * reaches the embedder, the answerer (their fetch calls) and the store (between statements; an
 * ingest's transaction rolls back).
 */
import type { FastifyInstance, FastifyRequest } from "fastify";
import { AppError } from "../../lib/errors.js";

const deadlines = new WeakMap<FastifyRequest, { signal: AbortSignal; timer: NodeJS.Timeout }>();

/** The signal aborted when `request` runs past REQUEST_TIMEOUT (undefined outside a routed request). */
export function deadlineOf(request: FastifyRequest): AbortSignal | undefined {
  return deadlines.get(request)?.signal;
}

export function registerDeadline(app: FastifyInstance, timeoutSeconds: number): void {
  app.addHook("onRequest", async (request, reply) => {
    const controller = new AbortController();
    const timer = setTimeout(() => {
      controller.abort(
        new AppError("TIMEOUT", `The request did not finish within REQUEST_TIMEOUT (${timeoutSeconds} s)`),
      );
    }, timeoutSeconds * 1000);
    timer.unref();
    deadlines.set(request, { signal: controller.signal, timer });
    // Also covers hijacked replies (MCP), which skip onResponse.
    reply.raw.once("close", () => clearTimeout(timer));
  });
  app.addHook("onResponse", async (request) => {
    clearTimeout(deadlines.get(request)?.timer);
  });
}
