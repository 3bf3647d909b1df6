import type { MeshFlow, MeshWorkload, ServiceMeshArgs } from "../../../../infra/index.js";

/** The prod app tier as the NetworkPolicies see it (CloudNativePG with a pooler, in-cluster Redis). */
export const WORKLOADS: MeshWorkload[] = [
  {
    name: "mcp-backend",
    selector: { app: "mcp-backend" },
    ports: [
      { name: "http", port: 3000, protocol: "http" },
      { name: "metrics", port: 9464, protocol: "http" },
    ],
  },
  {
    name: "postgres-pooler",
    selector: { "cnpg.io/poolerName": "postgres-pooler" },
    ports: [{ name: "pgbouncer", port: 5432 }],
  },
  {
    name: "postgres-instances",
    selector: { "cnpg.io/cluster": "postgres", "cnpg.io/podRole": "instance" },
    serviceAccount: "postgres",
    ports: [
      { name: "postgresql", port: 5432 },
      { name: "status", port: 8000 },
      { name: "metrics", port: 9187, protocol: "http" },
    ],
  },
  {
    name: "redis",
    selector: { app: "redis" },
    ports: [
      { name: "redis", port: 6379 },
      { name: "metrics", port: 9121, protocol: "http" },
    ],
  },
  { name: "prometheus", selector: { "app.kubernetes.io/name": "prometheus" }, meshed: false },
];

export const FLOWS: MeshFlow[] = [
  { from: "any", to: "mcp-backend", port: 3000 },
  { from: "mcp-backend", to: "postgres-pooler", port: 5432 },
  { from: "postgres-pooler", to: "postgres-instances", port: 5432 },
  { from: "postgres-instances", to: "postgres-instances", port: 5432 },
  { from: "postgres-instances", to: "postgres-instances", port: 8000 },
  // The operator runs off the mesh in cnpg-system.
  { from: { name: "cnpg-operator", plaintext: true }, to: "postgres-instances", port: 8000 },
  { from: "mcp-backend", to: "redis", port: 6379 },
  { from: "prometheus", to: "postgres-instances", port: 9187 },
  { from: "prometheus", to: "redis", port: 9121 },
  // A meshed client in another namespace.
  {
    from: { name: "ingress", namespace: "ingress-nginx", serviceAccount: "ingress-nginx" },
    to: "mcp-backend",
    port: 3000,
  },
];

export const meshArgs = (
  mesh: ServiceMeshArgs["mesh"],
  extra: Partial<ServiceMeshArgs> = {},
): ServiceMeshArgs => ({
  mesh,
  namespace: "production",
  workloads: WORKLOADS,
  flows: FLOWS,
  metricsPort: 9464,
  ...extra,
});
