import { POSTGRES_PORT, REDIS_PORT } from "@mcp-stack/contract";
import { ANY, type Flow, FlowProtocol, type PodGroup, validateFlows } from "../lib/flows.js";

/** The service meshes the component renders policies for. */
export const MeshKind = { Istio: "istio", Linkerd: "linkerd" } as const;
export type MeshKind = (typeof MeshKind)[keyof typeof MeshKind];

/** Linkerd's default inbound policy for ports no Server describes (the two this component allows). */
export const LinkerdInboundPolicy = { Deny: "deny", AllAuthenticated: "all-authenticated" } as const;
export type LinkerdInboundPolicy = (typeof LinkerdInboundPolicy)[keyof typeof LinkerdInboundPolicy];

export interface ServiceMeshArgs {
  /** Which mesh's objects: Istio (PeerAuthentication, AuthorizationPolicy) or Linkerd (Server, AuthorizationPolicy, MeshTLSAuthentication). */
  readonly mesh: MeshKind;
  /** Namespace of the policies and the workloads. */
  readonly namespace: string;
  /**
   * The pod groups of the flow model (infra/k8s/lib/flows.ts), with `serviceAccount` (the identity policies
   * name) and `meshed` (false for pods kept off the mesh, e.g. Prometheus).
   */
  readonly groups: PodGroup[];
  /**
   * The allowed connections: the same flows the NetworkPolicies are rendered from. Every TCP flow into a
   * meshed group becomes an authorization on its port; with the default deny, every other connection
   * into a meshed pod is refused. Flows into unmeshed groups, to external targets and UDP flows are the
   * NetworkPolicies' alone.
   */
  readonly flows: Flow[];
  /**
   * Ports of protocols that are not HTTP, carried as opaque TCP (Linkerd: `opaque` Servers and the
   * namespace's opaque-ports annotation). Defaults to [5432, 6379] (Postgres, Redis).
   */
  readonly opaquePorts?: number[];
  /** Trust domain of the principals. Defaults to "cluster.local". */
  readonly trustDomain?: string;
  /** Istio only: a control-plane revision (`istio.io/rev`) instead of `istio-injection: enabled`. */
  readonly istioRevision?: string;
  /**
   * Linkerd only: the namespace's default inbound policy for ports no Server describes. Defaults to
   * "deny" (as Istio's allow-nothing).
   */
  readonly linkerdDefaultInboundPolicy?: LinkerdInboundPolicy;
  /**
   * Namespace of the mesh's control plane, which every proxy connects to. Defaults to "linkerd"
   * (Linkerd) or "istio-system" (Istio).
   */
  readonly controlPlaneNamespace?: string;
  /**
   * Istio only: meshed connections use HBONE (ambient's tunnel, port 15008), so the NetworkPolicies
   * open 15008 between meshed peers. Defaults to false (sidecars without ambient).
   */
  readonly istioHbone?: boolean;
  /**
   * Render the NetworkPolicies the data plane needs (proxy → control plane, Linkerd's inbound port 4143
   * between meshed peers): needed wherever the namespace denies by default. Defaults to true.
   */
  readonly networkPolicies?: boolean;
}

export const SERVICE_MESH_DEFAULTS = {
  opaquePorts: [POSTGRES_PORT, REDIS_PORT],
  trustDomain: "cluster.local",
  linkerdDefaultInboundPolicy: LinkerdInboundPolicy.Deny,
} as const;

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const validPort = (p: number) => Number.isInteger(p) && p >= 1 && p <= 65535;

