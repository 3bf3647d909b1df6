import type * as pulumi from "@pulumi/pulumi";
import type { ClusterDns } from "../../k8s/lib/flows.js";

/** Defaults of OtelCollectorArgs. */
export const OTEL_COLLECTOR_DEFAULTS = {
  networkPolicies: true,
  instance: "otel-collector",
} as const;

/** The OpenTelemetry Collector as a building block: plain values, no environment model. */
export interface OtelCollectorArgs {
  /** Namespace of every object. */
  readonly namespace: string;
  /**
   * The same namespace as an Output (a Namespace resource's name), so every object waits for it.
   * Defaults to `namespace` as a plain string (no dependency).
   */
  readonly namespaceRef?: pulumi.Input<string>;
  /** Pinned collector image, e.g. `otel/opentelemetry-collector-contrib:0.117.0`. */
  readonly image: string;
  /**
   * OTLP gRPC endpoint (`host:port`) of the tracing backend the collector exports to (Jaeger, Tempo, a
   * vendor); its port is what the NetworkPolicy opens for egress.
   */
  readonly exportEndpoint: string;
  /**
   * The collector's config.yaml, exporting to exportEndpoint within the collector's memory limit
   * (MONITORING_RESOURCES.otelCollector), e.g. `otelCollectorYaml()` of mcp-stack/monitoring.
   */
  readonly config: string;
  /**
   * Add the collector's NetworkPolicy (ingress to OTLP from the app; egress to the export port and
   * DNS). Defaults to true.
   */
  readonly networkPolicies?: boolean;
  /**
   * Where the NetworkPolicy lets DNS lookups go: the DNS pods' namespace and addresses that are no pod
   * (NodeLocal DNSCache). Defaults to kube-system and 169.254.20.10/32.
   */
  readonly dns?: ClusterDns;
  /** `app.kubernetes.io/instance`. Defaults to "otel-collector". */
  readonly instance?: string;
}

/** The port of a `host:port` endpoint, or undefined when it does not end in `:<port>`. */
export function endpointPort(endpoint: string): number | undefined {
  const m = /:(\d+)$/.exec(endpoint.replace(/\/+$/, ""));
  return m ? Number(m[1]) : undefined;
}

/** Every problem of the Args at once, each naming its field (empty when valid). */
export function validateOtelCollectorArgs(args: OtelCollectorArgs): string[] {
  return endpointPort(args.exportEndpoint ?? "") === undefined
    ? [
        `exportEndpoint "${args.exportEndpoint ?? ""}" must end in :<port>: give the tracing backend's OTLP gRPC endpoint as host:port`,
      ]
    : [];
}
