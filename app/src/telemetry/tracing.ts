/**
 * OpenTelemetry tracing (issue 6). One NodeTracerProvider; exporters from the reference's variables:
 * ENABLE_CONSOLE_TRACING (console), OTLP_ENDPOINT (OTLP gRPC), JAEGER_HOST/JAEGER_PORT (OTLP gRPC to
 * Jaeger). With none configured the provider still mints trace ids, so logs correlate per request.
 */

import { ENV, OTLP_GRPC_PORT, SERVICE_NAME } from "@mcp-stack/contract";
import {
  type Attributes,
  context,
  isSpanContextValid,
  propagation,
  type Span,
  SpanStatusCode,
  type Tracer,
  trace,
} from "@opentelemetry/api";
import { OTLPTraceExporter } from "@opentelemetry/exporter-trace-otlp-grpc";
import { resourceFromAttributes } from "@opentelemetry/resources";
import {
  AlwaysOffSampler,
  AlwaysOnSampler,
  BatchSpanProcessor,
  ConsoleSpanExporter,
  ParentBasedSampler,
  type Sampler,
  SimpleSpanProcessor,
  type SpanExporter,
  type SpanProcessor,
  TraceIdRatioBasedSampler,
} from "@opentelemetry/sdk-trace-base";
import { NodeTracerProvider } from "@opentelemetry/sdk-trace-node";
import { ATTR_SERVICE_NAME, ATTR_SERVICE_VERSION } from "@opentelemetry/semantic-conventions";
import type { Logger } from "pino";
import type { Config } from "../config.js";

export type TracingConfig = Pick<Config, "tracing" | "log" | "version">;

/**
 * The legacy Jaeger agent ports (UDP compact/binary Thrift), which OTel SDKs no longer speak. The
 * reference's JAEGER_PORT=6831 means "the Jaeger agent"; today's Jaeger takes OTLP on 4317.
 */
export const LEGACY_JAEGER_AGENT_PORTS: readonly number[] = [6831, 6832];

export type TraceExporterSpec =
  | { kind: "console" }
  | { kind: "otlp-grpc"; url: string; from: typeof ENV.OTLP_ENDPOINT | typeof ENV.JAEGER_HOST };

export interface TraceExportPlan {
  exporters: TraceExporterSpec[];
  /** Configuration that was corrected; logged at start-up. */
  warnings: string[];
}

/** Which exporters the configuration asks for. Pure, so the mapping is testable without a network. */
export function resolveTraceExporters(config: TracingConfig): TraceExportPlan {
  const exporters: TraceExporterSpec[] = [];
  const warnings: string[] = [];
  if (config.log.consoleTracing) exporters.push({ kind: "console" });
  const { otlpEndpoint, jaegerHost, jaegerPort } = config.tracing;
  if (otlpEndpoint) exporters.push({ kind: "otlp-grpc", url: otlpEndpoint, from: ENV.OTLP_ENDPOINT });
  if (jaegerHost) {
    let port = jaegerPort;
    if (LEGACY_JAEGER_AGENT_PORTS.includes(port)) {
      warnings.push(
        `${ENV.JAEGER_PORT}=${port} is the legacy Jaeger agent (UDP Thrift) port, which OpenTelemetry no longer ` +
          `speaks; sending OTLP gRPC to port ${OTLP_GRPC_PORT} instead. Set ${ENV.JAEGER_PORT}=${OTLP_GRPC_PORT}.`,
      );
      port = OTLP_GRPC_PORT;
    }
    const url = `http://${jaegerHost}:${port}`;
    if (!exporters.some((e) => e.kind === "otlp-grpc" && e.url === url)) {
      exporters.push({ kind: "otlp-grpc", url, from: ENV.JAEGER_HOST });
    }
  }
  return { exporters, warnings };
}

