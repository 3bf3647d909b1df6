import { IMAGE_NAME } from "@mcp-stack/contract";
import { ENVIRONMENT_NAMES, type EnvironmentName, resolveEnvironment } from "../../environments/index.js";

/** What the environment models ask of a namespace, for the rules that depend on the model. */
export interface NamespaceModel {
  readonly environment: EnvironmentName;
  /** Every pod must be covered by a NetworkPolicy. */
  readonly networkPolicies: boolean;
  /** Data-bearing resources must be protected. */
  readonly protectData: boolean;
  /** Services that may be of type LoadBalancer, by name. */
  readonly loadBalancers: readonly string[];
  /** The service mesh the namespace must be injected for ("none": no requirement). */
  readonly mesh: string;
}

/** The reference models, by namespace (the app's Service is the only one a model can expose). */
export function namespaceModels(): ReadonlyMap<string, NamespaceModel> {
  const out = new Map<string, NamespaceModel>();
  for (const name of ENVIRONMENT_NAMES) {
    const env = resolveEnvironment(name);
    out.set(env.kubernetes.namespace, {
      environment: name,
      networkPolicies: env.kubernetes.networkPolicies,
      protectData: env.kubernetes.protectData,
      loadBalancers: env.kubernetes.serviceType === "LoadBalancer" ? [IMAGE_NAME] : [],
      mesh: env.mesh,
    });
  }
  return out;
}
