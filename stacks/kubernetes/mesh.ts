import { MONITORING_SERVICES as S } from "@mcp-stack/contract";
import type * as pulumi from "@pulumi/pulumi";
import type { ResolvedEnvironment } from "../../environments/index.js";
import {
  alertmanagerFlows,
  grafanaFlows,
  jaegerFlows,
  type MeshRendering,
  mergeFlows,
  type NetworkFlows,
  otelCollectorFlows,
  prometheusFlows,
  ServiceMesh,
  type ServiceMeshArgs,
  serviceMeshRendering,
} from "../../infra/index.js";
import { appTierNetwork } from "./app-network.js";
import { withoutBundledMonitoring } from "./monitoring-operator.js";

/**
 * The namespace's one flow model: the app tier's flows and those of every monitoring workload the
 * environment deploys, merged. The app tier's NetworkPolicies and each monitoring workload's are
 * rendered from their parts; the service mesh's policies from the whole.
 */
export function namespaceNetwork(env: ResolvedEnvironment): NetworkFlows {
  const bundled = withoutBundledMonitoring(env);
  const parts: NetworkFlows[] = [appTierNetwork(env)];
  if (bundled.prometheus.enabled)
    parts.push(prometheusFlows(), alertmanagerFlows(env.prometheus.receiver !== "null"));
  if (bundled.grafana.enabled)
    parts.push(grafanaFlows({ port: env.grafana.port, jaegerEgress: env.jaeger.enabled }));
  if (env.jaeger.enabled) parts.push(jaegerFlows());
  const collector = env.jaeger.collector;
  if (collector.enabled && collector.exportEndpoint !== undefined)
    parts.push(otelCollectorFlows({ exportEndpoint: collector.exportEndpoint }));
  return mergeFlows(...parts);
}

/**
 * Pods kept off the mesh: the bundled Prometheus. Its scrapes reach every workload's metrics port in
 * plaintext (PERMISSIVE on exactly those ports, still limited to Prometheus by the NetworkPolicies), so
 * prometheus.yml, the scrape path and the Operator-mode Prometheus (another namespace, not the stack's
 * to mesh) stay the same with and without a mesh.
 */
export const OFF_MESH = [S.prometheus.name] as const;

/** The model's mesh as the ServiceMesh building block's Args; undefined with `mesh: none`. */
export function serviceMeshArgs(env: ResolvedEnvironment): ServiceMeshArgs | undefined {
  if (env.mesh === "none") return undefined;
  const model = namespaceNetwork(env);
  return {
    mesh: env.mesh,
    namespace: env.kubernetes.namespace,
    // A group no part of the namespace owns has no pods here the mesh could guard.
    groups: model.groups.map((g) => ({
      ...g,
      meshed: g.owned !== false && !(OFF_MESH as readonly string[]).includes(g.name),
    })),
    flows: model.flows,
    // The data plane's own flows (control plane, inbound proxy port) join the NetworkPolicies.
    networkPolicies: env.kubernetes.networkPolicies,
  };
}

/** What the mesh asks of the namespace and the workloads, computed before any of them is created. */
export function meshRendering(env: ResolvedEnvironment): MeshRendering | undefined {
  const args = serviceMeshArgs(env);
  return args && serviceMeshRendering(args);
}

/** The mesh's policy objects in the namespace; nothing with `mesh: none`. */
export function deployMesh(env: ResolvedEnvironment, parent: pulumi.Resource): ServiceMesh | undefined {
  const args = serviceMeshArgs(env);
  return args && new ServiceMesh("service-mesh", args, { parent });
}
