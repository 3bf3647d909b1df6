import type { k8s } from "cdk8s-plus-28";
import { type LabelArgs, q, stableLabels } from "./kube-parts.js";

/**
 * The one volume claim template of this project's StatefulSets (Postgres, Redis): "data", one
 * ReadWriteOnce volume. Its labels are version-free, as the template is force-new (stableLabels).
 */
export function dataClaimTemplate(
  identity: Omit<LabelArgs, "version">,
  storage: string,
  storageClass: string | undefined,
): k8s.KubePersistentVolumeClaimProps {
  return {
    metadata: { name: "data", labels: stableLabels(identity) },
    spec: {
      accessModes: ["ReadWriteOnce"],
      storageClassName: storageClass,
      resources: { requests: { storage: q(storage) } },
    },
  };
}
