import { beforeAll, describe, expect, it } from "vitest";
import { ISTIO_HBONE_PORT, LINKERD_PROXY_INBOUND_PORT } from "../../../infra/index.js";
import { violations } from "../../../policy/rules/index.js";
import {
  istioAllows,
  istioMtlsMode,
  linkerdAllows,
  type MeshClient,
  meshPolicies,
  meshViolations,
} from "../../../policy/rules/mesh.js";
import {
  allowed,
  type NetworkPolicySpec,
  networkPolicies,
  peerMatches,
  portMatches,
} from "../../../policy/rules/network.js";
import { RENDER_CONFIG, renderObjects } from "../../../stacks/kubernetes/render.js";
import { validateKubeObject } from "../../helpers/kube-schema.js";
import { find, podTemplates, type RenderedObject, selects } from "./rendered-objects.js";

/**
 * The mesh variants of staging (statefulset Postgres, backups, Jaeger) and prod (CloudNativePG behind
 * Poolers, the collector), rendered as `npm run render -- <env> --set mesh=<mesh>` renders them, and
 * held against the NetworkPolicies of the same render: the mesh must allow every connection the
 * NetworkPolicies allow, demand mTLS wherever every allowed client is meshed, and nothing else.
 */

type Env = "staging" | "prod";
type Mesh = "istio" | "linkerd";
const NAMESPACE: Record<Env, string> = { staging: "staging", prod: "production" };

const renders = new Map<string, RenderedObject[]>();
const render = (env: Env, mesh: Mesh | "none") => renders.get(`${env}/${mesh}`)!;
beforeAll(async () => {
  // One mock run at a time: the SDK's mocks are process-global.
  for (const env of ["staging", "prod"] as const)
    for (const mesh of ["none", "istio", "linkerd"] as const)
      renders.set(`${env}/${mesh}`, await renderObjects(env, { ...RENDER_CONFIG[env], mesh }));
});

interface Pod {
  readonly name: string;
  readonly labels: Record<string, string>;
  readonly serviceAccount: string;
  readonly meshed: boolean;
}

/** CloudNativePG's pods (no template in the render): their labels and the accounts the operator gives them. */
const CNPG_PODS: Pod[] = [
  {
    name: "postgres-1",
    labels: {
      "cnpg.io/cluster": "postgres",
      "cnpg.io/podRole": "instance",
      "cnpg.io/instanceName": "postgres-1",
    },
    serviceAccount: "postgres",
    meshed: true,
  },
  {
    name: "postgres-2",
    labels: {
      "cnpg.io/cluster": "postgres",
      "cnpg.io/podRole": "instance",
      "cnpg.io/instanceName": "postgres-2",
    },
    serviceAccount: "postgres",
    meshed: true,
  },
  {
    // The operator's join Job: cnpg.io/jobRole, no podRole, the cluster's ServiceAccount (pkg/specs/jobs.go).
    name: "postgres-2-join",
    labels: {
      "cnpg.io/cluster": "postgres",
      "cnpg.io/jobRole": "join",
      "cnpg.io/instanceName": "postgres-2",
    },
    serviceAccount: "postgres",
    meshed: true,
  },
  ...["postgres-pooler", "postgres-pooler-ro"].map((p) => ({
    name: p,
    labels: { "cnpg.io/cluster": "postgres", "cnpg.io/podRole": "pooler", "cnpg.io/poolerName": p },
    serviceAccount: p,
    meshed: true,
  })),
];

type Template = { metadata?: { labels?: Record<string, string>; annotations?: Record<string, string> } };
function templateOf(o: RenderedObject): Template {
  const spec = o.spec as { template?: Template; jobTemplate?: { spec: { template: Template } } };
  return spec.template ?? spec.jobTemplate!.spec.template;
}

/** Every pod of the render, meshed unless its template opts out (Istio's label, Linkerd's annotation). */
function pods(objects: readonly RenderedObject[], env: Env): Pod[] {
  const own = podTemplates(objects).map((p) => {
    const meta = templateOf(p.object as RenderedObject).metadata ?? {};
    const optOut =
      meta.labels?.["sidecar.istio.io/inject"] === "false" ||
      meta.annotations?.["linkerd.io/inject"] === "disabled";
    return {
      name: p.workload,
      labels: p.labels,
      serviceAccount: p.spec.serviceAccountName!,
      meshed: !optOut,
    };
  });
  return env === "prod" ? [...own, ...CNPG_PODS] : own;
}

