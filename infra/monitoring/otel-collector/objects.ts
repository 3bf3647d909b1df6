import { MONITORING_PATHS as P, MONITORING_SERVICES as S, SERVICE_NAME } from "@mcp-stack/contract";
import * as pulumi from "@pulumi/pulumi";
import { k8s as kube } from "cdk8s-plus-28";
import { ANY, type ClusterDns, FlowProtocol, type NetworkFlows, namedPeer } from "../../k8s/lib/flows.js";
import { isPinnedImage } from "../../k8s/lib/kube-parts.js";
import { type KubeObject, registerObjects, synth } from "../../k8s/lib/manifests.js";
import { assertValid, namespacePatch } from "../../k8s/lib/register.js";
import { componentOptions, componentType } from "../../lib/component-type.js";
import { monitoringGroup, monitoringNetworkPolicy } from "../lib/network-policy.js";
import { MONITORING_RESOURCES } from "../lib/resources.js";
import {
  addWorkload,
  checksum,
  httpProbe,
  imageTag,
  monitoringLabels,
  newChart,
  scratch,
  tcpProbe,
} from "../lib/workload.js";

/**
 * jaegertracing/jaeger (v2) and otel/opentelemetry-collector-contrib both run as their images' own
 * user 10001 (≥ 10000, no exception); neither writes outside its emptyDir.
 */
export const JAEGER_UID = 10001;
export const OTEL_COLLECTOR_UID = 10001;

/** Defaults of JaegerArgs. */
export const JAEGER_DEFAULTS = { networkPolicies: true, instance: "jaeger" } as const;
/** Defaults of OtelCollectorArgs. */
export const OTEL_COLLECTOR_DEFAULTS = {
  networkPolicies: true,
  instance: "otel-collector",
} as const;

/** Jaeger as a building block: plain values, no environment model (stacks/ maps the model to these). */
export interface JaegerArgs {
  /** Namespace of every object. */
  readonly namespace: string;
  /**
   * The same namespace as an Output (a Namespace resource's name), so every object waits for it.
   * Defaults to `namespace` as a plain string (no dependency).
   */
  readonly namespaceRef?: pulumi.Input<string>;
  /** Pinned Jaeger v2 image, e.g. `jaegertracing/jaeger:2.2.0`. */
  readonly image: string;
  /**
   * Add Jaeger's NetworkPolicy (ingress to OTLP, the agent and Zipkin from the app; to the UI from
   * anywhere; egress to DNS only). Defaults to true.
   */
  readonly networkPolicies?: boolean;
  /**
   * Where the NetworkPolicy lets DNS lookups go: the DNS pods' namespace and addresses that are no pod
   * (NodeLocal DNSCache). Defaults to kube-system and 169.254.20.10/32.
   */
  readonly dns?: ClusterDns;
  /** `app.kubernetes.io/instance`. Defaults to "jaeger". */
  readonly instance?: string;
}

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

/**
 * Jaeger v2 all-in-one (staging) with its built-in config: in-memory storage, OTLP 4317/4318, the
 * Jaeger agent's UDP 6831 and Zipkin 9411 that the reference lists, UI 16686.
 */
export function jaegerObjects(args: JaegerArgs): KubeObject[] {
  const ns = args.namespace;
  const j = S.jaeger;
  const chart = newChart("jaeger");
  addWorkload(chart, {
    name: j.name,
    instance: args.instance ?? JAEGER_DEFAULTS.instance,
    namespace: ns,
    image: args.image,
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
    livenessProbe: tcpProbe(j.ports.ui, { periodSeconds: 10, failureThreshold: 3, initialDelaySeconds: 10 }),
    readinessProbe: httpProbe("/status", j.ports.health, { periodSeconds: 5, failureThreshold: 3 }),
    volumes: [scratch("tmp", "/tmp", "256Mi")],
  });
  const policy =
    (args.networkPolicies ?? JAEGER_DEFAULTS.networkPolicies)
      ? monitoringNetworkPolicy(ns, j.name, jaegerFlows(), args.dns)
      : [];
  return [...synth(chart), ...policy];
}

/** Jaeger's flows: the app sends spans (OTLP, the agent's UDP, Zipkin); the UI is open to any client. */
export function jaegerFlows(): NetworkFlows {
  const j = S.jaeger;
  return {
    // Each workload opens its own side only; the far side is its peer's (the app tier's) to open.
    peerPolicies: false,
    groups: [monitoringGroup(j.name), namedPeer(SERVICE_NAME)],
    flows: [
      { from: SERVICE_NAME, to: j.name, port: j.ports.otlpGrpc },
      { from: SERVICE_NAME, to: j.name, port: j.ports.otlpHttp },
      { from: SERVICE_NAME, to: j.name, port: j.ports.agentCompact, protocol: FlowProtocol.UDP },
      { from: SERVICE_NAME, to: j.name, port: j.ports.zipkin },
      // The UI: Grafana's Jaeger datasource and users through port-forward.
      { from: ANY, to: j.name, port: j.ports.ui },
    ],
  };
}

/** The port of a `host:port` endpoint, or undefined when it does not end in `:<port>`. */
export function endpointPort(endpoint: string): number | undefined {
  const m = /:(\d+)$/.exec(endpoint.replace(/\/+$/, ""));
  return m ? Number(m[1]) : undefined;
}