/** OTEL_TRACES_SAMPLER/_ARG as the OTel spec defines them (a missing ratio means 1.0). */
export function buildSampler(tracing: Config["tracing"]): Sampler {
  const ratio = () => new TraceIdRatioBasedSampler(tracing.samplerArg ?? 1);
  switch (tracing.sampler) {
    case "always_on":
      return new AlwaysOnSampler();
    case "always_off":
      return new AlwaysOffSampler();
    case "traceidratio":
      return ratio();
    case "parentbased_always_on":
      return new ParentBasedSampler({ root: new AlwaysOnSampler() });
    case "parentbased_always_off":
      return new ParentBasedSampler({ root: new AlwaysOffSampler() });
    case "parentbased_traceidratio":
      return new ParentBasedSampler({ root: ratio() });
  }
}

export interface Tracing {
  tracer: Tracer;
  provider: NodeTracerProvider;
  /** Flushes batched spans, then unregisters the global provider, context manager and propagator. */
  shutdown(): Promise<void>;
}

export interface StartTracingOptions {
  /** Extra exporters behind a SimpleSpanProcessor (tests pass an InMemorySpanExporter). */
  exporters?: SpanExporter[];
}

/**
 * Starts tracing and registers it globally (AsyncLocalStorage context, W3C trace-context propagation),
 * so `currentTraceIds()` and instrumentation find the active span.
 */
export function startTracing(
  config: TracingConfig,
  logger: Pick<Logger, "info" | "warn">,
  options: StartTracingOptions = {},
): Tracing {
  const plan = resolveTraceExporters(config);
  for (const warning of plan.warnings) logger.warn(warning);
  const processors: SpanProcessor[] = plan.exporters.map((spec) =>
    spec.kind === "console"
      ? new SimpleSpanProcessor(new ConsoleSpanExporter())
      : new BatchSpanProcessor(new OTLPTraceExporter({ url: spec.url })),
  );
  for (const exporter of options.exporters ?? []) processors.push(new SimpleSpanProcessor(exporter));
  // No processor = ids only: since SDK 2.x the provider never builds an exporter from OTEL_TRACES_EXPORTER.

  const provider = new NodeTracerProvider({
    resource: resourceFromAttributes({
      [ATTR_SERVICE_NAME]: config.tracing.serviceName,
      [ATTR_SERVICE_VERSION]: config.version,
    }),
    sampler: buildSampler(config.tracing),
    spanProcessors: processors,
  });
  provider.register();
  logger.info(
    { exporters: plan.exporters, sampler: config.tracing.sampler, samplerArg: config.tracing.samplerArg },
    "tracing started",
  );
  return {
    tracer: provider.getTracer(SERVICE_NAME, config.version),
    provider,
    async shutdown() {
      await provider.shutdown();
      trace.disable();
      context.disable();
      propagation.disable();
    },
  };
}

/**
 * Runs `fn` in an active child span (DB query, cache, embedding, LLM call): a thrown error is recorded
 * on the span, sets its status to ERROR, and is rethrown. Success leaves the status UNSET, as OTel asks.
 */
export function withSpan<T>(
  tracer: Tracer,
  name: string,
  attributes: Attributes,
  fn: (span: Span) => Promise<T> | T,
): Promise<T> {
  return tracer.startActiveSpan(name, { attributes }, async (span) => {
    try {
      return await fn(span);
    } catch (err) {
      const error = err instanceof Error ? err : new Error(String(err));
      span.recordException(error);
      span.setStatus({ code: SpanStatusCode.ERROR, message: error.message });
      throw err;
    } finally {
      span.end();
    }
  });
}

export type TraceIds = { trace_id: string; span_id: string } | Record<string, never>;

/** The active span's ids, for pino's `mixin` (`pino({ mixin: currentTraceIds })`); `{}` outside a span. */
export function currentTraceIds(): TraceIds {
  const span = trace.getActiveSpan();
  if (!span) return {};
  const ctx = span.spanContext();
  return isSpanContextValid(ctx) ? { trace_id: ctx.traceId, span_id: ctx.spanId } : {};
}
