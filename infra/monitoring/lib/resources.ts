import type { ContainerResources } from "../../k8s/lib/kube-parts.js";

/*
 * Requests and limits of the monitoring containers (not in the environment model: they do not vary by
 * environment yet). Ephemeral storage is bounded too: the restricted namespace gets no surprise
 * evictions from a log-spewing sidecar.
 */

const r = (
  cpu: string,
  memory: string,
  eph: string,
  cpuLimit: string,
  memLimit: string,
  ephLimit: string,
) => ({
  requests: { cpu, memory, ephemeralStorage: eph },
  limits: { cpu: cpuLimit, memory: memLimit, ephemeralStorage: ephLimit },
});

export const MONITORING_RESOURCES = {
  // Series count is small (one namespace), but compaction and WAL replay need headroom.
  prometheus: r("250m", "1Gi", "256Mi", "1", "2Gi", "1Gi"),
  alertmanager: r("50m", "64Mi", "64Mi", "200m", "256Mi", "256Mi"),
  grafana: r("100m", "256Mi", "128Mi", "500m", "512Mi", "512Mi"),
  // In-memory trace storage: the limit bounds how many traces staging keeps.
  jaeger: r("100m", "512Mi", "128Mi", "500m", "1Gi", "512Mi"),
  otelCollector: r("100m", "256Mi", "64Mi", "500m", "512Mi", "256Mi"),
} as const satisfies Record<string, ContainerResources>;

/** A memory quantity in Mi/Gi as MiB (the collector's memory_limiter takes MiB). */
export function mebibytes(quantity: string): number {
  const m = /^(\d+)(Mi|Gi)$/.exec(quantity);
  if (!m) throw new Error(`expected a Mi or Gi quantity, got "${quantity}"`);
  return Number(m[1]) * (m[2] === "Gi" ? 1024 : 1);
}
