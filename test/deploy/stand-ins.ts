import { readdirSync } from "node:fs";
import { join } from "node:path";
import { LINKERD_POLICY_API_VERSION, LINKERD_SERVER_API_VERSION } from "../../infra/k8s/service-mesh/crds.js";
import { enginePath } from "../../scripts/engines/build.js";
import type { Deployment } from "./harness.js";

/**
 * What the local control plane lacks and prod needs, each said for what it is.
 *
 * - The operators' CRDs: CloudNativePG's and the Barman Cloud plugin's are their releases' own files
 *   (engines/crds, from the Go modules). Linkerd's are Helm templates of linkerd/linkerd2, which has no
 *   module on the Go proxy: stand-in CRDs with the same group, version, kind and scope accept any body, so
 *   the API server checks where the objects go, not their fields (infra/k8s/service-mesh/crds.ts holds
 *   the fields against upstream's templates).
 * - A cloud's LoadBalancer controller and the CloudNativePG operator do not run here (no cloud, no real
 *   pods). Loops below write the status those controllers would write, and nothing else, so the
 *   provider's real awaits (Service ingress, `pulumi.com/waitFor`) have something to wait for.
 */
export function applyOperatorCrds(d: Deployment): void {
  const dir = join(enginePath("crds"));
  for (const file of readdirSync(dir).sort()) {
    // Server-side: CloudNativePG's Cluster CRD is larger than client-side apply's annotation allows.
    d.kubectl(["apply", "--server-side", "-f", join(dir, file)]);
  }
  const [group, serverVersion] = LINKERD_SERVER_API_VERSION.split("/") as [string, string];
  const policyVersion = LINKERD_POLICY_API_VERSION.split("/")[1]!;
  const linkerd = [
    ["Server", "servers", serverVersion],
    ["AuthorizationPolicy", "authorizationpolicies", policyVersion],
    ["MeshTLSAuthentication", "meshtlsauthentications", policyVersion],
    ["NetworkAuthentication", "networkauthentications", policyVersion],
  ].map(([kind, plural, version]) => ({
    apiVersion: "apiextensions.k8s.io/v1",
    kind: "CustomResourceDefinition",
    metadata: { name: `${plural}.${group}`, labels: { "mcp-stack.test/stand-in": "linkerd-crds" } },
    spec: {
      group,
      scope: "Namespaced",
      names: { kind, plural, singular: kind!.toLowerCase(), listKind: `${kind}List` },
      versions: [
        {
          name: version,
          served: true,
          storage: true,
          schema: { openAPIV3Schema: { type: "object", "x-kubernetes-preserve-unknown-fields": true } },
        },
      ],
    },
  }));
  d.kubectl(["apply", "-f", "-"], JSON.stringify({ apiVersion: "v1", kind: "List", items: linkerd }));
  d.kubectl(["wait", "--for=condition=Established", "crd", "--all", "--timeout=60s"]);
}

/** Runs the controllers' status writers until stopped. */
export function startControllerStandIns(d: Deployment, namespace: string): () => Promise<void> {
  let stopped = false;
  const loop = (async () => {
    while (!stopped) {
      try {
        standInOnce(d, namespace);
      } catch {
        // The namespace or CRD may not exist yet: try again on the next tick.
      }
      await new Promise((r) => setTimeout(r, 1000));
    }
  })();
  return async () => {
    stopped = true;
    await loop;
  };
}

interface Item {
  metadata: { name: string };
  spec?: { type?: string; instances?: number };
  status?: {
    loadBalancer?: { ingress?: unknown[] };
    conditions?: { type: string; status: string }[];
    instances?: number;
  };
}

function list(d: Deployment, kind: string, namespace: string): Item[] {
  return (JSON.parse(d.kubectl(["get", kind, "-n", namespace, "-o", "json"])) as { items: Item[] }).items;
}

function patchStatus(d: Deployment, kind: string, namespace: string, name: string, status: object): void {
  d.kubectl([
    "patch",
    kind,
    name,
    "-n",
    namespace,
    "--subresource=status",
    "--type=merge",
    "-p",
    JSON.stringify({ status }),
  ]);
}

function standInOnce(d: Deployment, namespace: string): void {
  // A cloud controller gives a LoadBalancer Service an address (TEST-NET-3, never routable).
  for (const svc of list(d, "services", namespace)) {
    if (svc.spec?.type === "LoadBalancer" && !svc.status?.loadBalancer?.ingress?.length) {
      patchStatus(d, "service", namespace, svc.metadata.name, {
        loadBalancer: { ingress: [{ ip: "203.0.113.10" }] },
      });
    }
  }
  // CloudNativePG reports a Cluster Ready once its instances are (pkg/utils: ConditionClusterReady).
  for (const cluster of list(d, "clusters.postgresql.cnpg.io", namespace)) {
    if (!cluster.status?.conditions?.some((c) => c.type === "Ready" && c.status === "True")) {
      patchStatus(d, "clusters.postgresql.cnpg.io", namespace, cluster.metadata.name, {
        phase: "Cluster in healthy state",
        instances: cluster.spec?.instances ?? 1,
        readyInstances: cluster.spec?.instances ?? 1,
        conditions: [
          {
            type: "Ready",
            status: "True",
            reason: "ClusterIsReady",
            message: "stand-in",
            lastTransitionTime: new Date().toISOString(),
          },
        ],
      });
    }
  }
  for (const pooler of list(d, "poolers.postgresql.cnpg.io", namespace)) {
    if (pooler.status?.instances !== (pooler.spec?.instances ?? 1)) {
      patchStatus(d, "poolers.postgresql.cnpg.io", namespace, pooler.metadata.name, {
        instances: pooler.spec?.instances ?? 1,
      });
    }
  }
}
