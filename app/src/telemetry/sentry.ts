/**
 * Error reporting to Sentry (issue 6), on only when SENTRY_DSN is set. Sentry does not register an
 * OpenTelemetry provider of its own (`enableOpenTelemetrySetup: false`), so it never competes with
 * `startTracing`'s provider: our spans go to OTLP/Jaeger, errors (and Sentry's own sampled
 * transactions) to Sentry.
 *
 * Profiling: @sentry/profiling-node's newest release (11.1.0) pins @sentry/node 11.1.0 and would
 * install a second, older SDK beside ours (11.12), so it is not installed. SENTRY_PROFILES_SAMPLE_RATE
 * is accepted and reported at start-up, but no profiles are taken.
 */
import * as Sentry from "@sentry/node";
import type { Logger } from "pino";
import type { Config } from "../config.js";

export type SentryConfig = Pick<Config, "sentry" | "version">;

/** Where an error happened; becomes Sentry tags (searchable) and extra data. */
export interface ErrorContext {
  tenant?: string;
  requestId?: string;
  route?: string;
  extra?: Record<string, unknown>;
}

export interface ErrorReporter {
  readonly enabled: boolean;
  /** The Sentry event id, or undefined when disabled. */
  captureException(err: unknown, ctx?: ErrorContext): string | undefined;
  /** Waits up to `timeoutMs` for queued events to be sent; false if some were not. Call before exit. */
  flush(timeoutMs: number): Promise<boolean>;
}

const disabled: ErrorReporter = {
  enabled: false,
  captureException: () => undefined,
  flush: async () => true,
};

export function initSentry(config: SentryConfig, logger?: Pick<Logger, "info">): ErrorReporter {
  const { dsn, environment, tracesSampleRate, profilesSampleRate } = config.sentry;
  if (!dsn) return disabled;
  Sentry.init({
    dsn,
    environment,
    release: config.version,
    tracesSampleRate,
    enableOpenTelemetrySetup: false,
    // Allow-lists, not the SDK's collect-everything defaults: API keys travel in Authorization and
    // request bodies carry tenants' conversations.
    dataCollection: {
      userInfo: false,
      cookies: false,
      httpHeaders: { request: { allow: ["content-type", "user-agent", "x-request-id"] }, response: false },
      httpBodies: [],
    },
  });
  logger?.info(
    { environment, tracesSampleRate, profilesSampleRate, profiling: false },
    "sentry enabled (profiling unavailable: SENTRY_PROFILES_SAMPLE_RATE has no effect)",
  );
  return {
    enabled: true,
    captureException(err, ctx = {}) {
      return Sentry.withScope((scope) => {
        if (ctx.tenant) scope.setTag("tenant", ctx.tenant);
        if (ctx.requestId) scope.setTag("request_id", ctx.requestId);
        if (ctx.route) scope.setTag("route", ctx.route);
        if (ctx.extra) scope.setExtras(ctx.extra);
        return Sentry.captureException(err);
      });
    },
    flush: (timeoutMs) => Sentry.flush(timeoutMs),
  };
}
