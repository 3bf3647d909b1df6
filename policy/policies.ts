import type {
  PolicyResource,
  ResourceValidationArgs,
  ResourceValidationPolicy,
  StackValidationPolicy,
} from "@pulumi/policy";
import { type ConfiguredPolicy, POLICY_CONFIG, type PolicyConfig, parsePolicyConfig } from "./config.js";
import {
  availabilityViolations,
  configMapSecretViolations,
  conventionViolations,
  imageViolations,
  type KubeObject,
  loadBalancerViolations,
  meshViolations,
  networkViolations,
  podSecurityViolations,
  podTemplate,
  podTemplates,
  probeViolations,
  protectViolations,
  resourceViolations,
} from "./rules/index.js";

/**
 * The CrossGuard policies of mcp-stack: the rules the vitest walks enforce (policy/rules/), one policy
 * each, all mandatory, so `pulumi preview --policy-pack policy` stops on what the tests would fail.
 * Resource policies look at one object; stack policies at all of a stack's objects (PDB against HPA,
 * NetworkPolicy coverage, protection). What differs between environments comes from the pack's config
 * (config.ts), never from an environment model.
 */

const HELM_RELEASE = "kubernetes:helm.sh/v3:Release";

/** The Kubernetes object a resource registers, or undefined (providers, Helm releases, other clouds). */
function kubeObject(type: string, props: Record<string, unknown>): KubeObject | undefined {
  if (!type.startsWith("kubernetes:") || type === HELM_RELEASE) return undefined;
  const o = props as Partial<KubeObject>;
  return o.kind && o.metadata?.name ? (o as KubeObject) : undefined;
}

function stackObjects(resources: readonly PolicyResource[]): KubeObject[] {
  return resources.flatMap((r) => kubeObject(r.type, r.props) ?? []);
}

/** The policy's config: the `--policy-pack-config` values over the schema's defaults, checked. */
function configOf<P extends ConfiguredPolicy>(
  policy: P,
  args: { getConfig<T extends object>(): T },
): PolicyConfig<P> {
  return parsePolicyConfig(policy, args.getConfig<Record<string, unknown>>());
}

/** A resource policy applying `rule` to each workload's pod template. */
function podPolicy(
  name: string,
  description: string,
  rule: (pod: NonNullable<ReturnType<typeof podTemplate>>) => string[],
): ResourceValidationPolicy {
  return {
    name,
    description,
    enforcementLevel: "mandatory",
    validateResource: (args: ResourceValidationArgs, report) => {
      const o = kubeObject(args.type, args.props);
      const pod = o && podTemplate(o);
      if (!pod) return;
      for (const v of rule(pod)) report(v);
    },
  };
}

export const podSecurityRestricted = podPolicy(
  "pod-security-restricted",
  'Pods meet the Pod Security Standard "restricted" (non-root UID/GID ≥ 10000, no privilege escalation, all capabilities dropped, RuntimeDefault seccomp, read-only root, no host namespaces or hostPath, no automounted token) outside the listed exceptions.',
  podSecurityViolations,
);

export const requestsAndLimits = podPolicy(
  "requests-and-limits",
  "Every container requests and limits CPU, memory and ephemeral storage.",
  resourceViolations,
);

export const probes = podPolicy(
  "probes",
  "Every long-running container has liveness and readiness probes, and they differ.",
  probeViolations,
);

export const pinnedImages = podPolicy(
  "pinned-images",
  "Every image is pinned by a tag other than latest or by digest, and pulled Always.",
  imageViolations,
);

export const workloadConventions = podPolicy(
  "workload-conventions",
  "Workloads and pod templates carry the app.kubernetes.io recommended labels; CronJobs have a starting deadline and forbid concurrency.",
  conventionViolations,
);

export const noSecretsInConfigMaps: ResourceValidationPolicy = {
  name: "no-secrets-in-configmaps",
  description: "No ConfigMap holds a secret value, a literal credential or a URL with a password.",
  enforcementLevel: "mandatory",
  validateResource: (args, report) => {
    const o = kubeObject(args.type, args.props);
    if (o) for (const v of configMapSecretViolations(o)) report(v);
  },
};

export const loadBalancersOnlyWhereAsked: ResourceValidationPolicy = {
  name: "load-balancers-only-where-asked",
  description:
    "A Service is of type LoadBalancer only where the pack config lists it (config: services, default none).",
  enforcementLevel: "mandatory",
  configSchema: POLICY_CONFIG["load-balancers-only-where-asked"].json,
  validateResource: (args, report) => {
    const o = kubeObject(args.type, args.props);
    if (!o) return;
    const { services } = configOf("load-balancers-only-where-asked", args);
    for (const v of loadBalancerViolations(o, services)) report(v);
  },
};

export const podDisruptionBudgets: StackValidationPolicy = {
  name: "pod-disruption-budgets",
  description:
    "Every long-running workload has a PodDisruptionBudget that lets a drain evict a pod at the HPA's minimum, and spreads its replicas.",
  enforcementLevel: "mandatory",
  validateStack: (args, report) => {
    const objects = stackObjects(args.resources);
    for (const pod of podTemplates(objects)) for (const v of availabilityViolations(objects, pod)) report(v);
  },
};

export const networkPolicyCoverage: StackValidationPolicy = {
  name: "network-policy-coverage",
  description:
    "Where the pack config requires NetworkPolicies (config: required) or the stack has any, the namespace denies by default and every pod has a policy of its own with ingress and egress rules.",
  enforcementLevel: "mandatory",
  configSchema: POLICY_CONFIG["network-policy-coverage"].json,
  validateStack: (args, report) => {
    const objects = stackObjects(args.resources);
    const wanted =
      configOf("network-policy-coverage", args).required || objects.some((o) => o.kind === "NetworkPolicy");
    if (!wanted) return;
    const seen = new Set<string>();
    for (const pod of podTemplates(objects))
      for (const v of networkViolations(objects, pod)) if (!seen.has(v)) seen.add(v) && report(v);
  },
};

export const meshDefaultDeny: StackValidationPolicy = {
  name: "mesh-default-deny",
  description:
    "Where the pack config names a service mesh (config: mesh) or the namespace is injected, the namespace is injected, denies by default and demands mTLS, and no pod opts out of the mesh but the listed exemptions.",
  enforcementLevel: "mandatory",
  configSchema: POLICY_CONFIG["mesh-default-deny"].json,
  validateStack: (args, report) => {
    const objects = stackObjects(args.resources);
    for (const v of meshViolations(objects, configOf("mesh-default-deny", args).mesh)) report(v);
  },
};

export const protectProdData: StackValidationPolicy = {
  name: "protect-prod-data",
  description:
    "Where the pack config sets protectData, every data-bearing resource (Namespace, PVC, StatefulSet, CloudNativePG Cluster and ObjectStore, operator Helm releases) is protected.",
  enforcementLevel: "mandatory",
  configSchema: POLICY_CONFIG["protect-prod-data"].json,
  validateStack: (args, report) => {
    const { protectData } = configOf("protect-prod-data", args);
    const resources = args.resources.map((r) => ({ type: r.type, name: r.name, protect: r.opts.protect }));
    for (const v of protectViolations(resources, protectData)) report(v);
  },
};

/** Every policy of the pack. */
export const POLICIES = [
  podSecurityRestricted,
  requestsAndLimits,
  probes,
  pinnedImages,
  workloadConventions,
  noSecretsInConfigMaps,
  loadBalancersOnlyWhereAsked,
  podDisruptionBudgets,
  networkPolicyCoverage,
  meshDefaultDeny,
  protectProdData,
];
