import type * as pulumi from "@pulumi/pulumi";
import { type KubeObject, registerObjects } from "./manifests.js";

// The validation shape every component shares; re-exported where the Kubernetes components import it.
export { assertValid, InvalidArgsError, positiveInt } from "../../lib/validation.js";

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
