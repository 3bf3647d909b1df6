import { type KubeObject, podTemplates, selects } from "./objects.js";

/**
 * What a service mesh enforces, read from rendered Istio (security.istio.io) and Linkerd
 * (policy.linkerd.io) objects: whether a client may open a port on a meshed pod. Independent of the
 * code that renders the objects, so tests can hold the mesh against the NetworkPolicies.
 */

/** A client: its mTLS identity, or none (a pod off the mesh, the kubelet, a load balancer). */
export interface MeshClient {
  readonly identity?: { readonly namespace: string; readonly serviceAccount: string };
}

type Labels = Record<string, string>;
interface Meta {
  name: string;
  namespace?: string;
}
interface IstioPeerAuthentication {
  metadata: Meta;
  spec: {
    selector?: { matchLabels: Labels };
    mtls?: { mode: string };
    portLevelMtls?: Record<string, { mode: string }>;
  };
}
interface IstioAuthorizationPolicy {
  metadata: Meta;
  spec: {
    selector?: { matchLabels: Labels };
    action?: string;
    rules?: {
      from?: { source: { principals?: string[] } }[];
      to?: { operation: { ports?: string[] } }[];
    }[];
  };
}

const istio = (objects: readonly KubeObject[], kind: string) =>
  objects.filter((o) => o.kind === kind && o.apiVersion.startsWith("security.istio.io/"));

/** The mTLS mode Istio applies to a pod's port: the most specific PeerAuthentication wins. */
export function istioMtlsMode(objects: readonly KubeObject[], pod: Labels, port: number): string {
  const pas = istio(objects, "PeerAuthentication") as unknown as IstioPeerAuthentication[];
  const own = pas.filter((p) => p.spec.selector && selects(p.spec.selector.matchLabels, pod));
  for (const p of own) {
    const m = p.spec.portLevelMtls?.[String(port)]?.mode;
    if (m) return m;
  }
  const workload = own.find((p) => p.spec.mtls)?.spec.mtls?.mode;
  if (workload && workload !== "UNSET") return workload;
  return pas.find((p) => !p.spec.selector)?.spec.mtls?.mode ?? "PERMISSIVE";
}

function principalOf(client: MeshClient, trustDomain: string): string | undefined {
  const id = client.identity;
  return id ? `${trustDomain}/ns/${id.namespace}/sa/${id.serviceAccount}` : undefined;
}

/** Whether Istio lets `client` open `port` on a pod with `pod` labels (mTLS mode, then ALLOW policies). */
export function istioAllows(
  objects: readonly KubeObject[],
  client: MeshClient,
  pod: Labels,
  port: number,
  trustDomain = "cluster.local",
): boolean {
  const mode = istioMtlsMode(objects, pod, port);
  if (mode === "STRICT" && !client.identity) return false;
  const allow = (istio(objects, "AuthorizationPolicy") as unknown as IstioAuthorizationPolicy[]).filter(
    (p) =>
      (p.spec.action ?? "ALLOW") === "ALLOW" &&
      (!p.spec.selector || selects(p.spec.selector.matchLabels, pod)),
  );
  // No ALLOW policy applies: Istio allows everything.
  if (allow.length === 0) return true;
  const principal = principalOf(client, trustDomain);
  return allow.some((p) =>
    (p.spec.rules ?? []).some(
      (r) =>
        (r.to ?? []).some((t) => (t.operation.ports ?? [String(port)]).includes(String(port))) &&
        (r.from === undefined ||
          r.from.some((f) =>
            (f.source.principals ?? []).some((x) => (x === "*" ? principal !== undefined : x === principal)),
          )),
    ),
  );
}

interface LinkerdServer {
  metadata: Meta;
  spec: { podSelector: { matchLabels: Labels }; port: number | string; accessPolicy?: string };
}
interface LinkerdRef {
  group?: string;
  kind: string;
  name: string;
  namespace?: string;
}
interface LinkerdAuthorization {
  metadata: Meta;
  spec: { targetRef: LinkerdRef; requiredAuthenticationRefs: LinkerdRef[] };
}

const linkerd = (objects: readonly KubeObject[], kind: string) =>
  objects.filter((o) => o.kind === kind && o.apiVersion.startsWith("policy.linkerd.io/"));

/** Whether one of Linkerd's authentications admits the client. */
function linkerdAuthenticates(objects: readonly KubeObject[], ref: LinkerdRef, client: MeshClient): boolean {
  const target = linkerd(objects, ref.kind).find((o) => o.metadata.name === ref.name) as
    | { spec: Record<string, unknown> }
    | undefined;
  if (!target) return false;
  if (ref.kind === "NetworkAuthentication") {
    const nets = (target.spec.networks as { cidr: string }[] | undefined) ?? [];
    // Only "every address" ranges are rendered here; a narrower range would need the client's IP.
    return nets.some((n) => n.cidr === "0.0.0.0/0" || n.cidr === "::/0");
  }
  const id = client.identity;
  if (!id) return false;
  const identities = (target.spec.identities as string[] | undefined) ?? [];
  if (identities.includes("*")) return true;
  const refs = (target.spec.identityRefs as LinkerdRef[] | undefined) ?? [];
  return refs.some(
    (r) =>
      r.kind === "ServiceAccount" && r.name === id.serviceAccount && (r.namespace ?? "") === id.namespace,
  );
}

