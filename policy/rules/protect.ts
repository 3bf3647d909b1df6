import { DATA_RESOURCE_OPTIONS } from "../../infra/k8s/lib/protect.js";

/** A resource as the engine sees it: type token, logical name, `protect`. */
export interface ProtectableResource {
  readonly type: string;
  readonly name: string;
  readonly protect: boolean;
}

/**
 * On an environment whose model sets `protectData`, every data-bearing resource (Namespace, PVC,
 * StatefulSet, CloudNativePG Cluster and ObjectStore, the operators' Helm releases) is protected.
 */
export function protectViolations(resources: readonly ProtectableResource[], protectData: boolean): string[] {
  if (!protectData) return [];
  return resources
    .filter((r) => DATA_RESOURCE_OPTIONS[r.type] !== undefined && !r.protect)
    .map((r) => `${r.type} ${r.name}: data-bearing and not protected`);
}