/** Invariants of {@link ServiceMeshArgs}; [] when valid. Lists every problem with its path. */
export function validateServiceMeshArgs(args: ServiceMeshArgs): string[] {
  const issues: string[] = [];
  if (!Object.values(MeshKind).includes(args.mesh))
    issues.push(`mesh "${args.mesh}" must be "istio" or "linkerd"`);
  if (!DNS_LABEL.test(args.namespace)) issues.push(`namespace "${args.namespace}" is not a namespace name`);
  issues.push(...validateFlows(args));
  for (const p of args.opaquePorts ?? []) if (!validPort(p)) issues.push(`opaquePorts: ${p} must be 1–65535`);
  if (args.trustDomain !== undefined && args.trustDomain.trim() === "")
    issues.push("trustDomain must not be empty");
  if (args.istioRevision !== undefined && args.mesh !== MeshKind.Istio)
    issues.push('istioRevision applies only to mesh "istio"');
  if (args.istioRevision !== undefined && !DNS_LABEL.test(args.istioRevision))
    issues.push(`istioRevision "${args.istioRevision}" is not a revision name`);
  if (args.linkerdDefaultInboundPolicy !== undefined && args.mesh !== MeshKind.Linkerd)
    issues.push('linkerdDefaultInboundPolicy applies only to mesh "linkerd"');
  if (args.controlPlaneNamespace !== undefined && !DNS_LABEL.test(args.controlPlaneNamespace))
    issues.push(`controlPlaneNamespace "${args.controlPlaneNamespace}" is not a namespace name`);
  if (args.istioHbone !== undefined && args.mesh !== MeshKind.Istio)
    issues.push('istioHbone applies only to mesh "istio"');
  return issues;
}

/** A meshed identity: a ServiceAccount in a namespace. */
export interface Identity {
  readonly namespace: string;
  readonly serviceAccount: string;
}

/** One inbound port of a meshed group and who may open it. */
export interface InboundPort {
  readonly port: number;
  /** Some source connects without mTLS ("any", an unmeshed group, an external party without identity). */
  readonly plaintext: boolean;
  /** The meshed identities among the sources, sorted, without duplicates. */
  readonly identities: Identity[];
  /** Carried as opaque TCP. */
  readonly opaque: boolean;
}

/** A meshed group with its inbound ports, as the policies see it. */
export interface MeshedGroup {
  readonly group: PodGroup;
  readonly ports: InboundPort[];
}

const isMeshed = (g: PodGroup | undefined) => g !== undefined && g.meshed !== false;

/** The identity of a flow's source, or undefined when it connects in plaintext. */
function sourceIdentity(args: ServiceMeshArgs, f: Flow): Identity | undefined {
  if (f.fromExternal) return f.fromExternal.meshIdentity;
  if (f.from === ANY) return undefined;
  const g = args.groups.find((x) => x.name === f.from);
  return isMeshed(g)
    ? { namespace: args.namespace, serviceAccount: g!.serviceAccount ?? g!.name }
    : undefined;
}

/**
 * Every meshed group that some TCP flow reaches, with each inbound port's sources: the part of the flow
 * model the mesh enforces. Groups are in model order, ports ascending.
 */
export function meshedGroups(args: ServiceMeshArgs): MeshedGroup[] {
  const opaque: readonly number[] = args.opaquePorts ?? SERVICE_MESH_DEFAULTS.opaquePorts;
  const out: MeshedGroup[] = [];
  for (const group of args.groups.filter(isMeshed)) {
    const inbound = args.flows.filter(
      (f) => f.to === group.name && (f.protocol ?? FlowProtocol.TCP) === FlowProtocol.TCP,
    );
    const ports = [...new Set(inbound.map((f) => f.port))].sort((a, b) => a - b);
    if (ports.length === 0) continue;
    out.push({
      group,
      ports: ports.map((port) => {
        const sources = inbound.filter((f) => f.port === port).map((f) => sourceIdentity(args, f));
        const ids = new Map<string, Identity>();
        for (const s of sources) if (s) ids.set(`${s.namespace}/${s.serviceAccount}`, s);
        return {
          port,
          plaintext: sources.some((s) => s === undefined),
          identities: [...ids.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([, s]) => s),
          opaque: opaque.includes(port),
        };
      }),
    });
  }
  return out;
}
