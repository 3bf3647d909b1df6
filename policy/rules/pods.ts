import { excepted } from "./exceptions.js";
import type { ContainerSpec, PodTemplate } from "./objects.js";

/**
 * Secure by default: the Pod Security Standard "restricted" profile plus what kube-score, Polaris,
 * kube-linter and Checkov check by default. Each function returns "workload[/container]: rule" lines.
 */

/** Pod Security "restricted" (and the stricter UID/GID ≥ 10000 and read-only root of kube-score). */
export function podSecurityViolations(pod: PodTemplate): string[] {
  const out: string[] = [];
  for (const [c] of each(pod)) {
    const at = `${pod.workload}/${c.name}`;
    const sc = { ...pod.spec.securityContext, ...c.securityContext } as Record<string, unknown>;
    if (sc.runAsNonRoot !== true) out.push(`${at}: runAsNonRoot is not true`);
    for (const f of ["runAsUser", "runAsGroup"]) {
      const id = sc[f];
      if (typeof id !== "number" || id === 0) out.push(`${at}: ${f} unset or root`);
      else if (id < 10000 && !excepted(pod, c.name, "uid>=10000")) out.push(`${at}: ${f} ${id} < 10000`);
    }
    if (c.securityContext?.allowPrivilegeEscalation !== false)
      out.push(`${at}: allowPrivilegeEscalation not false`);
    if (c.securityContext?.privileged === true) out.push(`${at}: privileged`);
    if (!c.securityContext?.capabilities?.drop?.includes("ALL"))
      out.push(`${at}: capabilities do not drop ALL`);
    if ((c.securityContext?.capabilities?.add ?? []).length > 0) out.push(`${at}: adds capabilities`);
    if ((sc.seccompProfile as { type?: string } | undefined)?.type !== "RuntimeDefault")
      out.push(`${at}: seccompProfile not RuntimeDefault`);
    if (c.securityContext?.readOnlyRootFilesystem !== true) out.push(`${at}: root filesystem writable`);
  }
  const at = pod.workload;
  if (
    pod.spec.automountServiceAccountToken !== false &&
    !excepted(pod, undefined, "no-service-account-token")
  )
    out.push(`${at}: service account token automounted`);
  // Its own identity: what a mesh's policies name, and what RBAC would bind to (never shared `default`).
  if ((pod.spec.serviceAccountName ?? "default") === "default")
    out.push(`${at}: runs as the namespace's default ServiceAccount`);
  if (pod.spec.hostNetwork || pod.spec.hostPID || pod.spec.hostIPC)
    out.push(`${at}: shares a host namespace`);
  if ((pod.spec.volumes ?? []).some((v) => v.hostPath)) out.push(`${at}: mounts a hostPath`);
  return out;
}

/** CPU, memory and ephemeral-storage requests and limits on every container. */
export function resourceViolations(pod: PodTemplate): string[] {
  const out: string[] = [];
  for (const [c] of each(pod))
    for (const side of ["requests", "limits"] as const)
      for (const r of ["cpu", "memory", "ephemeral-storage"])
        if (c.resources?.[side]?.[r] === undefined) out.push(`${pod.workload}/${c.name}: no ${r} ${side}`);
  return out;
}

/** Liveness and readiness probes (distinct) on every long-running, non-init container. */
export function probeViolations(pod: PodTemplate): string[] {
  const out: string[] = [];
  if (!pod.longRunning) return out;
  for (const [c, init] of each(pod)) {
    if (init) continue;
    const at = `${pod.workload}/${c.name}`;
    if (!c.livenessProbe) out.push(`${at}: no liveness probe`);
    if (!c.readinessProbe) out.push(`${at}: no readiness probe`);
    if (c.livenessProbe && JSON.stringify(c.livenessProbe) === JSON.stringify(c.readinessProbe))
      out.push(`${at}: liveness and readiness probes are identical`);
  }
  return out;
}

/** True for an image pinned by digest or by a tag other than latest. */
export function isPinned(image: string): boolean {
  const tag = /:([^/:@]+)$/.exec(image)?.[1];
  return image.includes("@sha256:") || (tag !== undefined && tag !== "latest");
}

/** Pinned images (no :latest, no untagged), pulled every time (a tag can be re-pushed). */
export function imageViolations(pod: PodTemplate): string[] {
  const out: string[] = [];
  for (const [c] of each(pod)) {
    const at = `${pod.workload}/${c.name}`;
    if (!isPinned(c.image)) out.push(`${at}: image ${c.image} is not pinned`);
    if (c.imagePullPolicy !== "Always") out.push(`${at}: imagePullPolicy is not Always`);
  }
  return out;
}

const RECOMMENDED_LABELS = ["name", "instance", "version", "component", "part-of", "managed-by"].map(
  (l) => `app.kubernetes.io/${l}`,
);

/** The recommended labels on object and pod template; CronJobs that cannot pile up. */
export function conventionViolations(pod: PodTemplate): string[] {
  const out: string[] = [];
  const at = pod.workload;
  const objLabels = (pod.object.metadata.labels ?? {}) as Record<string, string>;
  for (const l of RECOMMENDED_LABELS) {
    if (!pod.labels[l]) out.push(`${at}: pod template lacks label ${l}`);
    if (!objLabels[l]) out.push(`${at}: object lacks label ${l}`);
  }
  if (pod.kind === "CronJob") {
    const spec = pod.object.spec as { startingDeadlineSeconds?: number; concurrencyPolicy?: string };
    if (spec.startingDeadlineSeconds === undefined) out.push(`${at}: no startingDeadlineSeconds`);
    if (spec.concurrencyPolicy !== "Forbid") out.push(`${at}: concurrencyPolicy is not Forbid`);
  }
  return out;
}

function each(pod: PodTemplate): [ContainerSpec, boolean][] {
  return [
    ...pod.spec.containers.map((c) => [c, false] as [ContainerSpec, boolean]),
    ...(pod.spec.initContainers ?? []).map((c) => [c, true] as [ContainerSpec, boolean]),
  ];
}
