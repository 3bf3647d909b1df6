export * from "./app-secrets/index.js";
export * from "./backups/index.js";
export * from "./cloud-native-pg-database/index.js";
export * from "./data-operators/index.js";
export * from "./environment-namespace/index.js";
export * from "./external-secrets/index.js";
export * from "./external-secrets-operator/index.js";
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
export * from "./mcp-backend/index.js";
export * from "./network-policies/index.js";
export * from "./pgvector-postgres/index.js";
export * from "./redis/index.js";
export * from "./service-mesh/index.js";
