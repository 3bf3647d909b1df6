import type * as pulumi from "@pulumi/pulumi";
import { type KubeObject, registerObjects } from "./manifests.js";

/** Thrown by a component's constructor when its Args break an invariant; lists every issue. */
export class InvalidArgsError extends Error {
  readonly component: string;
  readonly issues: readonly string[];
  constructor(component: string, issues: readonly string[]) {
    super(`Invalid ${component} args:\n${issues.map((i) => `  - ${i}`).join("\n")}`);
    this.component = component;
    this.issues = issues;
    this.name = "InvalidArgsError";
  }
}

/** Throw InvalidArgsError when `issues` is not empty. */
export function assertValid(component: string, issues: readonly string[]): void {
  if (issues.length > 0) throw new InvalidArgsError(component, issues);
}

/**
 * Register synthesised objects in `namespace`, parented to the component. The namespace is a Pulumi
 * input (usually the Namespace resource's name), so every object also depends on the namespace.
 * `patch` may further replace parts of an object with inputs (e.g. the app image); `opts` adds resource
 * options (dependsOn, ...).
 */
export function registerNamespaced(
  objects: readonly KubeObject[],
  namespace: pulumi.Input<string>,
  parent: pulumi.Resource,
  patch?: (obj: KubeObject) => KubeObject | pulumi.Inputs,
  opts?: pulumi.CustomResourceOptions,
): pulumi.CustomResource[] {
  return registerObjects(objects, {
    parent,
    opts,
    patch: (obj) => {
      const placed = { ...obj, metadata: { ...obj.metadata, namespace } } as unknown as KubeObject;
      return patch ? patch(placed) : (placed as pulumi.Inputs);
    },
  });
}

/**
 * For objects synthesised with their namespace as a plain string (the monitoring components, so their
 * `*Objects()` show it): replace it with the namespace Output, so every namespaced object waits for
 * the namespace; cluster-scoped objects and an undefined `namespace` are left as they are.
 */
export function namespacePatch(namespace: pulumi.Input<string> | undefined) {
  return (obj: KubeObject): pulumi.Inputs =>
    namespace === undefined || obj.metadata.namespace === undefined
      ? obj
      : { ...obj, metadata: { ...obj.metadata, namespace } };
}

/** Positive integer check with a message naming the field. */
export function positiveInt(field: string, value: number, min = 1): string[] {
  return Number.isInteger(value) && value >= min
    ? []
    : [`${field} must be an integer ≥ ${min} (got ${value})`];
}
