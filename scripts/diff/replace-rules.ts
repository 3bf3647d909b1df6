/**
 * Fields whose change makes Pulumi replace a Kubernetes object instead of patching it: the
 * pulumi-kubernetes provider's `forceNew` table, copied from
 * `provider/pkg/provider/diff.go` (pulumi/pulumi-kubernetes, commit 00302beb; the `statefulSet` list
 * re-read unchanged at 94977969, July 2026), which `Diff` in
 * `provider.go` passes to `convertPatchToDiff`: a changed path under one of these is an
 * UPDATE_REPLACE. `.metadata.name` and `.metadata.namespace` replace every kind
 * (`metadataForceNewProperties`). Kinds that are not listed (CloudNativePG's Cluster, Pooler,
 * CronJob, NetworkPolicy, …) are patched unless their name or namespace changes.
 *
 * ConfigMap and Secret data are listed: the provider replaces them (and rolls whatever mounts them) —
 * this stack's provider does not opt into mutable ConfigMaps or Secrets.
 */
const METADATA = [".metadata.name", ".metadata.namespace"];

const LABEL_SELECTOR = (prefix: string) => [`${prefix}.matchExpressions`, `${prefix}.matchLabels`];

const STATEFUL_SET = [
  ".spec.podManagementPolicy",
  ".spec.revisionHistoryLimit",
  ".spec.selector",
  ".spec.serviceName",
  ".spec.volumeClaimTemplates",
  ...LABEL_SELECTOR(".spec.selector"),
];

/** By `group/version` (core is "v1") and kind: the provider's `forceNew` paths. */
export const FORCE_NEW: Readonly<Record<string, Readonly<Record<string, readonly string[]>>>> = {
  "apps/v1": {
    DaemonSet: [".spec.selector", ...LABEL_SELECTOR(".spec.selector")],
    Deployment: [".spec.selector", ...LABEL_SELECTOR(".spec.selector")],
    StatefulSet: STATEFUL_SET,
  },
  v1: {
    ConfigMap: [".binaryData", ".data"],
    PersistentVolumeClaim: [
      ".spec",
      ".spec.accessModes",
      ".spec.resources",
      ".spec.selector",
      ".spec.storageClassName",
      ".spec.volumeName",
    ],
    Secret: [".type", ".stringData", ".data"],
    Service: [".spec.clusterIP"],
  },
  "batch/v1": {
    Job: [".spec.completions", ".spec.parallelism", ".spec.selector", ".spec.template"],
  },
  "rbac.authorization.k8s.io/v1": {
    ClusterRoleBinding: [".roleRef"],
    RoleBinding: [".roleRef"],
  },
  "storage.k8s.io/v1": { StorageClass: [".parameters", ".provisioner"] },
};

/**
 * Objects whose replacement loses or endangers data: a replaced StatefulSet re-creates its pods
 * (volumeClaimTemplates' PVCs survive only with a Retain policy), a replaced PVC or CloudNativePG
 * Cluster deletes its volumes, a replaced Namespace deletes everything in it.
 */
export const STATEFUL_KINDS: ReadonlySet<string> = new Set([
  "StatefulSet",
  "PersistentVolumeClaim",
  "PersistentVolume",
  "Cluster",
  "ObjectStore",
  "Namespace",
]);

/** The force-new paths of an object's kind (metadata name and namespace always). */
export function forceNewPaths(apiVersion: string, kind: string): readonly string[] {
  return [...METADATA, ...(FORCE_NEW[apiVersion]?.[kind] ?? [])];
}

/**
 * Whether a changed field (a path like `spec.selector.matchLabels.app` or `spec.template.spec…`)
 * lies under one of the force-new paths: the provider matches on the changed part of the patch,
 * so a change anywhere beneath `.spec.selector` counts.
 */
export function triggersReplace(changedPath: string, forceNew: readonly string[]): string | undefined {
  const dotted = `.${changedPath.replace(/\[\d+\]/g, "")}`;
  return forceNew.find((p) => dotted === p || dotted.startsWith(`${p}.`));
}
