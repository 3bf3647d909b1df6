import * as k8s from "@pulumi/kubernetes";
import type * as pulumi from "@pulumi/pulumi";
import type { Chart } from "cdk8s";

/** A Kubernetes object as cdk8s synthesises it. */
export interface KubeObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; [key: string]: unknown };
  [key: string]: unknown;
}

type ResourceCtor = new (
  name: string,
  args: pulumi.Inputs,
  opts?: pulumi.CustomResourceOptions,
) => pulumi.CustomResource;

/**
 * Each object becomes a typed Pulumi resource (not a provider-side ConfigGroup), so `pulumi preview`
 * shows it object by object and the mocks in tests see every one of them.
 */
const KINDS: Record<string, unknown> = {
  "v1/Namespace": k8s.core.v1.Namespace,
  "v1/ConfigMap": k8s.core.v1.ConfigMap,
  "v1/Secret": k8s.core.v1.Secret,
  "v1/Service": k8s.core.v1.Service,
  "v1/ServiceAccount": k8s.core.v1.ServiceAccount,
  "v1/PersistentVolumeClaim": k8s.core.v1.PersistentVolumeClaim,
  "apps/v1/Deployment": k8s.apps.v1.Deployment,
  "apps/v1/StatefulSet": k8s.apps.v1.StatefulSet,
  "autoscaling/v2/HorizontalPodAutoscaler": k8s.autoscaling.v2.HorizontalPodAutoscaler,
  "policy/v1/PodDisruptionBudget": k8s.policy.v1.PodDisruptionBudget,
  "networking.k8s.io/v1/NetworkPolicy": k8s.networking.v1.NetworkPolicy,
  "batch/v1/CronJob": k8s.batch.v1.CronJob,
  "batch/v1/Job": k8s.batch.v1.Job,
  "rbac.authorization.k8s.io/v1/ClusterRole": k8s.rbac.v1.ClusterRole,
  "rbac.authorization.k8s.io/v1/ClusterRoleBinding": k8s.rbac.v1.ClusterRoleBinding,
  "rbac.authorization.k8s.io/v1/Role": k8s.rbac.v1.Role,
  "rbac.authorization.k8s.io/v1/RoleBinding": k8s.rbac.v1.RoleBinding,
};

/** The Pulumi resource name of an object: stable and human, unique per kind and namespace. */
export function resourceName(obj: KubeObject): string {
  const ns = obj.metadata.namespace ? `${obj.metadata.namespace}/` : "";
  return `${ns}${obj.kind.toLowerCase()}/${obj.metadata.name}`;
}

export interface RegisterOptions {
  /** Parent of every resource (the component that owns the objects). */
  readonly parent: pulumi.Resource;
  /**
   * Replace parts of an object with Pulumi inputs that cdk8s cannot hold, e.g. an image digest
   * known only after a build. Defaults to no change.
   */
  readonly patch?: (obj: KubeObject) => pulumi.Inputs;
  /** Extra resource options (dependsOn, provider, ...). */
  readonly opts?: pulumi.CustomResourceOptions;
}

/**
 * Operator-owned kinds (CloudNativePG and its plugins, API groups ending in `.cnpg.io`; the Prometheus
 * Operator's `monitoring.coreos.com`) have no typed Pulumi class; they go through CustomResource, still
 * one resource per object.
 */
const CUSTOM_RESOURCE_GROUP = /(\.cnpg\.io|^monitoring\.coreos\.com)\/[^/]+$/;

function customResourceCtor(apiVersion: string): ResourceCtor | undefined {
  return CUSTOM_RESOURCE_GROUP.test(apiVersion)
    ? (k8s.apiextensions.CustomResource as unknown as ResourceCtor)
    : undefined;
}

/** Create one Pulumi resource per object. Throws for a kind this project does not map. */
export function registerObjects(
  objects: readonly KubeObject[],
  options: RegisterOptions,
): pulumi.CustomResource[] {
  return objects.map((obj) => {
    const key = `${obj.apiVersion}/${obj.kind}`;
    const ctor = (KINDS[key] as ResourceCtor | undefined) ?? customResourceCtor(obj.apiVersion);
    if (!ctor) throw new Error(`no Pulumi resource type mapped for ${key} (object ${obj.metadata.name})`);
    const args = options.patch ? options.patch(obj) : (obj as pulumi.Inputs);
    return new ctor(resourceName(obj), args, { ...options.opts, parent: options.parent });
  });
}

/** Synthesise a cdk8s chart into plain objects (tokens resolved). */
export function synth(chart: Chart): KubeObject[] {
  return chart.toJson() as KubeObject[];
}
