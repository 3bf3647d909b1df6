import { PART_OF } from "@mcp-stack/contract";
import {
  type ExternalTarget,
  type Flow,
  FlowProtocol,
  type NetworkFlows,
  type PodGroup,
} from "../lib/flows.js";
import { MANAGED_BY } from "../lib/kube-parts.js";
import type { KubeObject } from "../lib/manifests.js";
import { networkPolicyObjects } from "../network-policies/objects.js";
import { MeshKind, type ServiceMeshArgs } from "./args.js";

/**
 * What a mesh's data plane needs of the network, as flows of the flow model: each proxy's connections
 * to its control plane, and the port a meshed connection really arrives on. Held against each mesh's
 * source (the file beside each fact); the NetworkPolicies of these flows are the mesh's, rendered by
 * ServiceMesh next to its policy objects.
 */

/**
 * Linkerd's control plane, as a proxy reaches it. The proxy dials the identity service for its
 * certificate, the destination service for endpoints, and the policy service for its inbound policy
 * (linkerd2 charts/partials/templates/_proxy.tpl: LINKERD2_PROXY_IDENTITY_SVC_ADDR
 * `linkerd-identity-headless…:8080`, LINKERD2_PROXY_DESTINATION_SVC_ADDR `linkerd-dst-headless…:8086`,
 * LINKERD2_PROXY_POLICY_SVC_ADDR `linkerd-policy…:8090`). The services select the pods by
 * `linkerd.io/control-plane-component` (charts/linkerd-control-plane/templates/identity.yaml: identity;
 * destination.yaml: destination, which serves both 8086 and the policy controller's 8090). The
 * services are headless, so the proxy connects to the pods themselves: a pod selector matches them.
 * Without an identity the proxy never reports ready, and as a native sidecar it holds the app back.
 */
export const LINKERD_CONTROL_PLANE = {
  namespace: "linkerd",
  componentLabel: "linkerd.io/control-plane-component",
  services: [
    { name: "linkerd-identity", component: "identity", port: 8080 },
    { name: "linkerd-destination", component: "destination", port: 8086 },
    { name: "linkerd-policy", component: "destination", port: 8090 },
  ],
} as const;

/**
 * The inbound port of Linkerd's proxy. A meshed client's proxy sends a connection to a meshed pod to
 * this port, the original port carried in a transport header, whenever the destination controller
 * hints opaque transport: for every port but the proxy's own admin ports with the chart's default
 * `proxy.outboundTransportMode: transport-header` (linkerd2 charts/linkerd-control-plane/values.yaml;
 * controller/cmd/destination/main.go forceOpaqueTransport; controller/api/destination/
 * endpoint_translator.go createWeightedAddr, defaultProxyInboundPort = 4143; values.yaml
 * `proxy.ports.inbound: 4143`). Linkerd's docs say so too: "Communication between two meshed pods will
 * always have its original target port replaced with the proxy's inbound port"
 * (https://linkerd.io/2/common-errors/network-policy). A NetworkPolicy sees 4143, never the app's port;
 * the mesh's own Servers still authorize the original port.
 */
export const LINKERD_PROXY_INBOUND_PORT = 4143;

/**
 * istiod, as a sidecar reaches it: XDS and certificates over mTLS on 15012 (istio manifests/charts/
 * istio-control/istio-discovery/templates/configmap.yaml `discoveryAddress: istiod.<ns>.svc:15012`;
 * service.yaml port 15012 "https-dns"); the Service selects `app: istiod` (deployment.yaml pod labels).
 * 15017 (the webhooks, Service port 443) is called by the API server, not by pods; 15010 is plaintext
 * XDS, which injected sidecars do not use.
 */
export const ISTIOD = {
  namespace: "istio-system",
  podSelector: { app: "istiod" },
  port: 15012,
} as const;

/**
 * Istio's HBONE port. Sidecars capture inbound traffic inside the pod (istio tools/istio-iptables/pkg/
 * capture/run.go: REDIRECT to the inbound capture port 15006 in the pod's own network namespace), so a
 * NetworkPolicy sees the original port and 15006 needs no rule. Only when HBONE is on (ambient's
 * PILOT_ENABLE_SENDING_HBONE / PILOT_ENABLE_SIDECAR_LISTENING_HBONE, off unless ambient is enabled:
 * pilot/pkg/features/ambient.go) does a meshed connection arrive on 15008.
 */
export const ISTIO_HBONE_PORT = 15008;

const isMeshed = (g: PodGroup | undefined): g is PodGroup => g !== undefined && g.meshed !== false;

