import { MONITORING_CONFIG as C } from "../config.js";
import { scaleDuration, scaleRanges } from "../time-scale.js";
import { appAlerts } from "./app.js";
import { cloudNativePgAlerts } from "./cloudnative-pg.js";
import { dataTierAlerts, POSTGRES_JOBS } from "./data-tier.js";
import { llmAlerts } from "./llm.js";
import { systemAlerts } from "./system.js";
import type { AlertGroup, AlertRule, PostgresMode, RulesFile } from "./types.js";

export type { AlertGroup, AlertRule, PostgresMode, RulesFile } from "./types.js";

/** What varies between environments in the rules. */
export interface RuleOptions {
  /** Whether Redis and redis_exporter run (alerts on them otherwise fire forever). Defaults to true. */
  readonly redis?: boolean;
  /**
   * How PostgreSQL runs (see PostgresMode); "cloudnative-pg" adds the rules file `cloudnative-pg.yml`
   * and drops the postgres_exporter rules. Defaults to "statefulset".
   */
  readonly postgres?: PostgresMode;
  /** Instances of the CloudNativePG Cluster, with postgres "cloudnative-pg". Defaults to 3. */
  readonly cloudNativePgInstances?: number;
  /** Whether the CloudNativePG Cluster has Poolers, with postgres "cloudnative-pg". Defaults to true. */
  readonly cloudNativePgPoolers?: boolean;
  /**
   * The job of cAdvisor's container metrics. Defaults to the bundled Prometheus' `kubernetes-cadvisor`
   * (MONITORING_CONFIG.jobs.cadvisor); an Operator's Prometheus has its own (kube-prometheus-stack:
   * `kubelet`).
   */
  readonly cadvisorJob?: string;
  /**
   * Test only: every group `interval`, `for` and range selector multiplied by this factor (1/120 turns
   * a 15 m `for` into 7.5 s), for end-to-end tests against a real Prometheus. Defaults to 1; the
   * deployed and committed rules never set it.
   */
  readonly timeScale?: number;
}

/** An alert as written to the rules file: the team label and runbook URL added. */
export interface RenderedAlert extends AlertRule {
  readonly annotations: AlertRule["annotations"] & { readonly runbook_url: string };
}

/** The one place that gives every alert its team label and runbook link (and compressed time). */
function finish(rule: AlertRule, scale: number): RenderedAlert {
  return {
    ...rule,
    expr: scaleRanges(rule.expr, scale),
    for: scaleDuration(rule.for, scale),
    labels: { ...rule.labels, team: C.team },
    annotations: { ...rule.annotations, runbook_url: `${C.runbookBaseUrl}${rule.alert}.md` },
  };
}

function finishGroup(group: AlertGroup, scale = 1) {
  return {
    name: group.name,
    interval: scaleDuration(C.groupInterval, scale),
    rules: group.rules.map((r) => finish(r, scale)),
  };
}

/**
 * The rules files Prometheus loads from /etc/prometheus/alerts/: the app's (the reference's
 * `mcp-backend.yml`) and the data tier's, one promtool test file each under monitoring/prometheus/tests/.
 */
export function ruleFiles(options: RuleOptions = {}): RulesFile[] {
  const redis = options.redis ?? true;
  const postgres = options.postgres ?? "statefulset";
  const scale = options.timeScale ?? 1;
  const cadvisorJob = options.cadvisorJob ?? C.jobs.cadvisor;
  // Never `.map(finishGroup)`: map's index would become the scale.
  const finished = (group: AlertGroup) => finishGroup(group, scale);
  const exporterJobs = [...(redis ? [C.jobs.redis] : []), ...POSTGRES_JOBS[postgres]];
  const files: RulesFile[] = [
    {
      file: "mcp-backend.yml",
      groups: [appAlerts, llmAlerts, systemAlerts({ jobs: [...exporterJobs, cadvisorJob], cadvisorJob })].map(
        finished,
      ),
    },
    {
      file: "data-tier.yml",
      groups: [finished(dataTierAlerts({ redis, postgres }))],
    },
  ];
  if (postgres === "cloudnative-pg")
    files.push({
      file: "cloudnative-pg.yml",
      groups: [
        finished(
          cloudNativePgAlerts({
            instances: options.cloudNativePgInstances,
            poolers: options.cloudNativePgPoolers,
          }),
        ),
      ],
    });
  return files;
}

/** Every alert of every file (for tests and docs). */
export function allAlerts(options: RuleOptions = {}): RenderedAlert[] {
  return ruleFiles(options).flatMap((f) => f.groups.flatMap((g) => g.rules as RenderedAlert[]));
}
