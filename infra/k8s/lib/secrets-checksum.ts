import * as pulumi from "@pulumi/pulumi";
import { checksum } from "./kube-parts.js";
import type { KubeObject } from "./manifests.js";

/** The pod template of a Deployment or StatefulSet as far as the patch below touches it. */
interface WithTemplate {
  spec: { template: { metadata?: { annotations?: Record<string, string> } } };
}

/**
 * Put the `checksum/secrets` annotation (the hash of `secretVersion`, a Pulumi Input) on the pod
 * template of a Deployment or StatefulSet; every other object, or no version, passes unchanged.
 */
export function withSecretsChecksum(
  obj: KubeObject,
  secretVersion: pulumi.Input<string> | undefined,
): KubeObject | pulumi.Inputs {
  if (secretVersion === undefined || (obj.kind !== "Deployment" && obj.kind !== "StatefulSet")) return obj;
  const spec = (obj as unknown as WithTemplate).spec;
  const metadata = spec.template.metadata ?? {};
  const annotations: Record<string, pulumi.Input<string>> = {
    ...metadata.annotations,
    "checksum/secrets": pulumi.output(secretVersion).apply((v) => checksum(v)),
  };
  return {
    ...obj,
    spec: { ...spec, template: { ...spec.template, metadata: { ...metadata, annotations } } },
  };
}

/**
 * Add annotations to the pod template of a Deployment or StatefulSet (e.g. Reloader's, when External
 * Secrets writes the Secrets the pods read); every other object passes unchanged.
 */
export function withPodAnnotations(
  obj: KubeObject | pulumi.Inputs,
  extra: Readonly<Record<string, string>> | undefined,
): KubeObject | pulumi.Inputs {
  const o = obj as KubeObject;
  if (!extra || Object.keys(extra).length === 0 || (o.kind !== "Deployment" && o.kind !== "StatefulSet"))
    return obj;
  const spec = (o as unknown as WithTemplate).spec;
  const metadata = spec.template.metadata ?? {};
  return {
    ...o,
    spec: {
      ...spec,
      template: {
        ...spec.template,
        metadata: { ...metadata, annotations: { ...metadata.annotations, ...extra } },
      },
    },
  };
}
