import * as pulumi from "@pulumi/pulumi";

/**
 * What Pulumi must never delete by accident, by resource type token, and whether it must also be
 * left in the cluster when Pulumi deletes it on purpose.
 *
 * `protect` makes `pulumi destroy`, a removal from the program, or a replacement fail until the option
 * is lifted (`pulumi state unprotect`). `retainOnDelete` makes Pulumi forget the object instead of
 * deleting it, for objects whose deletion Kubernetes cascades onto data:
 * - a Namespace: deleting it deletes every object in it, PersistentVolumeClaims included, and a
 *   dynamically provisioned PersistentVolume follows its claim (reclaimPolicy Delete by default);
 * - a PersistentVolumeClaim: its volume goes with it under the same reclaim policy;
 * - a CloudNativePG Cluster: it owns its instances' PVCs, so garbage collection deletes them with it.
 * A StatefulSet is protected but not retained: its volumeClaimTemplates' PVCs outlive it
 * (persistentVolumeClaimRetentionPolicy whenDeleted: Retain, which the stack's StatefulSets state).
 */
export const DATA_RESOURCE_OPTIONS: Readonly<Record<string, { protect: true; retainOnDelete?: true }>> = {
  "kubernetes:core/v1:Namespace": { protect: true, retainOnDelete: true },
  "kubernetes:core/v1:PersistentVolumeClaim": { protect: true, retainOnDelete: true },
  "kubernetes:apps/v1:StatefulSet": { protect: true },
  "kubernetes:postgresql.cnpg.io/v1:Cluster": { protect: true, retainOnDelete: true },
  // Holds the WAL archive and base backups' destination: deleting it stops archiving.
  "kubernetes:barmancloud.cnpg.io/v1:ObjectStore": { protect: true },
  // The operators' charts template their CRDs: uninstalling one deletes the CRDs, and with them every
  // Cluster and, by garbage collection, its volumes.
  "kubernetes:helm.sh/v3:Release": { protect: true, retainOnDelete: true },
};

/**
 * A resource transformation that protects data-bearing resources. Given to a component (e.g. the
 * environment's namespace), it applies to every resource created beneath it.
 */
export const protectData: pulumi.ResourceTransformation = (args) => {
  const extra = DATA_RESOURCE_OPTIONS[args.type];
  if (!extra) return undefined;
  return { props: args.props, opts: pulumi.mergeOptions(args.opts, extra) };
};
