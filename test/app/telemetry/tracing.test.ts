/** Tracing: exporter mapping, sampling, spans and their log correlation, against an in-memory exporter. */
import { Writable } from "node:stream";
import { context, SpanStatusCode, TraceFlags, trace } from "@opentelemetry/api";
import { InMemorySpanExporter } from "@opentelemetry/sdk-trace-base";
import pino from "pino";
import { afterEach, describe, expect, it, vi } from "vitest";
import { loadConfig } from "../../../app/src/config.js";
import {
  currentTraceIds,
  resolveTraceExporters,
  startTracing,
  type Tracing,
  withSpan,
} from "../../../app/src/telemetry/tracing.js";

const silent = pino({ level: "silent" });

/** Environment excerpts of the reference design (dev, staging, prod) and their expected exporters. */
const EXPORTER_TABLE: {
  name: string;
  env: Record<string, string>;
  exporters: unknown[];
  warns: boolean;
}[] = [
  {
    name: "dev: console tracing, empty Jaeger and OTLP",
    env: { ENABLE_CONSOLE_TRACING: "true", JAEGER_HOST: "", OTLP_ENDPOINT: "" },
    exporters: [{ kind: "console" }],
    warns: false,
  },
  {
    name: "staging: JAEGER_HOST=jaeger on the legacy agent port 6831 goes to OTLP 4317",
    env: { JAEGER_HOST: "jaeger", JAEGER_PORT: "6831" },
    exporters: [{ kind: "otlp-grpc", url: "http://jaeger:4317", from: "JAEGER_HOST" }],
    warns: true,
  },
  {
    name: "Jaeger agent binary-Thrift port 6832 goes to OTLP 4317 too",
    env: { JAEGER_HOST: "jaeger", JAEGER_PORT: "6832" },
    exporters: [{ kind: "otlp-grpc", url: "http://jaeger:4317", from: "JAEGER_HOST" }],
    warns: true,
  },
  {
    name: "JAEGER_PORT=4317 as the stacks set it",
    env: { JAEGER_HOST: "jaeger", JAEGER_PORT: "4317" },
    exporters: [{ kind: "otlp-grpc", url: "http://jaeger:4317", from: "JAEGER_HOST" }],
    warns: false,
  },
  {
    name: "prod: OTLP_ENDPOINT to the collector",
    env: { OTLP_ENDPOINT: "http://otel-collector:4317" },
    exporters: [{ kind: "otlp-grpc", url: "http://otel-collector:4317", from: "OTLP_ENDPOINT" }],
    warns: false,
  },
  {
    name: "OTLP_ENDPOINT and a Jaeger host with the same address export once",
    env: { OTLP_ENDPOINT: "http://jaeger:4317", JAEGER_HOST: "jaeger", JAEGER_PORT: "4317" },
    exporters: [{ kind: "otlp-grpc", url: "http://jaeger:4317", from: "OTLP_ENDPOINT" }],
    warns: false,
  },
  { name: "nothing configured", env: {}, exporters: [], warns: false },
];

describe("resolveTraceExporters", () => {
  it.each(EXPORTER_TABLE)("$name", ({ env, exporters, warns }) => {
    const plan = resolveTraceExporters(loadConfig(env));
    expect(plan.exporters).toEqual(exporters);
    expect(plan.warnings.length > 0).toBe(warns);
    if (warns) expect(plan.warnings[0]).toContain("JAEGER_PORT=4317");
  });
});

