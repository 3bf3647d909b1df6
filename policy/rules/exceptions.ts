import type { PodTemplate } from "./objects.js";

/**
 * The explicit exceptions to the pod rules, each with its reason (the code that makes them carries the
 * same comment). `container` is absent for pod-level rules.
 */
export type ExceptionRule = "uid>=10000" | "no-service-account-token";
export interface Exception {
  readonly workload: string;
  readonly container?: string;
  readonly rule: ExceptionRule;
  readonly why: string;
}

export const EXCEPTIONS: readonly Exception[] = [
  {
    workload: "statefulset/postgres",
    container: "postgres",
    rule: "uid>=10000",
    why: "the postgres image's entrypoint and server need the passwd entry of its postgres user (UID/GID 999)",
  },
  {
    workload: "cronjob/postgres-backup",
    container: "pg-dump",
    rule: "uid>=10000",
    why: "runs the postgres image as its postgres user (999), which owns the dumps (and WAL archived by earlier versions) on the backup volume it prunes",
  },
  {
    workload: "deployment/prometheus",
    rule: "no-service-account-token",
    why: "Prometheus calls the API server for pod discovery (kubernetes_sd_configs) and the cAdvisor node proxy; its ClusterRole only gets/lists/watches those",
  },
];

export function excepted(pod: PodTemplate, container: string | undefined, rule: ExceptionRule): boolean {
  return EXCEPTIONS.some((e) => e.workload === pod.workload && e.container === container && e.rule === rule);
}

/** True when the pod still does what the exception excuses (so the exception is still needed). */
export function stillBreaks(pod: PodTemplate, e: Exception): boolean {
  if (e.rule === "no-service-account-token") return pod.spec.automountServiceAccountToken !== false;
  const c = [...pod.spec.containers, ...(pod.spec.initContainers ?? [])].find((x) => x.name === e.container);
  if (!c) return false;
  const sc = { ...pod.spec.securityContext, ...c.securityContext } as Record<string, unknown>;
  return [sc.runAsUser, sc.runAsGroup].some((id) => typeof id === "number" && id < 10000);
}
