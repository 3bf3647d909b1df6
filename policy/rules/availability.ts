import { byKind, type KubeObject, type PodTemplate, selects } from "./objects.js";

/** Replica counts (HPA min/max when an HPA targets the workload). */
export function replicaRange(objects: readonly KubeObject[], pod: PodTemplate): { min: number; max: number } {
  const hpa = byKind(objects, "HorizontalPodAutoscaler").find(
    (h) => (h.spec as { scaleTargetRef: { name: string } }).scaleTargetRef.name === pod.object.metadata.name,
  );
  if (hpa) {
    const s = hpa.spec as { minReplicas: number; maxReplicas: number };
    return { min: s.minReplicas, max: s.maxReplicas };
  }
  const n = (pod.object.spec as { replicas?: number }).replicas ?? 1;
  return { min: n, max: n };
}

/**
 * A long-running workload has a PodDisruptionBudget that lets a node drain evict one of its pods at the
 * HPA's minimum, and spreads when it can run more than one replica.
 */
export function availabilityViolations(objects: readonly KubeObject[], pod: PodTemplate): string[] {
  if (!pod.longRunning) return [];
  const out: string[] = [];
  const { min, max } = replicaRange(objects, pod);
  const pdbs = byKind(objects, "PodDisruptionBudget").filter((p) =>
    selects(
      (p.spec as { selector: { matchLabels: Record<string, string> } }).selector.matchLabels,
      pod.labels,
    ),
  );
  if (pdbs.length === 0) out.push(`${pod.workload}: no PodDisruptionBudget`);
  for (const p of pdbs) {
    const s = p.spec as { minAvailable?: number; maxUnavailable?: number };
    if (s.minAvailable !== undefined && s.minAvailable > 0 && s.minAvailable >= min)
      out.push(
        `${pod.workload}: PDB minAvailable ${s.minAvailable} blocks every eviction at ${min} replicas`,
      );
    if (s.maxUnavailable === 0) out.push(`${pod.workload}: PDB maxUnavailable 0 blocks every eviction`);
  }
  if (max > 1 && !pod.spec.topologySpreadConstraints?.length && !pod.spec.affinity?.podAntiAffinity)
    out.push(`${pod.workload}: ${max} replicas without topology spread or anti-affinity`);
  return out;
}
