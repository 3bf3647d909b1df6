import { MONITORING_PATHS as P, MONITORING_SERVICES as S, SERVICE_NAME } from "@mcp-stack/contract";
import { k8s as kube } from "cdk8s-plus-28";
import { type NetworkFlows, namedPeer } from "../../k8s/lib/flows.js";
import { type KubeObject, synth } from "../../k8s/lib/manifests.js";
import { assertValid } from "../../k8s/lib/register.js";
import { monitoringGroup, monitoringNetworkPolicy } from "../lib/network-policy.js";
import { MONITORING_RESOURCES } from "../lib/resources.js";
import {
  addWorkload,
  checksum,
  httpProbe,
  imageTag,
  monitoringLabels,
  newChart,
  tcpProbe,
} from "../lib/workload.js";
import {
  endpointPort,
  OTEL_COLLECTOR_DEFAULTS,
  type OtelCollectorArgs,
  validateOtelCollectorArgs,
} from "./args.js";

/**
 * otel/opentelemetry-collector-contrib runs as its image's own user 10001 (≥ 10000, no exception); it
 * writes nothing outside its emptyDir.
 */
export const OTEL_COLLECTOR_UID = 10001;

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
