export {
  ALERT_RECEIVER_SECRET,
  ALERTMANAGER_DEFAULTS,
  ALERTMANAGER_UID,
  Alertmanager,
  type AlertmanagerArgs,
  alertmanagerFlows,
  alertmanagerObjects,
  validateAlertmanagerArgs,
} from "./alertmanager/objects.js";
export {
  GRAFANA_ADMIN_PASSWORD_KEY,
  GRAFANA_ADMIN_SECRET,
  GRAFANA_DEFAULTS,
  GRAFANA_UID,
  Grafana,
  type GrafanaArgs,
  grafanaFlows,
  grafanaObjects,
  validateGrafanaArgs,
} from "./grafana/objects.js";
export { MONITORING_RESOURCES, mebibytes } from "./lib/resources.js";
export { OperatorMonitoring } from "./operator-monitoring/component.js";
export {
  OPERATOR_MONITORING_DEFAULTS,
  type OperatorDashboardsArgs,
  type OperatorMonitoringArgs,
  type OperatorRuleGroup,
  operatorMonitoringObjects,
  PROMETHEUS_OPERATOR_API_VERSION,
  type ScrapeTarget,
  validateOperatorMonitoringArgs,
} from "./operator-monitoring/objects.js";
export {
  endpointPort,
  JAEGER_DEFAULTS,
  JAEGER_UID,
  Jaeger,
  type JaegerArgs,
  jaegerFlows,
  jaegerObjects,
  OTEL_COLLECTOR_DEFAULTS,
  OTEL_COLLECTOR_UID,
  OtelCollector,
  type OtelCollectorArgs,
  otelCollectorFlows,
  otelCollectorObjects,
  validateJaegerArgs,
  validateOtelCollectorArgs,
} from "./otel-collector/objects.js";
export {
  PROMETHEUS_UID,
  Prometheus,
  type PrometheusArgs,
  prometheusFlows,
  prometheusObjects,
  validatePrometheusArgs,
} from "./prometheus/objects.js";
