import { MONITORING_PATHS as P, MONITORING_SERVICES as S, SERVICE_NAME } from "@mcp-stack/contract";
import * as pulumi from "@pulumi/pulumi";
import { k8s as kube } from "cdk8s-plus-28";
import type { Environment } from "../../environments/index.js";
import { MONITORING_RESOURCES } from "../../monitoring/index.js";
import { otelCollectorYaml } from "../../monitoring/render.js";
import { type KubeObject, registerObjects, synth } from "../k8s/manifests.js";
import {
  addWorkload,
  checksum,
  httpProbe,
  instanceName,
  newChart,
  scratch,
  tcpProbe,
  workloadLabels,
} from "./kube.js";
import { addNetworkPolicy, DNS_EGRESS } from "./network-policies.js";
import { namespacePatch } from "./prometheus.js";

/**
 * jaegertracing/jaeger (v2) and otel/opentelemetry-collector-contrib both run as their images' own
 * user 10001 (≥ 10000, no exception); neither writes outside its emptyDir.
 */
export const JAEGER_UID = 10001;
export const OTEL_COLLECTOR_UID = 10001;

export interface TracingArgs {
  /** The environment: jaeger.*, kubernetes.namespace/networkPolicies. */
  readonly env: Environment;
  /** The namespace Output. Defaults to env.kubernetes.namespace. */
  readonly namespace?: pulumi.Input<string>;
}

/**
 * Jaeger v2 all-in-one (staging) with its built-in config: in-memory storage, OTLP 4317/4318, the
 * Jaeger agent's UDP 6831 and Zipkin 9411 that the reference lists, UI 16686.
 */
export function jaegerObjects(env: Environment): KubeObject[] {
  const ns = env.kubernetes.namespace;
  const j = S.jaeger;
  const chart = newChart("jaeger");
  addWorkload(chart, {
    name: j.name,
    instance: instanceName(j.name, env.name),
    namespace: ns,
    image: env.jaeger.image,
    uid: JAEGER_UID,
    // The built-in config binds its receivers to JAEGER_LISTEN_HOST (localhost by default, which
    // other pods cannot reach).
    env: [{ name: "JAEGER_LISTEN_HOST", value: "0.0.0.0" }],
    ports: [
      { name: "ui", port: j.ports.ui },
      { name: "otlp-grpc", port: j.ports.otlpGrpc },
      { name: "otlp-http", port: j.ports.otlpHttp },
      { name: "agent-compact", port: j.ports.agentCompact, protocol: "UDP" },
      { name: "zipkin", port: j.ports.zipkin },
      { name: "health", port: j.ports.health },
    ],
    resources: MONITORING_RESOURCES.jaeger,
    // Liveness: the query server accepts connections. Readiness: the health extension reports the
    // pipelines running.
    livenessProbe: { ...tcpProbe(j.ports.ui, 10, 3), initialDelaySeconds: 10 },
    readinessProbe: httpProbe("/status", j.ports.health, 5, 3),
    volumes: [scratch("tmp", "/tmp", "256Mi")],
  });
  if (env.kubernetes.networkPolicies) {
    addNetworkPolicy(chart, ns, {
      name: j.name,
      ingress: [
        {
          peer: SERVICE_NAME,
          ports: [j.ports.otlpGrpc, j.ports.otlpHttp, `udp/${j.ports.agentCompact}`, j.ports.zipkin],
        },
        // The UI: Grafana's Jaeger datasource and users through port-forward.
        { peer: "any", ports: [j.ports.ui] },
      ],
      egress: [DNS_EGRESS],
    });
  }
  return synth(chart);
}

/** The port of a `host:port` endpoint (the collector's exporter), for the egress policy. */
export function endpointPort(endpoint: string | undefined): number {
  const m = /:(\d+)$/.exec((endpoint ?? "").replace(/\/+$/, ""));
  if (!m) throw new Error(`jaeger.collector.exportEndpoint "${endpoint}" must end in :<port>`);
  return Number(m[1]);
}

