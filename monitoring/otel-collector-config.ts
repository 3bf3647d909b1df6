import { MONITORING_SERVICES as S } from "@mcp-stack/contract";

type Json = Record<string, unknown>;

/** Where the OpenTelemetry Collector sends traces: the tracing backend (Jaeger, Tempo, a vendor). */
export interface OtelExport {
  /** OTLP gRPC endpoint of the tracing backend, `host:port`. */
  readonly exportEndpoint: string;
  /** Export without TLS (a backend inside the cluster's network). Defaults to false. */
  readonly exportInsecure?: boolean;
}

/**
 * The OpenTelemetry Collector's config (prod): OTLP in on all interfaces (the collector's default is
 * localhost, unreachable from other pods), memory_limiter before batch (the collector's documented
 * order, so an overload refuses data instead of OOM-killing the pod), OTLP out to the tracing backend
 * with TLS stated explicitly.
 */
export function otelCollectorConfig(target: OtelExport, memoryLimitMiB: number): Json {
  if (!target.exportEndpoint)
    throw new Error("exportEndpoint is not set: the collector has no tracing backend");
  const p = S.otelCollector.ports;
  return {
    extensions: { health_check: { endpoint: `0.0.0.0:${p.health}` } },
    receivers: {
      otlp: {
        protocols: {
          grpc: { endpoint: `0.0.0.0:${p.otlpGrpc}` },
          http: { endpoint: `0.0.0.0:${p.otlpHttp}` },
        },
      },
    },
    processors: {
      memory_limiter: {
        check_interval: "1s",
        // 80% of the container limit, spikes of 20% on top: stays under the limit.
        limit_mib: Math.floor(memoryLimitMiB * 0.8),
        spike_limit_mib: Math.floor(memoryLimitMiB * 0.2),
      },
      batch: { send_batch_size: 8192, timeout: "5s" },
    },
    exporters: {
      otlp: {
        endpoint: target.exportEndpoint,
        tls: { insecure: target.exportInsecure ?? false },
      },
    },
    service: {
      extensions: ["health_check"],
      pipelines: {
        traces: { receivers: ["otlp"], processors: ["memory_limiter", "batch"], exporters: ["otlp"] },
      },
    },
  };
}
