export { type KubeObject, type RegisterOptions, registerObjects, resourceName, synth } from "./manifests.js";
export { EnvironmentNamespace, type EnvironmentNamespaceArgs } from "./namespace.js";
