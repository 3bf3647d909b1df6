import type { NamespaceModel } from "./models.js";
import type { KubeObject } from "./objects.js";

/** A LoadBalancer costs money and faces the internet: only the Services the model asks for. */
export function loadBalancerViolations(svc: KubeObject, model: NamespaceModel | undefined): string[] {
  if (svc.kind !== "Service" || (svc.spec as { type?: string } | undefined)?.type !== "LoadBalancer")
    return [];
  if (model?.loadBalancers.includes(svc.metadata.name)) return [];
  const ns = svc.metadata.namespace ?? "(no namespace)";
  return [
    `service/${svc.metadata.name}: type LoadBalancer in ${ns}, where the model asks for ${model?.loadBalancers.length ? model.loadBalancers.join(", ") : "none"}`,
  ];
}