/** The OpenTelemetry Collector (prod) at otel-collector:4317, exporting to jaeger.collector.exportEndpoint. */
export function otelCollectorObjects(env: Environment): KubeObject[] {
  const ns = env.kubernetes.namespace;
  const o = S.otelCollector;
  const chart = newChart("otel-collector");
  const config = otelCollectorYaml(env);
  new kube.KubeConfigMap(chart, "config", {
    metadata: {
      name: `${o.name}-config`,
      namespace: ns,
      labels: workloadLabels(o.name, env.jaeger.collector.image, env.name),
    },
    data: { "config.yaml": config },
  });
  addWorkload(chart, {
    name: o.name,
    instance: instanceName(o.name, env.name),
    namespace: ns,
    image: env.jaeger.collector.image,
    uid: OTEL_COLLECTOR_UID,
    args: [`--config=${P.otelCollectorConfig}`],
    ports: [
      { name: "otlp-grpc", port: o.ports.otlpGrpc },
      { name: "otlp-http", port: o.ports.otlpHttp },
      { name: "health", port: o.ports.health },
    ],
    resources: MONITORING_RESOURCES.otelCollector,
    // Liveness: the health_check extension. Readiness: the OTLP receiver accepts connections.
    livenessProbe: { ...httpProbe("/", o.ports.health, 10, 3), initialDelaySeconds: 10 },
    readinessProbe: tcpProbe(o.ports.otlpGrpc, 5, 3),
    volumes: [
      {
        volume: { name: "config", configMap: { name: `${o.name}-config` } },
        mountPath: P.otelCollectorConfigDir,
      },
    ],
    annotations: { "checksum/config": checksum(config) },
  });
  if (env.kubernetes.networkPolicies) {
    addNetworkPolicy(chart, ns, {
      name: o.name,
      ingress: [{ peer: SERVICE_NAME, ports: [o.ports.otlpGrpc, o.ports.otlpHttp] }],
      // The tracing backend lives in another namespace (or outside the cluster).
      egress: [{ peer: "any", ports: [endpointPort(env.jaeger.collector.exportEndpoint)] }, DNS_EGRESS],
    });
  }
  return synth(chart);
}

/** Jaeger all-in-one in the namespace (env.jaeger.enabled). */
export class Jaeger extends pulumi.ComponentResource {
  /** OTLP gRPC endpoint for the app. */
  public readonly otlpEndpoint: pulumi.Output<string>;

  constructor(name: string, args: TracingArgs, opts?: pulumi.ComponentResourceOptions) {
    super("mcp-stack:infra:Jaeger", name, {}, opts);
    registerObjects(jaegerObjects(args.env), { parent: this, patch: namespacePatch(args.namespace) });
    this.otlpEndpoint = pulumi.output(`http://${S.jaeger.name}:${S.jaeger.ports.otlpGrpc}`);
    this.registerOutputs({ otlpEndpoint: this.otlpEndpoint });
  }
}

/** OpenTelemetry Collector (env.jaeger.collector.enabled). */
export class OtelCollector extends pulumi.ComponentResource {
  /** OTLP gRPC endpoint for the app (OTLP_ENDPOINT). */
  public readonly otlpEndpoint: pulumi.Output<string>;

  constructor(name: string, args: TracingArgs, opts?: pulumi.ComponentResourceOptions) {
    super("mcp-stack:infra:OtelCollector", name, {}, opts);
    registerObjects(otelCollectorObjects(args.env), { parent: this, patch: namespacePatch(args.namespace) });
    this.otlpEndpoint = pulumi.output(`http://${S.otelCollector.name}:${S.otelCollector.ports.otlpGrpc}`);
    this.registerOutputs({ otlpEndpoint: this.otlpEndpoint });
  }
}
