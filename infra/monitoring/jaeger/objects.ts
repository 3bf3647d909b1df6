import { MONITORING_SERVICES as S, SERVICE_NAME } from "@mcp-stack/contract";
import { ANY, FlowProtocol, type NetworkFlows, namedPeer } from "../../k8s/lib/flows.js";
import { type KubeObject, synth } from "../../k8s/lib/manifests.js";
import { monitoringGroup, monitoringNetworkPolicy } from "../lib/network-policy.js";
import { MONITORING_RESOURCES } from "../lib/resources.js";
import { addWorkload, httpProbe, newChart, scratch, tcpProbe } from "../lib/workload.js";
import { JAEGER_DEFAULTS, type JaegerArgs } from "./args.js";

/**
 * jaegertracing/jaeger (v2) runs as its image's own user 10001 (≥ 10000, no exception); it writes
 * nothing outside its emptyDir.
 */
export const JAEGER_UID = 10001;

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
