/** Tracing (OpenTelemetry) and error reporting (Sentry); wired in at start-up, see each module. */

export { type ErrorContext, type ErrorReporter, initSentry, type SentryConfig } from "./sentry.js";
export {
  buildSampler,
  currentTraceIds,
  LEGACY_JAEGER_AGENT_PORTS,
  resolveTraceExporters,
  type StartTracingOptions,
  startTracing,
  type TraceExporterSpec,
  type TraceExportPlan,
  type TraceIds,
  type Tracing,
  type TracingConfig,
  withSpan,
} from "./tracing.js";
