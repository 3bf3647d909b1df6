import { MONITORING_CONFIG as C } from "../config.js";
import { appAlerts } from "./app.js";
import { dataTierAlerts } from "./data-tier.js";
import { llmAlerts } from "./llm.js";
import { systemAlerts } from "./system.js";
import type { AlertGroup, AlertRule, RulesFile } from "./types.js";

export type { AlertGroup, AlertRule, RulesFile } from "./types.js";

/** What varies between environments in the rules. */
export interface RuleOptions {
  /** Whether Redis and redis_exporter run (alerts on them otherwise fire forever). Defaults to true. */
  readonly redis?: boolean;
}

/** An alert as written to the rules file: the team label and runbook URL added. */
export interface RenderedAlert extends AlertRule {
  readonly annotations: AlertRule["annotations"] & { readonly runbook_url: string };
}

/** The one place that gives every alert its team label and runbook link. */
function finish(rule: AlertRule): RenderedAlert {
  return {
    ...rule,
    labels: { ...rule.labels, team: C.team },
    annotations: { ...rule.annotations, runbook_url: `${C.runbookBaseUrl}${rule.alert}.md` },
  };
}

function finishGroup(group: AlertGroup) {
  return { name: group.name, interval: C.groupInterval, rules: group.rules.map(finish) };
}

/**
 * The rules files Prometheus loads from /etc/prometheus/alerts/: the app's (the reference's
 * `mcp-backend.yml`) and the data tier's, one promtool test file each under monitoring/prometheus/tests/.
 */
export function ruleFiles(options: RuleOptions = {}): RulesFile[] {
  const redis = options.redis ?? true;
  const exporterJobs = redis ? [C.jobs.redis, C.jobs.postgres] : [C.jobs.postgres];
  return [
    {
      file: "mcp-backend.yml",
      groups: [appAlerts, llmAlerts, systemAlerts({ jobs: [...exporterJobs, C.jobs.cadvisor] })].map(
        finishGroup,
      ),
    },
    { file: "data-tier.yml", groups: [finishGroup(dataTierAlerts({ redis }))] },
  ];
}

/** Every alert of every file (for tests and docs). */
export function allAlerts(options: RuleOptions = {}): RenderedAlert[] {
  return ruleFiles(options).flatMap((f) => f.groups.flatMap((g) => g.rules as RenderedAlert[]));
}
