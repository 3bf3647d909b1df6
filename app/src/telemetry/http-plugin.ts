/**
 * The fastify side of telemetry: `GET /metrics` (unless METRICS_PORT moves it to its own listener),
 * the HTTP metrics (http_requests_total, http_request_duration_seconds, errors_total for 5xx) and one
 * SERVER span per request, made the active context for the rest of the request so DB, cache, embedding and LLM spans nest under it and
 * the request's log lines carry its trace_id. 5xx errors also go to the error reporter (Sentry) from
 * an `onError` hook, after the app's error handler has chosen the status.
 */

import { HTTP_PATHS } from "@mcp-stack/contract";
import {
  context,
  propagation,
  ROOT_CONTEXT,
  type Span,
  SpanKind,
  SpanStatusCode,
  type Tracer,
  trace,
} from "@opentelemetry/api";
import type { FastifyInstance, FastifyPluginAsync, FastifyRequest } from "fastify";
import { ERRORS, type ErrorCode } from "../lib/errors.js";
import { toAppError } from "../plugins/app/error-handler.js";
import type { AppMetrics } from "./metrics.js";
import type { ErrorReporter } from "./sentry.js";

/** Route label of requests no route matched (404s): one series, not one per URL. */
export const UNMATCHED_ROUTE = "unmatched";

export interface HttpTelemetryDeps {
  metrics: AppMetrics;
  tracer: Tracer;
  errorReporter: ErrorReporter;
  /** The exposition text /metrics answers with (this process, or the cluster's aggregate). */
  scrape(): Promise<{ contentType: string; body: string }>;
  /** Set when clustered: answered as `x-worker-id` so tests and operators can see which worker served. */
  workerId?: number;
  /**
   * Whether the app itself routes `GET /metrics` (default true). False when METRICS_PORT is set: the
   * scrape is served by its own listener (`metrics-server.ts`) and the app port answers 404.
   */
  metricsRoute?: boolean;
}

interface RequestState {
  span: Span;
  /** The catalogue code of a thrown error (errors_total's `code`). */
  errorCode?: string;
}

/** The catalogue's server-error codes: the `code` values errors_total starts at 0 for, on every route. */
export const SERVER_ERROR_CODES = (Object.keys(ERRORS) as ErrorCode[]).filter((c) => ERRORS[c].status >= 500);

function routeOf(request: FastifyRequest): string {
  return request.routeOptions.url ?? UNMATCHED_ROUTE;
}

function register(app: FastifyInstance, deps: HttpTelemetryDeps): void {
  const { metrics, tracer } = deps;
  const state = new WeakMap<FastifyRequest, RequestState>();

  // errors_total starts at 0 for every route and catalogued 5xx code, as the other counters do for
  // their known labels: without a series the error ratio (dashboard, HighErrorRate) is "no data"
  // instead of 0 until the first 5xx, and rate() loses the first error of each route and code (a
  // series that appears at 1 has no increase). Readiness never counts (its 503 is a state report).
  app.addHook("onRoute", (route) => {
    if (route.url === HTTP_PATHS.ready) return;
    for (const code of SERVER_ERROR_CODES) metrics.errors.inc({ route: route.url, code }, 0);
  });

  app.addHook("onRequest", (request, reply, done) => {
    const parent = propagation.extract(ROOT_CONTEXT, request.headers);
    const route = routeOf(request);
    const span = tracer.startSpan(
      `${request.method} ${route}`,
      {
        kind: SpanKind.SERVER,
        attributes: {
          "http.request.method": request.method,
          "http.route": route,
          "url.path": request.url.split("?", 1)[0] ?? "",
        },
      },
      parent,
    );
    state.set(request, { span });
    const active = trace.setSpan(parent, span);
    // Body parsing and the response's events run from the socket's async context; binding the
    // emitters keeps the request's context (and so its trace ids in logs) across them.
    context.bind(active, request.raw);
    context.bind(active, reply.raw);
    if (deps.workerId !== undefined) reply.header("x-worker-id", String(deps.workerId));
    context.with(active, done);
  });

  app.addHook("onError", async (request, reply, error) => {
    const entry = state.get(request);
    const appError = toAppError(error);
    if (entry) {
      entry.errorCode = appError.code;
      if (reply.statusCode >= 500) entry.span.recordException(error);
    }
    if (reply.statusCode >= 500) {
      deps.errorReporter.captureException(error, {
        route: routeOf(request),
        requestId: String(request.id),
        tenant: (request as { tenantId?: string }).tenantId,
      });
    }
  });

  app.addHook("onResponse", async (request, reply) => {
    const route = routeOf(request);
    const labels = { route, method: request.method, status: String(reply.statusCode) };
    metrics.httpRequests.inc(labels);
    metrics.httpRequestDuration.observe(labels, reply.elapsedTime / 1000);
    const entry = state.get(request);
    // Readiness answers 503 on purpose (draining, database down): a state report, not a failed request.
    if (reply.statusCode >= 500 && route !== HTTP_PATHS.ready) {
      metrics.errors.inc({ route, code: entry?.errorCode ?? `HTTP_${reply.statusCode}` });
    }
    if (entry) {
      entry.span.setAttribute("http.response.status_code", reply.statusCode);
      if (reply.statusCode >= 500) entry.span.setStatus({ code: SpanStatusCode.ERROR });
      entry.span.end();
    }
  });

  if (deps.metricsRoute === false) return;
  app.get(HTTP_PATHS.metrics, async (_request, reply) => {
    const { contentType, body } = await deps.scrape();
    return reply.type(contentType).send(body);
  });
}

/** The plugin, unencapsulated (its hooks apply to every route of the app). */
export function httpTelemetryPlugin(deps: HttpTelemetryDeps): FastifyPluginAsync {
  const plugin: FastifyPluginAsync = async (app) => register(app, deps);
  // fastify-plugin's marker: hooks and routes land on the parent instance.
  Object.assign(plugin, { [Symbol.for("skip-override")]: true });
  return plugin;
}
