import { POSTGRES_PORT, REDIS_PORT } from "@mcp-stack/contract";

/** A container port of a workload; Servers and policies refer to it by number. */
export interface MeshPort {
  /** Port name (as in the pod spec). */
  readonly name: string;
  readonly port: number;
  /**
   * Application protocol. "tcp" makes the mesh skip protocol detection (Istio: declare it on the
   * Service as `appProtocol: tcp` / a `tcp-` port name, see ServiceMesh.tcpServicePorts; Linkerd: an
   * opaque Server). Defaults to "tcp" for the `opaquePorts` (Postgres, Redis), detection otherwise.
   */
  readonly protocol?: "http" | "http2" | "grpc" | "tcp";
}

/** A set of pods in the namespace and the identity they run as. */
export interface MeshWorkload {
  /** Short name, used in policy names (as NetworkPolicies' group names). */
  readonly name: string;
  /** Pod labels that select it. */
  readonly selector: Readonly<Record<string, string>>;
  /** Its ServiceAccount: the mTLS identity the policies allow. Defaults to `name`. */
  readonly serviceAccount?: string;
  /** Ports it serves (its inbound side). Defaults to none (a client only). */
  readonly ports?: readonly MeshPort[];
  /**
   * Whether its pods carry a proxy. An unmeshed workload (e.g. Prometheus, kept out of the mesh by its
   * owner) connects in plaintext: its flows open plaintext on exactly their target port. Defaults to
   * true.
   */
  readonly meshed?: boolean;
}

/** A client outside the namespace: a meshed identity, or a plaintext client (an operator off the mesh). */
export type MeshPeer =
  | { readonly name: string; readonly namespace: string; readonly serviceAccount: string }
  | { readonly name: string; readonly plaintext: true };

/** An allowed connection, as NetworkPolicies' Flow but always into a workload of the namespace. */
export interface MeshFlow {
  /** Workload name, "any" (any meshed client, any namespace), or a peer outside the namespace. */
  readonly from: string | MeshPeer;
  /** Destination workload name. */
  readonly to: string;
  /** A port the destination declares. */
  readonly port: number;
}

export interface ServiceMeshArgs {
  readonly mesh: "istio" | "linkerd";
  /** Namespace of the policies and the workloads. */
  readonly namespace: string;
  readonly workloads: readonly MeshWorkload[];
  /** Allowed connections; with the default deny, every other connection into the namespace is refused. */
  readonly flows: readonly MeshFlow[];
  /**
   * The port Prometheus scrapes from outside the mesh: plaintext is accepted on it, from any client, on
   * every workload that declares it (the NetworkPolicies still admit only Prometheus). Defaults to none.
   */
  readonly metricsPort?: number;
  /**
   * Ports of server-speaks-first or detection-hostile protocols, carried as opaque TCP. Defaults to
   * [5432, 6379] (Postgres, Redis).
   */
  readonly opaquePorts?: readonly number[];
  /** Istio/Linkerd trust domain of the principals. Defaults to "cluster.local". */
  readonly trustDomain?: string;
  /** Istio only: a control-plane revision (`istio.io/rev`) instead of `istio-injection: enabled`. */
  readonly istioRevision?: string;
  /**
   * Linkerd only: the namespace's default inbound policy for ports no Server describes. Defaults to
   * "deny" (as Istio's allow-nothing); kubelet probes stay authorized either way.
   */
  readonly linkerdDefaultInboundPolicy?: "deny" | "all-authenticated";
}

export const SERVICE_MESH_DEFAULTS = {
  opaquePorts: [POSTGRES_PORT, REDIS_PORT],
  trustDomain: "cluster.local",
  linkerdDefaultInboundPolicy: "deny",
} as const;

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const validPort = (p: number) => Number.isInteger(p) && p >= 1 && p <= 65535;

/** Whether a flow's source connects without mTLS. */
export function isPlaintextSource(args: ServiceMeshArgs, from: MeshFlow["from"]): boolean {
  if (typeof from !== "string") return "plaintext" in from;
  return from !== "any" && args.workloads.find((w) => w.name === from)?.meshed === false;
}

