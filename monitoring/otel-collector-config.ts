import { MONITORING_SERVICES as S } from "@mcp-stack/contract";
import type { Environment } from "../environments/index.js";

type Json = Record<string, unknown>;

/**
 * The OpenTelemetry Collector's config (prod): OTLP in on all interfaces (the collector's default is
 * localhost, unreachable from other pods), memory_limiter before batch (the collector's documented
 * order, so an overload refuses data instead of OOM-killing the pod), OTLP out to the tracing backend
 * with TLS stated explicitly.
 */
export function otelCollectorConfig(
  collector: Environment["jaeger"]["collector"],
  memoryLimitMiB: number,
): Json {
  if (collector.exportEndpoint === undefined)
    throw new Error("jaeger.collector.exportEndpoint is not set: the collector has no tracing backend");
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
        endpoint: collector.exportEndpoint,
        tls: { insecure: collector.exportInsecure },
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