/**
 * Ports of the proxies themselves: a meshed connection arrives on them (Linkerd's inbound port, Istio's
 * HBONE) carrying its original port, which is the one the mesh authorizes (test/stacks/kubernetes/
 * engine-flows.test.ts holds them against the engines' sources).
 */
const TUNNEL_PORTS: readonly number[] = [LINKERD_PROXY_INBOUND_PORT, ISTIO_HBONE_PORT];

/** Every application port some NetworkPolicy names. */
function policyPorts(objects: readonly RenderedObject[]): number[] {
  const ports = networkPolicies(objects).flatMap((p) =>
    [...(p.ingress ?? []), ...(p.egress ?? [])].flatMap((r) => (r.ports ?? []).map((x) => x.port)),
  );
  return [...new Set(ports)].filter((p) => !TUNNEL_PORTS.includes(p)).sort((a, b) => a - b);
}

/**
 * Ports of `dst` the NetworkPolicies open to a client off the mesh: to anyone (no `from`), to
 * Prometheus, or to another namespace's pods (an operator, the Operator's Prometheus).
 */
function offMeshPorts(objects: readonly RenderedObject[], dst: Pod, offMesh: Pod[]): number[] {
  const ingress = (networkPolicies(objects) as (NetworkPolicySpec & { policyTypes: string[] })[]).filter(
    (p) => p.policyTypes.includes("Ingress") && selects(p.podSelector.matchLabels, dst.labels),
  );
  return policyPorts(objects).filter((port) =>
    ingress.some((p) =>
      (p.ingress ?? []).some(
        (r) =>
          portMatches(r, port, "TCP") &&
          (r.from === undefined ||
            r.from.some((f) => f.namespaceSelector !== undefined) ||
            offMesh.some((o) => peerMatches(r.from, o.labels))),
      ),
    ),
  );
}

function meshAllows(
  mesh: Mesh,
  objects: readonly RenderedObject[],
  env: Env,
  c: MeshClient,
  dst: Pod,
  port: number,
) {
  if (mesh === "istio") return istioAllows(objects, c, dst.labels, port);
  const ns = find(objects, "Namespace", NAMESPACE[env]).metadata as unknown as {
    annotations: Record<string, string>;
  };
  return linkerdAllows(
    objects,
    c,
    dst.labels,
    port,
    ns.annotations["config.linkerd.io/default-inbound-policy"]!,
  );
}

