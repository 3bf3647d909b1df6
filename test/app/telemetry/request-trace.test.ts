/**
 * One HTTP search request, traced end to end through an in-memory exporter: a SERVER span with the
 * route template and status, cache, embedding and DB query spans beneath it in the same trace, and
 * the request's log lines carrying that trace_id.
 */
import { Writable } from "node:stream";
import { SpanKind } from "@opentelemetry/api";
import { InMemorySpanExporter, type ReadableSpan } from "@opentelemetry/sdk-trace-base";
import pino from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createLogger } from "../../../app/src/lib/logger.js";
import { createAppTelemetry } from "../../../app/src/telemetry/app-telemetry.js";
import { startTracing, type Tracing } from "../../../app/src/telemetry/tracing.js";
import { CORPUS } from "../corpus.js";
import { startApp, testConfig, useDatabase } from "../helpers.js";

function ancestors(span: ReadableSpan, byId: Map<string, ReadableSpan>): string[] {
  const chain: string[] = [];
  let parent = span.parentSpanContext?.spanId;
  while (parent) {
    chain.push(parent);
    parent = byId.get(parent)?.parentSpanContext?.spanId;
  }
  return chain;
}

describe("request tracing", () => {
  const db = useDatabase();
  const exporter = new InMemorySpanExporter();
  let tracing: Tracing;
  beforeAll(() => {
    tracing = startTracing(testConfig(), pino({ level: "silent" }), { exporters: [exporter] });
  });
  afterAll(async () => {
    await tracing.shutdown();
  });

  it("nests cache, embedding and DB spans under the request's server span and logs its trace_id", async () => {
    const config = testConfig({ LOG_LEVEL: "info" });
    const lines: Record<string, unknown>[] = [];
    const destination = new Writable({
      write(chunk: Buffer, _enc, done) {
        for (const line of chunk.toString("utf8").split("\n").filter(Boolean)) lines.push(JSON.parse(line));
        done();
      },
    });
    const telemetry = createAppTelemetry({ config, tracer: tracing.tracer, defaultMetrics: false });
    const app = await startApp(db.current.databases, {
      telemetry,
      logger: createLogger(config, { destination }),
    });
    try {
      for (const c of CORPUS.slice(0, 2))
        await app.inject({ method: "POST", url: "/v1/conversations", payload: c });
      exporter.reset();
      lines.length = 0;

      const res = await app.inject({
        method: "POST",
        url: "/v1/search",
        payload: { query: "deploy the backend", mode: "hybrid" },
      });
      expect(res.statusCode).toBe(200);

      const spans = exporter.getFinishedSpans();
      const server = spans.filter((s) => s.kind === SpanKind.SERVER);
      expect(server).toHaveLength(1);
      const root = server[0]!;
      expect(root.name).toBe("POST /v1/search");
      expect(root.attributes).toMatchObject({ "http.route": "/v1/search", "http.response.status_code": 200 });
      expect(root.parentSpanContext?.spanId).toBeUndefined();

      const traceId = root.spanContext().traceId;
      const byId = new Map(spans.map((s) => [s.spanContext().spanId, s]));
      const under = (name: string) =>
        spans.filter(
          (s) =>
            s.name === name &&
            s.spanContext().traceId === traceId &&
            ancestors(s, byId).includes(root.spanContext().spanId),
        );
      const cache = under("cache.getOrCompute");
      expect(cache.map((s) => s.attributes["cache.type"])).toContain("search");
      expect(cache.find((s) => s.attributes["cache.type"] === "search")?.parentSpanContext?.spanId).toBe(
        root.spanContext().spanId,
      );
      expect(under("embedding.embed").length).toBeGreaterThan(0);
      const queries = under("db.query");
      expect(queries.length).toBeGreaterThan(0);
      expect(queries.every((q) => q.attributes["db.pool"] === "primary")).toBe(true);

      const requestLines = lines.filter((l) => l.reqId !== undefined);
      expect(requestLines.map((l) => l.msg)).toContain("request completed");
      const completed = requestLines.find((l) => l.msg === "request completed");
      expect(completed?.trace_id).toBe(traceId);
    } finally {
      await app.close();
    }
  });
});
