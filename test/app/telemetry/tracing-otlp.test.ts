/**
 * The OTLP gRPC path for real: JAEGER_HOST/JAEGER_PORT point at a fake collector (grpc-js, the
 * transport the exporter itself uses) on 127.0.0.1, and shutdown flushes the batch to it.
 */
import { Server, ServerCredentials, type ServerUnaryCall, type sendUnaryData } from "@grpc/grpc-js";
import pino from "pino";
import { afterEach, describe, expect, it } from "vitest";
import { loadConfig } from "../../../app/src/config.js";
import { startTracing, withSpan } from "../../../app/src/telemetry/tracing.js";

const EXPORT_PATH = "/opentelemetry.proto.collector.trace.v1.TraceService/Export";
const raw = (b: Buffer) => b;

/** Accepts OTLP trace exports and keeps the undecoded protobuf requests. */
async function fakeCollector(): Promise<{ port: number; requests: Buffer[]; stop(): void }> {
  const server = new Server();
  const requests: Buffer[] = [];
  server.addService(
    {
      Export: {
        path: EXPORT_PATH,
        requestStream: false,
        responseStream: false,
        requestSerialize: raw,
        requestDeserialize: raw,
        responseSerialize: raw,
        responseDeserialize: raw,
      },
    },
    {
      Export: (call: ServerUnaryCall<Buffer, Buffer>, callback: sendUnaryData<Buffer>) => {
        requests.push(call.request);
        callback(null, Buffer.alloc(0)); // an empty ExportTraceServiceResponse
      },
    },
  );
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync("127.0.0.1:0", ServerCredentials.createInsecure(), (err, p) =>
      err ? reject(err) : resolve(p),
    ),
  );
  return { port, requests, stop: () => server.forceShutdown() };
}

describe("OTLP gRPC export", () => {
  let stop: (() => void) | undefined;
  afterEach(() => stop?.());

  it("sends spans to http://JAEGER_HOST:JAEGER_PORT over OTLP gRPC, with the service name", async () => {
    const collector = await fakeCollector();
    stop = collector.stop;
    const tracing = startTracing(
      loadConfig({
        JAEGER_HOST: "127.0.0.1",
        JAEGER_PORT: String(collector.port),
        OTEL_SERVICE_NAME: "otlp-probe-service",
      }),
      pino({ level: "silent" }),
    );
    await withSpan(tracing.tracer, "cache.get", { "cache.type": "search" }, async () => undefined);
    await tracing.shutdown();

    const body = Buffer.concat(collector.requests).toString("latin1");
    expect(collector.requests.length).toBeGreaterThan(0);
    // Protobuf stores strings as raw UTF-8, so the span and service names appear verbatim.
    expect(body).toContain("cache.get");
    expect(body).toContain("otlp-probe-service");
  });
});
