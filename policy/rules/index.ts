import { availabilityViolations } from "./availability.js";
import { configMapSecretViolations } from "./config-maps.js";
import { networkViolations } from "./network.js";
import { type KubeObject, podTemplates } from "./objects.js";
import {
  conventionViolations,
  imageViolations,
  podSecurityViolations,
  probeViolations,
  resourceViolations,
} from "./pods.js";

export * from "./availability.js";
export * from "./config-maps.js";
export * from "./exceptions.js";
export * from "./mesh.js";
export * from "./network.js";
export * from "./objects.js";
export * from "./pods.js";
export * from "./protect.js";
export * from "./services.js";

/**
 * Every broken rule in one environment's objects, as "workload[/container]: rule" lines: the walk the
 * vitest security suite runs and the policy pack's policies split into one policy each.
 */
export function violations(objects: readonly KubeObject[], networkPolicies: boolean): string[] {
  const out: string[] = [];
  for (const pod of podTemplates(objects)) {
    out.push(
      ...resourceViolations(pod),
      ...podSecurityViolations(pod),
      ...imageViolations(pod),
      ...probeViolations(pod),
      ...conventionViolations(pod),
      ...availabilityViolations(objects, pod),
    );
    if (networkPolicies) out.push(...networkViolations(objects, pod));
  }
  for (const o of objects) out.push(...configMapSecretViolations(o));
  return out;
}