/**
 * Whether Linkerd lets `client` open `port` on a pod: a Server describing the port denies unless an
 * AuthorizationPolicy targeting it admits the client; a port no Server describes falls to the
 * namespace's default inbound policy.
 */
export function linkerdAllows(
  objects: readonly KubeObject[],
  client: MeshClient,
  pod: Labels,
  port: number,
  defaultPolicy: string,
): boolean {
  const servers = (linkerd(objects, "Server") as unknown as LinkerdServer[]).filter(
    (s) => Number(s.spec.port) === port && selects(s.spec.podSelector.matchLabels, pod),
  );
  if (servers.length === 0) {
    if (defaultPolicy === "deny") return false;
    if (defaultPolicy.endsWith("-authenticated")) return client.identity !== undefined;
    return true;
  }
  const policies = linkerd(objects, "AuthorizationPolicy") as unknown as LinkerdAuthorization[];
  return servers.some((s) =>
    policies
      .filter((p) => p.spec.targetRef.kind === "Server" && p.spec.targetRef.name === s.metadata.name)
      .some((p) => p.spec.requiredAuthenticationRefs.every((r) => linkerdAuthenticates(objects, r, client))),
  );
}

/** The Linkerd and Istio policy objects among rendered objects. */
export function meshPolicies(objects: readonly KubeObject[]): KubeObject[] {
  return objects.filter(
    (o) => o.apiVersion.startsWith("security.istio.io/") || o.apiVersion.startsWith("policy.linkerd.io/"),
  );
}

/** Workloads allowed off the mesh in an injected namespace, and why. */
export const MESH_EXEMPT: Readonly<Record<string, string>> = {
  "deployment/prometheus":
    "scrapes every metrics port in plaintext, the same path with and without a mesh (docs/security.md)",
};

/** The mesh a namespace is injected for, from its labels (Istio) or annotations (Linkerd). */
export function injectedMesh(ns: KubeObject | undefined): "istio" | "linkerd" | undefined {
  const m = (ns?.metadata ?? {}) as { labels?: Record<string, string>; annotations?: Record<string, string> };
  if (m.labels?.["istio-injection"] === "enabled" || m.labels?.["istio.io/rev"]) return "istio";
  if (m.annotations?.["linkerd.io/inject"] === "enabled") return "linkerd";
  return undefined;
}

/**
 * A namespace the pack config meshes (or that is injected) denies by default and demands mTLS: Istio's
 * namespace-wide STRICT PeerAuthentication and allow-nothing policy, workload PeerAuthentications only
 * relaxing named ports; Linkerd's default-deny annotation and deny-by-default Servers. No pod opts out
 * of the mesh unless listed in MESH_EXEMPT.
 */
export function meshViolations(objects: readonly KubeObject[], wanted: string): string[] {
  const ns = objects.find((o) => o.kind === "Namespace");
  const name = ns?.metadata.name ?? "namespace";
  const mesh = injectedMesh(ns);
  if (!mesh)
    return wanted === "none"
      ? []
      : [
          `namespace ${name}: the policy config (mesh-default-deny.mesh) asks for mesh ${wanted}, but the namespace is not injected`,
        ];
  const out: string[] = [];
  if (mesh === "istio") {
    const pas = istio(objects, "PeerAuthentication") as unknown as IstioPeerAuthentication[];
    if (!pas.some((p) => !p.spec.selector && p.spec.mtls?.mode === "STRICT"))
      out.push(`namespace ${name}: no namespace-wide STRICT PeerAuthentication`);
    for (const p of pas.filter((x) => x.spec.selector && x.spec.mtls?.mode !== "STRICT"))
      out.push(
        `PeerAuthentication ${p.metadata.name}: workload mode ${p.spec.mtls?.mode ?? "unset"}, not STRICT`,
      );
    const aps = istio(objects, "AuthorizationPolicy") as unknown as IstioAuthorizationPolicy[];
    if (
      !aps.some(
        (p) =>
          !p.spec.selector && (p.spec.rules ?? []).length === 0 && (p.spec.action ?? "ALLOW") === "ALLOW",
      )
    )
      out.push(`namespace ${name}: no namespace-wide allow-nothing AuthorizationPolicy`);
  } else {
    const ann = (ns!.metadata as { annotations?: Record<string, string> }).annotations ?? {};
    if (ann["config.linkerd.io/default-inbound-policy"] !== "deny")
      out.push(`namespace ${name}: Linkerd's default inbound policy is not deny`);
    for (const s of linkerd(objects, "Server") as unknown as LinkerdServer[])
      if ((s.spec.accessPolicy ?? "deny") !== "deny")
        out.push(`Server ${s.metadata.name}: accessPolicy ${s.spec.accessPolicy}`);
  }
  for (const pod of podTemplates(objects)) {
    const meta = templateMeta(pod.object);
    const off =
      meta.labels?.["sidecar.istio.io/inject"] === "false" ||
      meta.annotations?.["linkerd.io/inject"] === "disabled";
    if (off && !(pod.workload in MESH_EXEMPT)) out.push(`${pod.workload}: opts out of the mesh`);
  }
  return out;
}

type TemplateMeta = { labels?: Record<string, string>; annotations?: Record<string, string> };
function templateMeta(o: KubeObject): TemplateMeta {
  const spec = o.spec as {
    template?: { metadata?: TemplateMeta };
    jobTemplate?: { spec: { template: { metadata?: TemplateMeta } } };
  };
  return (spec.template ?? spec.jobTemplate?.spec.template)?.metadata ?? {};
}