/** Invariants of {@link JaegerArgs}; [] when valid. */
export function validateJaegerArgs(args: JaegerArgs): string[] {
  return isPinnedImage(args.image) ? [] : [`image "${args.image}" must be pinned to a version (not latest)`];
}

/** Every problem of the Args at once, each naming its field (empty when valid). */
export function validateOtelCollectorArgs(args: OtelCollectorArgs): string[] {
  return endpointPort(args.exportEndpoint ?? "") === undefined
    ? [
        `exportEndpoint "${args.exportEndpoint ?? ""}" must end in :<port>: give the tracing backend's OTLP gRPC endpoint as host:port`,
      ]
    : [];
}

/** The OpenTelemetry Collector (prod) at otel-collector:4317, exporting to exportEndpoint. */
export function otelCollectorObjects(args: OtelCollectorArgs): KubeObject[] {
  assertValid("OtelCollector", validateOtelCollectorArgs(args));
  const d = OTEL_COLLECTOR_DEFAULTS;
  const ns = args.namespace;
  const o = S.otelCollector;
  const instance = args.instance ?? d.instance;
  const chart = newChart("otel-collector");
  const config = args.config;
  new kube.KubeConfigMap(chart, "config", {
    metadata: {
      name: `${o.name}-config`,
      namespace: ns,
      labels: monitoringLabels(o.name, imageTag(args.image), instance),
    },
    data: { "config.yaml": config },
  });
  addWorkload(chart, {
    name: o.name,
    instance,
    namespace: ns,
    image: args.image,
    uid: OTEL_COLLECTOR_UID,
    args: [`--config=${P.otelCollectorConfig}`],
    ports: [
      { name: "otlp-grpc", port: o.ports.otlpGrpc },
      { name: "otlp-http", port: o.ports.otlpHttp },
      { name: "health", port: o.ports.health },
    ],
    resources: MONITORING_RESOURCES.otelCollector,
    // Liveness: the health_check extension. Readiness: the OTLP receiver accepts connections.
    livenessProbe: httpProbe("/", o.ports.health, {
      periodSeconds: 10,
      failureThreshold: 3,
      initialDelaySeconds: 10,
    }),
    readinessProbe: tcpProbe(o.ports.otlpGrpc, { periodSeconds: 5, failureThreshold: 3 }),
    volumes: [
      {
        volume: { name: "config", configMap: { name: `${o.name}-config` } },
        mountPath: P.otelCollectorConfigDir,
      },
    ],
    annotations: { "checksum/config": checksum(config) },
  });
  const policy =
    (args.networkPolicies ?? d.networkPolicies)
      ? monitoringNetworkPolicy(ns, o.name, otelCollectorFlows(args), args.dns)
      : [];
  return [...synth(chart), ...policy];
}

/** The collector's flows: the app sends spans (OTLP); it exports to the tracing backend's port. */
export function otelCollectorFlows(args: Pick<OtelCollectorArgs, "exportEndpoint">): NetworkFlows {
  const o = S.otelCollector;
  return {
    // Each workload opens its own side only; the far side is its peer's (the app tier's) to open.
    peerPolicies: false,
    groups: [monitoringGroup(o.name), namedPeer(SERVICE_NAME)],
    flows: [
      { from: SERVICE_NAME, to: o.name, port: o.ports.otlpGrpc },
      { from: SERVICE_NAME, to: o.name, port: o.ports.otlpHttp },
      // The tracing backend lives in another namespace or outside the cluster, at an address of its own.
      { from: o.name, toExternal: { name: "tracing-backend" }, port: endpointPort(args.exportEndpoint)! },
    ],
  };
}

/** Jaeger all-in-one: in-memory traces, OTLP for the app, the UI for Grafana and users. */
export class Jaeger extends pulumi.ComponentResource {
  /** OTLP gRPC endpoint for the app. */
  public readonly otlpEndpoint: pulumi.Output<string>;

  constructor(name: string, args: JaegerArgs, opts?: pulumi.ComponentResourceOptions) {
    super(componentType("Jaeger"), name, {}, componentOptions("Jaeger", opts));
    assertValid("Jaeger", validateJaegerArgs(args));
    registerObjects(jaegerObjects(args), { parent: this, patch: namespacePatch(args.namespaceRef) });
    this.otlpEndpoint = pulumi.output(`http://${S.jaeger.name}:${S.jaeger.ports.otlpGrpc}`);
    this.registerOutputs({ otlpEndpoint: this.otlpEndpoint });
  }
}

/** The OpenTelemetry Collector: OTLP in for the app, batched OTLP out to a tracing backend. */
export class OtelCollector extends pulumi.ComponentResource {
  /** OTLP gRPC endpoint for the app (OTLP_ENDPOINT). */
  public readonly otlpEndpoint: pulumi.Output<string>;

  constructor(name: string, args: OtelCollectorArgs, opts?: pulumi.ComponentResourceOptions) {
    super(componentType("OtelCollector"), name, {}, componentOptions("OtelCollector", opts));
    registerObjects(otelCollectorObjects(args), { parent: this, patch: namespacePatch(args.namespaceRef) });
    this.otlpEndpoint = pulumi.output(`http://${S.otelCollector.name}:${S.otelCollector.ports.otlpGrpc}`);
    this.registerOutputs({ otlpEndpoint: this.otlpEndpoint });
  }
}