/** Invariants of {@link ServiceMeshArgs}; [] when valid. Lists every problem with its path. */
export function validateServiceMeshArgs(args: ServiceMeshArgs): string[] {
  const issues: string[] = [];
  if (args.mesh !== "istio" && args.mesh !== "linkerd")
    issues.push(`mesh "${args.mesh}" must be "istio" or "linkerd"`);
  if (!DNS_LABEL.test(args.namespace)) issues.push(`namespace "${args.namespace}" is not a namespace name`);
  const byName = new Map<string, MeshWorkload>();
  args.workloads.forEach((w, i) => {
    const at = `workloads[${i}]`;
    if (!DNS_LABEL.test(w.name))
      issues.push(`${at}.name "${w.name}" must be a DNS label (it names policies)`);
    if (byName.has(w.name)) issues.push(`${at}.name "${w.name}" is defined twice`);
    else byName.set(w.name, w);
    if (Object.keys(w.selector).length === 0)
      issues.push(`${at}.selector is empty, which would select every pod`);
    if (w.serviceAccount !== undefined && !DNS_LABEL.test(w.serviceAccount))
      issues.push(`${at}.serviceAccount "${w.serviceAccount}" is not a ServiceAccount name`);
    const seen = new Set<number>();
    (w.ports ?? []).forEach((p, j) => {
      if (!validPort(p.port)) issues.push(`${at}.ports[${j}].port ${p.port} must be 1–65535`);
      if (seen.has(p.port)) issues.push(`${at}.ports[${j}].port ${p.port} is declared twice`);
      seen.add(p.port);
      if (!DNS_LABEL.test(p.name) || p.name.length > 15)
        issues.push(`${at}.ports[${j}].name "${p.name}" is not a port name`);
    });
  });
  args.flows.forEach((f, i) => {
    const at = `flows[${i}]`;
    if (typeof f.from === "string" && f.from !== "any" && !byName.has(f.from))
      issues.push(`${at}.from names unknown workload "${f.from}"`);
    if (typeof f.from !== "string" && !("plaintext" in f.from)) {
      if (!DNS_LABEL.test(f.from.namespace))
        issues.push(`${at}.from.namespace "${f.from.namespace}" is not a namespace name`);
      if (!DNS_LABEL.test(f.from.serviceAccount))
        issues.push(`${at}.from.serviceAccount "${f.from.serviceAccount}" is not a ServiceAccount name`);
    }
    const to = byName.get(f.to);
    if (!to) issues.push(`${at}.to names unknown workload "${f.to}"`);
    else if (to.meshed === false)
      issues.push(`${at}.to "${f.to}" is not meshed: the mesh cannot guard it; drop the flow`);
    else if (!(to.ports ?? []).some((p) => p.port === f.port))
      issues.push(`${at}.port ${f.port} is not a port of "${f.to}" (declare it in its ports)`);
  });
  if (
    args.metricsPort !== undefined &&
    !args.workloads.some((w) => (w.ports ?? []).some((p) => p.port === args.metricsPort))
  )
    issues.push(`metricsPort ${args.metricsPort} is not a port of any workload`);
  for (const p of args.opaquePorts ?? []) if (!validPort(p)) issues.push(`opaquePorts: ${p} must be 1–65535`);
  if (args.trustDomain !== undefined && args.trustDomain.trim() === "")
    issues.push("trustDomain must not be empty");
  if (args.istioRevision !== undefined && args.mesh !== "istio")
    issues.push('istioRevision applies only to mesh "istio"');
  if (args.istioRevision !== undefined && !DNS_LABEL.test(args.istioRevision))
    issues.push(`istioRevision "${args.istioRevision}" is not a revision name`);
  if (args.linkerdDefaultInboundPolicy !== undefined && args.mesh !== "linkerd")
    issues.push('linkerdDefaultInboundPolicy applies only to mesh "linkerd"');
  return issues;
}

/** A workload's port protocol with the default applied. */
export function portProtocol(args: ServiceMeshArgs, p: MeshPort): MeshPort["protocol"] {
  return (
    p.protocol ??
    ((args.opaquePorts ?? SERVICE_MESH_DEFAULTS.opaquePorts).includes(p.port) ? "tcp" : undefined)
  );
}

/** Ports of a meshed workload that accept plaintext: the metrics port, and targets of plaintext flows. */
export function plaintextPorts(args: ServiceMeshArgs, w: MeshWorkload): number[] {
  const ports = new Set<number>();
  if (args.metricsPort !== undefined && (w.ports ?? []).some((p) => p.port === args.metricsPort))
    ports.add(args.metricsPort);
  for (const f of args.flows) if (f.to === w.name && isPlaintextSource(args, f.from)) ports.add(f.port);
  return [...ports].sort((a, b) => a - b);
}

/** The meshed identities allowed on one port of a workload ("any" = every meshed client). */
export function meshedSources(
  args: ServiceMeshArgs,
  w: MeshWorkload,
  port: number,
): ({ namespace: string; serviceAccount: string } | "any")[] {
  const out: ({ namespace: string; serviceAccount: string } | "any")[] = [];
  for (const f of args.flows) {
    if (f.to !== w.name || f.port !== port || isPlaintextSource(args, f.from)) continue;
    if (f.from === "any") out.push("any");
    else if (typeof f.from === "string") {
      const src = args.workloads.find((x) => x.name === f.from)!;
      out.push({ namespace: args.namespace, serviceAccount: src.serviceAccount ?? src.name });
    } else if (!("plaintext" in f.from))
      out.push({ namespace: f.from.namespace, serviceAccount: f.from.serviceAccount });
  }
  return out;
}