const namespacePeer = (
  namespace: string,
  name: string,
  podSelector: Record<string, string>,
): ExternalTarget => ({
  name,
  namespaceSelector: { "kubernetes.io/metadata.name": namespace },
  podSelector,
});

/** Where each meshed pod's proxy connects to its control plane. */
function controlPlane(args: ServiceMeshArgs): { target: ExternalTarget; port: number }[] {
  if (args.mesh === MeshKind.Istio)
    return [
      {
        target: namespacePeer(args.controlPlaneNamespace ?? ISTIOD.namespace, "istiod", ISTIOD.podSelector),
        port: ISTIOD.port,
      },
    ];
  const cp = LINKERD_CONTROL_PLANE;
  return cp.services.map((s) => ({
    target: namespacePeer(args.controlPlaneNamespace ?? cp.namespace, s.name, {
      [cp.componentLabel]: s.component,
    }),
    port: s.port,
  }));
}

/** The port a meshed connection to a meshed pod arrives on, when it is not the original one. */
function tunnelPort(args: ServiceMeshArgs): number | undefined {
  if (args.mesh === MeshKind.Linkerd) return LINKERD_PROXY_INBOUND_PORT;
  return args.istioHbone ? ISTIO_HBONE_PORT : undefined;
}

/**
 * The mesh's flows: every meshed group → its control plane; for every TCP flow between two meshed
 * parties, the same pair on the tunnel port (Linkerd's 4143, Istio's 15008 with HBONE). Groups are the
 * meshed ones, all owned here (their policies are the mesh's).
 */
export function meshNetworkFlows(args: ServiceMeshArgs): NetworkFlows {
  const meshed = args.groups.filter(isMeshed);
  const byName = new Map(meshed.map((g) => [g.name, g]));
  const flows: Flow[] = [];
  for (const g of meshed)
    for (const { target, port } of controlPlane(args)) flows.push({ from: g.name, toExternal: target, port });
  const tunnel = tunnelPort(args);
  if (tunnel !== undefined) {
    const seen = new Set<string>();
    for (const f of args.flows) {
      if ((f.protocol ?? FlowProtocol.TCP) !== FlowProtocol.TCP || !byName.has(f.to ?? "")) continue;
      const fromMeshedGroup = f.from !== undefined && byName.has(f.from);
      const fromMeshedExternal = f.fromExternal?.meshIdentity !== undefined;
      if (!fromMeshedGroup && !fromMeshedExternal) continue;
      const key = JSON.stringify([f.from, f.fromExternal, f.to]);
      if (seen.has(key)) continue;
      seen.add(key);
      flows.push(
        f.from !== undefined
          ? { from: f.from, to: f.to, port: tunnel }
          : { fromExternal: f.fromExternal, to: f.to, port: tunnel },
      );
    }
  }
  return { groups: meshed.map((g) => ({ ...g, owned: true })), flows };
}

/**
 * The NetworkPolicies of the mesh's flows: per meshed group, `mesh-<group>` with only the directions it
 * has rules for (Ingress on the tunnel port, Egress to the control plane and peers' tunnel port). They
 * add to the namespace's default deny and the groups' own policies; no DNS (the groups' own policies
 * open it).
 */
export function meshNetworkPolicyObjects(args: ServiceMeshArgs): KubeObject[] {
  const model = meshNetworkFlows(args);
  return networkPolicyObjects({ ...model, defaultDeny: false, allowDns: false, peerPolicies: false }).flatMap(
    (o) => {
      const spec = o.spec as { ingress?: unknown[]; egress?: unknown[]; policyTypes: string[] };
      const policyTypes = spec.policyTypes.filter((t) =>
        t === "Ingress" ? (spec.ingress ?? []).length > 0 : (spec.egress ?? []).length > 0,
      );
      if (policyTypes.length === 0) return [];
      const { ingress, egress, ...rest } = spec;
      return [
        {
          ...o,
          metadata: {
            ...o.metadata,
            name: `mesh-${o.metadata.name}`,
            labels: {
              "app.kubernetes.io/name": "network-policy",
              "app.kubernetes.io/component": `mesh-${args.mesh}`,
              "app.kubernetes.io/part-of": PART_OF,
              "app.kubernetes.io/managed-by": MANAGED_BY,
            },
          },
          spec: {
            ...rest,
            policyTypes,
            ...(policyTypes.includes("Ingress") ? { ingress } : {}),
            ...(policyTypes.includes("Egress") ? { egress } : {}),
          },
        },
      ];
    },
  );
}
