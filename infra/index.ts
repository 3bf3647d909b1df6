/**
 * Reusable building blocks: `import { EnvironmentNamespace } from "mcp-stack/infra"`.
 * One component per concept; each file documents its Args and defaults.
 */
export {
  type KubeObject,
  type RegisterOptions,
  registerObjects,
  resourceName,
  synth,
} from "./k8s/manifests.js";
export { EnvironmentNamespace, type EnvironmentNamespaceArgs } from "./k8s/namespace.js";
