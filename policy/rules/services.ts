import type { KubeObject } from "./objects.js";

/** A LoadBalancer costs money and faces the internet: only the Services the stack's owner asks for. */
export function loadBalancerViolations(svc: KubeObject, allowed: readonly string[]): string[] {
  if (svc.kind !== "Service" || (svc.spec as { type?: string } | undefined)?.type !== "LoadBalancer")
    return [];
  if (allowed.includes(svc.metadata.name)) return [];
  const ns = svc.metadata.namespace ?? "(no namespace)";
  return [
    `service/${svc.metadata.name}: type LoadBalancer in ${ns}, where the pack config allows ${allowed.length ? allowed.join(", ") : "none"}`,
  ];
}