describe.each(["staging", "prod"] as const)("%s with a mesh", (env) => {
  it("renders no mesh object, label or annotation with mesh: none", () => {
    const objects = render(env, "none");
    expect(meshPolicies(objects)).toEqual([]);
    const ns = find(objects, "Namespace", NAMESPACE[env]).metadata as unknown as {
      labels: object;
      annotations?: object;
    };
    expect(JSON.stringify(ns)).not.toMatch(/istio|linkerd/);
    expect(JSON.stringify(objects)).not.toMatch(/sidecar\.istio\.io|linkerd\.io\/inject/);
  });

  describe.each(["istio", "linkerd"] as const)("%s", (mesh) => {
    let objects: RenderedObject[];
    let all: Pod[];
    beforeAll(() => {
      objects = render(env, mesh);
      all = pods(objects, env);
    });
    const client = (p: Pod): MeshClient =>
      p.meshed ? { identity: { namespace: NAMESPACE[env], serviceAccount: p.serviceAccount } } : {};

    it("renders only objects valid against the mesh's schemas and the Kubernetes OpenAPI", () => {
      expect(meshPolicies(objects).length).toBeGreaterThan(5);
      for (const o of objects)
        expect(() => validateKubeObject(o), `${o.kind}/${o.metadata.name}`).not.toThrow();
    });

    it("passes the security walk and the mesh's default-deny rule", () => {
      expect(violations(objects, true)).toEqual([]);
      expect(meshViolations(objects, mesh)).toEqual([]);
    });

    it("injects the namespace and keeps only the bundled Prometheus off the mesh", () => {
      const ns = find(objects, "Namespace", NAMESPACE[env]).metadata as unknown as {
        labels: Record<string, string>;
        annotations?: Record<string, string>;
      };
      if (mesh === "istio") expect(ns.labels["istio-injection"]).toBe("enabled");
      else
        expect(ns.annotations).toMatchObject({
          "linkerd.io/inject": "enabled",
          "config.linkerd.io/default-inbound-policy": "deny",
        });
      expect(all.filter((p) => !p.meshed).map((p) => p.name)).toEqual(["deployment/prometheus"]);
    });

    it("allows every connection the NetworkPolicies allow between the namespace's pods", () => {
      const blocked: string[] = [];
      for (const src of all)
        for (const dst of all.filter((p) => p.meshed))
          for (const port of policyPorts(objects))
            if (
              allowed(objects, src.labels, dst.labels, port) &&
              !meshAllows(mesh, objects, env, client(src), dst, port)
            )
              blocked.push(`${src.name} -> ${dst.name}:${port}`);
      expect(blocked).toEqual([]);
    });

    it("demands mTLS from exactly the NetworkPolicies' clients where every client is meshed", () => {
      const offMesh = all.filter((p) => !p.meshed);
      const extra: string[] = [];
      for (const dst of all.filter((p) => p.meshed)) {
        const plaintext = policyPorts(objects).filter((port) =>
          meshAllows(mesh, objects, env, {}, dst, port),
        );
        // Plaintext is accepted on exactly the ports a client off the mesh may reach.
        expect(plaintext, dst.name).toEqual(offMeshPorts(objects, dst, offMesh));
        for (const port of policyPorts(objects).filter((p) => !plaintext.includes(p)))
          for (const src of all.filter((p) => p.meshed))
            if (
              meshAllows(mesh, objects, env, client(src), dst, port) &&
              !allowed(objects, src.labels, dst.labels, port)
            )
              extra.push(`${src.name} -> ${dst.name}:${port}`);
      }
      expect(extra).toEqual([]);
    });

    it("refuses an identity the flows do not name, and a port no flow opens", () => {
      const stranger: MeshClient = { identity: { namespace: NAMESPACE[env], serviceAccount: "default" } };
      const redis = all.find((p) => p.name === "statefulset/redis")!;
      const app = all.find((p) => p.name === "deployment/mcp-backend")!;
      expect(meshAllows(mesh, objects, env, client(app), redis, 6379)).toBe(true);
      expect(meshAllows(mesh, objects, env, stranger, redis, 6379)).toBe(false);
      expect(meshAllows(mesh, objects, env, client(app), redis, 6380)).toBe(false);
      expect(meshAllows(mesh, objects, env, {}, redis, 6379)).toBe(false);
    });

    if (mesh === "istio")
      it("is STRICT namespace-wide; workload policies only relax named ports to PERMISSIVE", () => {
        const pas = objects.filter((o) => o.kind === "PeerAuthentication") as unknown as {
          metadata: { name: string };
          spec: {
            selector?: unknown;
            mtls: { mode: string };
            portLevelMtls?: Record<string, { mode: string }>;
          };
        }[];
        expect(pas.find((p) => !p.spec.selector)?.spec.mtls.mode).toBe("STRICT");
        for (const p of pas) {
          expect(p.spec.mtls.mode, p.metadata.name).toBe("STRICT");
          for (const m of Object.values(p.spec.portLevelMtls ?? {})) expect(m.mode).toBe("PERMISSIVE");
        }
        const redis = all.find((p) => p.name === "statefulset/redis")!;
        expect(istioMtlsMode(objects, redis.labels, 6379)).toBe("STRICT");
        expect(istioMtlsMode(objects, redis.labels, 9121)).toBe("PERMISSIVE");
      });

    if (mesh === "istio")
      it("sets Istio's pod settings where the stack owns the template: probes, metrics, native sidecars", () => {
        const want = {
          "sidecar.istio.io/rewriteAppHTTPProbers": "true",
          "prometheus.istio.io/merge-metrics": "false",
          "sidecar.istio.io/nativeSidecar": "true",
        };
        const owned =
          env === "prod"
            ? ["Deployment/mcp-backend"]
            : ["Deployment/mcp-backend", "StatefulSet/postgres", "CronJob/postgres-backup"];
        for (const id of owned) {
          const [kind, name] = id.split("/") as [string, string];
          expect(templateOf(find(objects, kind, name)).metadata?.annotations, id).toMatchObject(want);
        }
        if (env === "prod") {
          const cluster = find(objects, "Cluster", "postgres").spec as {
            inheritedMetadata: { annotations: Record<string, string> };
          };
          expect(cluster.inheritedMetadata.annotations).toMatchObject(want);
          expect(templateOf(find(objects, "Pooler", "postgres-pooler")).metadata?.annotations).toMatchObject(
            want,
          );
        }
      });
  });
});
