import { beforeAll, describe, expect, it } from "vitest";
import { istioAllows, linkerdAllows, type MeshClient } from "../../../policy/rules/mesh.js";
import { type Endpoint, reaches } from "../../../policy/rules/network.js";
import { RENDER_CONFIG, renderObjects } from "../../../stacks/kubernetes/render.js";
import { find, podTemplates, type RenderedObject, rendered } from "./rendered-objects.js";

/**
 * Required flows: the connections the engines make at run time, each written down from the engine's
 * own source (cited beside it), held against prod's rendered NetworkPolicies (and the mesh's policies)
 * by a walk that knows nothing of the flow model. What is proven is the policy objects against the
 * engines' documented behaviour; no CNI enforces anything here.
 */

const NS = "production";
type Mesh = "linkerd" | "istio";

interface Pod {
  readonly name: string;
  readonly labels: Record<string, string>;
  readonly serviceAccount: string;
  readonly meshed: boolean;
}

// CloudNativePG's pods, labelled as the operator labels them (cloudnative-pg pkg/utils/labels_annotations.go;
// instances: pkg/specs/pods.go; Poolers: pkg/specs/pgbouncer/deployments.go; Jobs: pkg/specs/jobs.go
// CreatePrimaryJob, which sets cnpg.io/jobRole and no cnpg.io/podRole, and runs the Job as the cluster's
// ServiceAccount). postgres-1 is the primary, postgres-2 a replica.
const instance = (n: number): Pod => ({
  name: `postgres-${n}`,
  labels: {
    "cnpg.io/cluster": "postgres",
    "cnpg.io/podRole": "instance",
    "cnpg.io/instanceName": `postgres-${n}`,
  },
  serviceAccount: "postgres",
  meshed: true,
});
const PRIMARY = instance(1);
const REPLICA = instance(2);
const pooler = (name: string): Pod => ({
  name,
  labels: { "cnpg.io/cluster": "postgres", "cnpg.io/podRole": "pooler", "cnpg.io/poolerName": name },
  serviceAccount: name,
  meshed: true,
});
const POOLER = pooler("postgres-pooler");
const RO_POOLER = pooler("postgres-pooler-ro");
const job = (role: string, n: number): Pod => ({
  name: `postgres-${n}-${role}`,
  labels: {
    "cnpg.io/cluster": "postgres",
    "cnpg.io/jobRole": role,
    "cnpg.io/instanceName": `postgres-${n}`,
    "app.kubernetes.io/name": "postgresql",
    "app.kubernetes.io/instance": "postgres",
    "app.kubernetes.io/component": "database",
    "app.kubernetes.io/managed-by": "cloudnative-pg",
  },
  serviceAccount: "postgres",
  meshed: true,
});
const INITDB = job("initdb", 1);
const JOIN = job("join", 2);
const RECOVERY = job("full-recovery", 1);
const CNPG_PODS = [PRIMARY, REPLICA, POOLER, RO_POOLER, INITDB, JOIN, RECOVERY];

/** CoreDNS's pods (kubernetes cluster/addons/dns/coredns/coredns.yaml.base: `k8s-app: kube-dns`). */
const KUBE_DNS: Endpoint = { namespace: "kube-system", labels: { "k8s-app": "kube-dns" } };
/** NodeLocal DNSCache's default listen address (kubernetes cluster/addons/dns/nodelocaldns/README.md). */
const NODE_LOCAL_DNS: Endpoint = { ip: "169.254.20.10" };
/** An API server endpoint (the `kubernetes` Service's address is the node's, not a pod's). */
const API_SERVER: Endpoint = { ip: "10.0.0.1" };
/** An S3 endpoint of the object store. */
const OBJECT_STORE: Endpoint = { ip: "52.216.0.1" };
/** The operator (cloudnative-pg chart: `app.kubernetes.io/name: cloudnative-pg` in cnpg-system). */
const CNPG_OPERATOR: Endpoint = {
  namespace: "cnpg-system",
  labels: { "app.kubernetes.io/name": "cloudnative-pg" },
};

