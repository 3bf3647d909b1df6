import * as k8s from "@pulumi/kubernetes";
import type * as pulumi from "@pulumi/pulumi";

/** How a building block gets an operator: installed from its Helm chart, or run by someone else. */
export const OperatorMode = {
  /** Install it with Helm, at the pinned chart versions. */
  Install: "install",
  /** Create nothing: a platform team runs it. */
  Existing: "existing",
} as const;
export type OperatorMode = (typeof OperatorMode)[keyof typeof OperatorMode];

/** The problems of an operator component's mode and chart versions, each naming its field; [] when valid. */
export function operatorArgsIssues(mode: string, versions: object = {}): string[] {
  const issues: string[] = [];
  if (mode !== "install" && mode !== "existing")
    issues.push(`mode "${mode}" must be "install" or "existing"`);
  for (const [k, v] of Object.entries(versions) as [string, string | undefined][])
    if (!/^v?\d+\.\d+\.\d+$/.test(v ?? ""))
      issues.push(`versions.${k} "${v}" must be an exact chart version`);
  return issues;
}

/**
 * A Helm release at a pinned chart version, parented to its component: the namespace created if
 * missing, and `atomic`, so a failed install rolls back instead of leaving half an operator.
 */
export function pinnedRelease(
  parent: pulumi.Resource,
  name: string,
  args: k8s.helm.v3.ReleaseArgs,
  dependsOn: pulumi.Resource[] = [],
): k8s.helm.v3.Release {
  return new k8s.helm.v3.Release(
    name,
    { createNamespace: true, atomic: true, ...args },
    { parent, dependsOn },
  );
}
