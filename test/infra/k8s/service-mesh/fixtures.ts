import type { Flow, PodGroup, ServiceMeshArgs } from "../../../../infra/index.js";

/** The prod app tier in the flow model (CloudNativePG with a pooler, in-cluster Redis, Prometheus off the mesh). */
export const GROUPS: PodGroup[] = [
  { name: "mcp-backend", selector: { app: "mcp-backend" } },
  { name: "postgres-pooler", selector: { "cnpg.io/poolerName": "postgres-pooler" } },
  {
    name: "postgres-instances",
    selector: { "cnpg.io/cluster": "postgres", "cnpg.io/podRole": "instance" },
    serviceAccount: "postgres",
  },
  { name: "redis", selector: { app: "redis" } },
  { name: "prometheus", selector: { "app.kubernetes.io/name": "prometheus" }, owned: false, meshed: false },
];

export const FLOWS: Flow[] = [
  { from: "any", to: "mcp-backend", port: 3000 },
  { from: "mcp-backend", to: "postgres-pooler", port: 5432 },
  { from: "postgres-pooler", to: "postgres-instances", port: 5432 },
  { from: "postgres-instances", to: "postgres-instances", port: 5432 },
  { from: "postgres-instances", to: "postgres-instances", port: 8000 },
  // The operator runs off the mesh in cnpg-system.
  {
    fromExternal: {
      name: "cnpg-operator",
      namespaceSelector: { "kubernetes.io/metadata.name": "cnpg-system" },
    },
    to: "postgres-instances",
    port: 8000,
  },
  { from: "mcp-backend", to: "redis", port: 6379 },
  { from: "prometheus", to: "mcp-backend", port: 9464 },
  { from: "prometheus", to: "postgres-instances", port: 9187 },
  { from: "prometheus", to: "redis", port: 9121 },
  // Egress out of the namespace and UDP are the NetworkPolicies' alone.
  { from: "mcp-backend", toExternal: { name: "internet-https", cidr: "0.0.0.0/0" }, port: 443 },
  { from: "mcp-backend", to: "redis", port: 6831, protocol: "UDP" },
];

export const meshArgs = (
  mesh: ServiceMeshArgs["mesh"],
  extra: Partial<ServiceMeshArgs> = {},
): ServiceMeshArgs => ({ mesh, namespace: "production", groups: GROUPS, flows: FLOWS, ...extra });