describe("startTracing", () => {
  let tracing: Tracing | undefined;
  afterEach(async () => {
    await tracing?.shutdown();
    tracing = undefined;
    vi.restoreAllMocks();
  });

  function start(env: Record<string, string>) {
    const exporter = new InMemorySpanExporter();
    tracing = startTracing(loadConfig(env), silent, { exporters: [exporter] });
    return { tracer: tracing.tracer, exporter };
  }

  it("exports spans with their attributes under OTEL_SERVICE_NAME", async () => {
    const { tracer, exporter } = start({ OTEL_SERVICE_NAME: "mcp-backend-test", APP_VERSION: "1.2.3" });
    const result = await withSpan(tracer, "db.query", { "db.system": "postgresql" }, async () => 42);
    expect(result).toBe(42);
    const [span] = exporter.getFinishedSpans();
    expect(span?.name).toBe("db.query");
    expect(span?.attributes["db.system"]).toBe("postgresql");
    expect(span?.status.code).toBe(SpanStatusCode.UNSET);
    expect(span?.resource.attributes["service.name"]).toBe("mcp-backend-test");
    expect(span?.resource.attributes["service.version"]).toBe("1.2.3");
  });

  it("nests spans: a child started inside withSpan has the outer span as parent", async () => {
    const { tracer, exporter } = start({});
    await withSpan(tracer, "search", {}, () => withSpan(tracer, "embedding", {}, async () => undefined));
    const spans = exporter.getFinishedSpans();
    const outer = spans.find((s) => s.name === "search");
    const inner = spans.find((s) => s.name === "embedding");
    expect(inner?.parentSpanContext?.spanId).toBe(outer?.spanContext().spanId);
    expect(inner?.spanContext().traceId).toBe(outer?.spanContext().traceId);
  });

  it("records a thrown error on the span, marks it ERROR and rethrows", async () => {
    const { tracer, exporter } = start({});
    await expect(
      withSpan(tracer, "llm.call", {}, async () => {
        throw new Error("upstream 503");
      }),
    ).rejects.toThrow("upstream 503");
    const [span] = exporter.getFinishedSpans();
    expect(span?.status).toEqual({ code: SpanStatusCode.ERROR, message: "upstream 503" });
    expect(span?.events.map((e) => e.name)).toEqual(["exception"]);
  });

  it.each([
    { sampler: "traceidratio", arg: "0", exported: 0 },
    { sampler: "traceidratio", arg: "1", exported: 20 },
    { sampler: "always_off", arg: "", exported: 0 },
    { sampler: "always_on", arg: "", exported: 20 },
    { sampler: "parentbased_traceidratio", arg: "0", exported: 0 },
  ])("exports $exported of 20 root spans with OTEL_TRACES_SAMPLER=$sampler ARG=$arg", async (row) => {
    const { tracer, exporter } = start({
      OTEL_TRACES_SAMPLER: row.sampler,
      OTEL_TRACES_SAMPLER_ARG: row.arg,
    });
    for (let i = 0; i < 20; i++) await withSpan(tracer, `op${i}`, {}, async () => undefined);
    expect(exporter.getFinishedSpans()).toHaveLength(row.exported);
  });

  it.each([
    { sampler: "parentbased_traceidratio", arg: "0", parentSampled: true, exported: 1 },
    { sampler: "parentbased_always_on", arg: "", parentSampled: false, exported: 0 },
    { sampler: "parentbased_always_off", arg: "", parentSampled: true, exported: 1 },
  ])(
    "$sampler follows the caller's decision (parent sampled: $parentSampled)",
    async ({ sampler, arg, parentSampled, exported }) => {
      const { tracer, exporter } = start({ OTEL_TRACES_SAMPLER: sampler, OTEL_TRACES_SAMPLER_ARG: arg });
      const parent = trace.setSpanContext(context.active(), {
        traceId: "4bf92f3577b34da6a3ce929d0e0e4736",
        spanId: "00f067aa0ba902b7",
        traceFlags: parentSampled ? TraceFlags.SAMPLED : TraceFlags.NONE,
        isRemote: true,
      });
      await context.with(parent, () => withSpan(tracer, "handler", {}, async () => undefined));
      const spans = exporter.getFinishedSpans();
      expect(spans).toHaveLength(exported);
      if (exported) expect(spans[0]?.spanContext().traceId).toBe("4bf92f3577b34da6a3ce929d0e0e4736");
    },
  );

  it("gives log lines the active span's trace and span ids through pino's mixin", async () => {
    const { tracer } = start({});
    const lines: Record<string, unknown>[] = [];
    const stream = new Writable({
      write(chunk: Buffer, _enc, done) {
        lines.push(JSON.parse(chunk.toString()));
        done();
      },
    });
    const logger = pino({ mixin: currentTraceIds }, stream);
    let ids: ReturnType<typeof currentTraceIds> = {};
    await withSpan(tracer, "request", {}, async (span) => {
      ids = { trace_id: span.spanContext().traceId, span_id: span.spanContext().spanId };
      logger.info("inside");
    });
    logger.info("outside");
    expect(ids.trace_id).toMatch(/^[0-9a-f]{32}$/);
    expect(lines[0]).toMatchObject(ids);
    expect(lines[1]).not.toHaveProperty("trace_id");
    expect(currentTraceIds()).toEqual({});
  });

  it("still mints trace ids for logs when no exporter is configured, exporting nothing", async () => {
    tracing = startTracing(loadConfig({}), silent);
    const ids = await withSpan(tracing.tracer, "request", {}, async () => currentTraceIds());
    expect(ids).toMatchObject({ trace_id: expect.stringMatching(/^[0-9a-f]{32}$/) });
  });

  it("prints spans to the console with ENABLE_CONSOLE_TRACING", async () => {
    const dir = vi.spyOn(console, "dir").mockImplementation(() => {});
    tracing = startTracing(loadConfig({ ENABLE_CONSOLE_TRACING: "true" }), silent);
    await withSpan(tracing.tracer, "console.visible", {}, async () => undefined);
    expect(dir).toHaveBeenCalledWith(expect.objectContaining({ name: "console.visible" }), expect.anything());
  });

  it("logs the Jaeger port correction as a warning at start", async () => {
    const warn = vi.fn();
    tracing = startTracing(loadConfig({ JAEGER_HOST: "127.0.0.1", JAEGER_PORT: "6831" }), {
      info: () => {},
      warn,
    } as unknown as typeof silent);
    expect(warn).toHaveBeenCalledWith(expect.stringContaining("6831"));
  });
});
