import { EXTERNAL_METRICS as X } from "@mcp-stack/contract";
import { MONITORING_CONFIG as C } from "../config.js";
import { eq, ne, sel, sumBy } from "../promql.js";
import type { AlertGroup } from "./types.js";

/** Options of the system alerts. */
export interface SystemAlertOptions {
  /**
   * Scrape jobs whose disappearance is alerted on (the app's has its own, critical alert).
   * Defaults to the exporter jobs and cAdvisor.
   */
  readonly jobs?: readonly string[];
  /**
   * The job of cAdvisor's container metrics. Defaults to the bundled Prometheus' `kubernetes-cadvisor`;
   * a kube-prometheus-stack Prometheus names it `kubelet`.
   */
  readonly cadvisorJob?: string;
}

/** Selector of cAdvisor's real containers in `job`. */
export function cadvisorContainers(job: string = C.jobs.cadvisor) {
  // cAdvisor reports the pod's sandbox ("POD") and the pod cgroup (container="") beside real containers.
  return [eq("job", job), ne("container", ""), ne("container", "POD")];
}
const byContainer = ["namespace", "pod", "container"];

/** Container resources and the health of the scraping itself. */
export function systemAlerts(options: SystemAlertOptions = {}): AlertGroup {
  const cadvisor = options.cadvisorJob ?? C.jobs.cadvisor;
  const containers = cadvisorContainers(cadvisor);
  const jobs = options.jobs ?? [C.jobs.redis, C.jobs.postgres, cadvisor];
  return {
    name: "mcp_backend_system",
    rules: [
      {
        alert: "HighMemoryUsage",
        // Reference: container_memory_usage_bytes / container_spec_memory_limit_bytes. Usage includes
        // reclaimable page cache, so the working set (what the OOM killer acts on) is used; a container
        // without a limit reports 0 and is dropped instead of giving +Inf; the cadvisor job provides both.
        expr: `${sumBy(byContainer, sel(X.containerMemoryWorkingSet, containers))}
/
(${sumBy(byContainer, sel(X.containerSpecMemoryLimit, containers))} > 0)
> ${C.thresholds.memoryLimitRatio}`,
        for: C.for.highMemoryUsage,
        labels: { severity: "warning" },
        annotations: {
          summary: "High memory usage",
          description:
            "Memory usage of {{ $labels.container }} in {{ $labels.pod }} is {{ $value | humanizePercentage }} of its limit",
        },
      },
      {
        alert: "ScrapeTargetsMissing",
        // One absent() per job: absent() keeps the job label, so the alert says which one vanished.
        expr: jobs.map((j) => `absent(${sel(X.up, [eq("job", j)])})`).join("\nor\n"),
        for: C.for.targetsMissing,
        labels: { severity: "warning" },
        annotations: {
          summary: "A scrape job has no targets",
          description: `Job {{ $labels.job }} has had no scrape target for ${C.for.targetsMissing}; the alerts that read its metrics are blind`,
        },
      },
    ],
  };
}
