export * from "./app-secrets/component.js";
export * from "./backups/objects.js";
export * from "./cloud-native-pg-database/index.js";
export {
  EnvironmentNamespace,
  type EnvironmentNamespaceArgs,
  PodSecurityLevel,
} from "./environment-namespace/component.js";
export * from "./external-secrets/index.js";
export * from "./lib/flows.js";
export * from "./lib/kube-parts.js";
export {
  type KubeObject,
  type RegisterOptions,
  registerObjects,
  resourceName,
  synth,
} from "./lib/manifests.js";
export * from "./lib/protect.js";
export * from "./lib/register.js";
export * from "./lib/secrets-checksum.js";
export * from "./mcp-backend/objects.js";
export * from "./network-policies/objects.js";
export * from "./pgvector-postgres/objects.js";
export * from "./redis/objects.js";
export * from "./service-mesh/index.js";