/**
 * Linkerd's control plane pods (linkerd2 charts/linkerd-control-plane/templates/identity.yaml and
 * destination.yaml: `linkerd.io/control-plane-component`), and the ports each proxy dials
 * (charts/partials/templates/_proxy.tpl: identity 8080, destination 8086, policy 8090).
 */
const LINKERD_CONTROL_PLANE: [Endpoint, number][] = [
  [{ namespace: "linkerd", labels: { "linkerd.io/control-plane-component": "identity" } }, 8080],
  [{ namespace: "linkerd", labels: { "linkerd.io/control-plane-component": "destination" } }, 8086],
  [{ namespace: "linkerd", labels: { "linkerd.io/control-plane-component": "destination" } }, 8090],
];
/**
 * istiod (istio manifests/charts/istio-control/istio-discovery/templates/deployment.yaml pod labels
 * `app: istiod`, `istio: pilot`; configmap.yaml discoveryAddress `istiod.<ns>.svc:15012`).
 */
const ISTIOD: [Endpoint, number][] = [
  [{ namespace: "istio-system", labels: { app: "istiod", istio: "pilot" } }, 15012],
];
/**
 * Linkerd's proxy sends a meshed connection to the peer proxy's inbound port 4143 with the chart's
 * default `proxy.outboundTransportMode: transport-header` (linkerd2 charts/linkerd-control-plane/
 * values.yaml; controller/api/destination/endpoint_translator.go createWeightedAddr); Istio's sidecars
 * capture inbound traffic inside the pod (tools/istio-iptables/pkg/capture/run.go), so the
 * NetworkPolicy sees the original port.
 */
const ARRIVES_ON: Record<Mesh, (port: number) => number> = { linkerd: () => 4143, istio: (port) => port };

const pod = (p: Pod): Endpoint => ({ namespace: NS, labels: p.labels });

function stackPods(objects: readonly RenderedObject[]): Pod[] {
  return podTemplates(objects).map((t) => {
    const meta = (
      t.object.spec as {
        template?: { metadata?: { labels?: Record<string, string>; annotations?: Record<string, string> } };
      }
    ).template?.metadata;
    const off =
      meta?.labels?.["sidecar.istio.io/inject"] === "false" ||
      meta?.annotations?.["linkerd.io/inject"] === "disabled";
    return {
      name: t.workload,
      labels: t.labels,
      serviceAccount: t.spec.serviceAccountName ?? "default",
      meshed: !off,
    };
  });
}

const byName = (pods: Pod[], name: string) => {
  const p = pods.find((x) => x.name === name);
  if (!p) throw new Error(`${name} not rendered`);
  return p;
};

function meshAdmits(
  mesh: Mesh,
  objects: readonly RenderedObject[],
  src: Pod,
  dst: Pod,
  port: number,
): boolean {
  const client: MeshClient = { identity: { namespace: NS, serviceAccount: src.serviceAccount } };
  if (mesh === "istio") return istioAllows(objects, client, dst.labels, port);
  const ns = find(objects, "Namespace", NS).metadata as unknown as { annotations: Record<string, string> };
  return linkerdAllows(
    objects,
    client,
    dst.labels,
    port,
    ns.annotations["config.linkerd.io/default-inbound-policy"]!,
  );
}

