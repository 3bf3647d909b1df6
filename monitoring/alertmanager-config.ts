import { MONITORING_PATHS as P } from "@mcp-stack/contract";
import type { AlertReceiverKind } from "./monitored-deployment.js";
import { scaleDuration } from "./time-scale.js";

/** Where the alertReceiver secret is read from inside the Alertmanager container. */
export const ALERT_RECEIVER_FILE = `${P.alertmanagerSecretDir}/${P.alertmanagerSecretKey}`;

type Json = Record<string, unknown>;

/**
 * The receiver of every alert. The secret part (webhook URL, Slack webhook URL, PagerDuty routing
 * key) is never in this config: it names a file that a Kubernetes Secret is mounted as.
 */
function receiver(kind: AlertReceiverKind): Json {
  switch (kind) {
    case "null":
      // Alerts are visible in the Alertmanager UI and API but sent nowhere.
      return { name: "null" };
    case "webhook":
      return { name: "webhook", webhook_configs: [{ url_file: ALERT_RECEIVER_FILE, send_resolved: true }] };
    case "slack":
      return {
        name: "slack",
        slack_configs: [
          {
            api_url_file: ALERT_RECEIVER_FILE,
            send_resolved: true,
            title: "[{{ .Status | toUpper }}] {{ .CommonLabels.alertname }} ({{ .CommonLabels.severity }})",
            text: "{{ range .Alerts }}{{ .Annotations.description }}\nRunbook: {{ .Annotations.runbook_url }}\n{{ end }}",
          },
        ],
      };
    case "pagerduty":
      return {
        name: "pagerduty",
        pagerduty_configs: [{ routing_key_file: ALERT_RECEIVER_FILE, send_resolved: true }],
      };
  }
}

export interface AlertmanagerOptions {
  /**
   * Test only: group_wait, group_interval and repeat_interval multiplied by this factor (see
   * RuleOptions.timeScale), for end-to-end tests. Defaults to 1.
   */
  readonly timeScale?: number;
}

/** alertmanager.yml for a receiver kind. */
export function alertmanagerConfig(kind: AlertReceiverKind, options: AlertmanagerOptions = {}): Json {
  const t = (duration: string) => scaleDuration(duration, options.timeScale ?? 1);
  return {
    route: {
      receiver: kind,
      group_by: ["alertname", "job"],
      // Wait for the other pods' alerts of the same outage before the first notification.
      group_wait: t("30s"),
      group_interval: t("5m"),
      repeat_interval: t("4h"),
      routes: [
        // Info alerts (the token budget) are a daily digest, not a page every four hours.
        { receiver: kind, matchers: ['severity="info"'], repeat_interval: t("24h") },
      ],
    },
    inhibit_rules: [
      // A Redis or Postgres that is down also looks saturated or missing; page once, for the cause.
      {
        source_matchers: ['severity="critical"'],
        target_matchers: ['severity="warning"'],
        equal: ["job", "instance"],
      },
    ],
    receivers: [receiver(kind)],
  };
}