describe.each(["linkerd", "istio"] as const)("prod with mesh %s: the flows the engines need", (mesh) => {
  let objects: RenderedObject[];
  let pods: Pod[];
  beforeAll(async () => {
    // prod's committed render is Linkerd's (rendered/prod); Istio is the same stack with `--set mesh=istio`.
    objects =
      mesh === "linkerd"
        ? await rendered("prod")
        : await renderObjects("prod", { ...RENDER_CONFIG.prod, mesh });
    pods = [...stackPods(objects), ...CNPG_PODS];
  });

  it("lets every pod, the operator's Jobs included, look names up: kube-system's DNS and NodeLocal DNSCache", () => {
    const missing: string[] = [];
    for (const p of pods)
      for (const [to, label] of [
        [KUBE_DNS, "kube-dns"],
        [NODE_LOCAL_DNS, "169.254.20.10"],
      ] as const)
        for (const proto of ["UDP", "TCP"])
          if (!reaches(objects, NS, pod(p), to, 53, proto)) missing.push(`${p.name} -> ${label}:53/${proto}`);
    expect(missing).toEqual([]);
  });

  it("lets every meshed pod reach its mesh's control plane", () => {
    const plane = mesh === "linkerd" ? LINKERD_CONTROL_PLANE : ISTIOD;
    const missing: string[] = [];
    for (const p of pods.filter((x) => x.meshed))
      for (const [to, port] of plane)
        if (!reaches(objects, NS, pod(p), to, port)) missing.push(`${p.name} -> ${to.namespace}:${port}`);
    expect(pods.filter((x) => x.meshed).length).toBeGreaterThan(8);
    expect(missing).toEqual([]);
  });

  it("carries meshed connections to the port they arrive on, and the mesh admits them on the original port", () => {
    const app = byName(pods, "deployment/mcp-backend");
    const required: [Pod, Pod, number][] = [
      [app, POOLER, 5432],
      [app, RO_POOLER, 5432],
      [app, byName(pods, "statefulset/redis"), 6379],
      [app, byName(pods, "deployment/otel-collector"), 4317],
      [POOLER, PRIMARY, 5432],
      [RO_POOLER, REPLICA, 5432],
      // A replica streams WAL from the primary (CloudNativePG's primary_conninfo), and reads its status.
      [REPLICA, PRIMARY, 5432],
      [REPLICA, PRIMARY, 8000],
      // A join Job clones the primary with pg_basebackup (pkg/management/postgres/join.go ClonePgData).
      [JOIN, PRIMARY, 5432],
    ];
    const missing: string[] = [];
    for (const [src, dst, port] of required) {
      const wire = ARRIVES_ON[mesh](port);
      if (!reaches(objects, NS, pod(src), pod(dst), wire))
        missing.push(`${src.name} -> ${dst.name}:${wire} (${port})`);
      if (!meshAdmits(mesh, objects, src, dst, port))
        missing.push(`mesh refuses ${src.name} -> ${dst.name}:${port}`);
    }
    expect(missing).toEqual([]);
  });

  it("lets the operator's Jobs and every cluster pod reach the API server, and recovery the object store", () => {
    // initdb, join and the recovery read the Cluster from the API server first
    // (internal/cmd/manager/instance/join/cmd.go: "Download the cluster definition from the API server").
    const missing: string[] = [];
    for (const p of [PRIMARY, POOLER, INITDB, JOIN, RECOVERY])
      for (const port of [443, 6443])
        if (!reaches(objects, NS, pod(p), API_SERVER, port)) missing.push(`${p.name} -> api:${port}`);
    if (!reaches(objects, NS, pod(RECOVERY), OBJECT_STORE, 443))
      missing.push("full-recovery -> object store:443");
    if (!reaches(objects, NS, pod(PRIMARY), OBJECT_STORE, 443)) missing.push("primary -> object store:443");
    expect(missing).toEqual([]);
  });

  it("lets the operator reach the instance manager's status port, and gives nothing else from outside", () => {
    // pkg/management/url/url.go StatusPort 8000; the operator's calls: webserver/client/remote/instance.go.
    expect(reaches(objects, NS, CNPG_OPERATOR, pod(PRIMARY), 8000)).toBe(true);
    expect(reaches(objects, NS, CNPG_OPERATOR, pod(PRIMARY), 5432)).toBe(false);
    expect(reaches(objects, NS, { namespace: "default", labels: {} }, pod(INITDB), 5432)).toBe(false);
    expect(reaches(objects, NS, pod(INITDB), pod(byName(pods, "deployment/mcp-backend")), 8000)).toBe(false);
  });

  it("keeps the data plane's ports to the mesh's peers", () => {
    const app = byName(pods, "deployment/mcp-backend");
    const redis = byName(pods, "statefulset/redis");
    const wire = ARRIVES_ON[mesh](6379);
    // Redis calls nobody; the app is reached on its own port from outside the mesh, not on the tunnel.
    expect(reaches(objects, NS, pod(redis), pod(app), 4143)).toBe(false);
    expect(reaches(objects, NS, pod(INITDB), pod(redis), wire)).toBe(false);
    expect(reaches(objects, NS, pod(app), { namespace: "linkerd", labels: {} }, 9999)).toBe(false);
  });
});
