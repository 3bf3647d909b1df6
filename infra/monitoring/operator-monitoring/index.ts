export {
  OPERATOR_MONITORING_DEFAULTS,
  type OperatorDashboards,
  type OperatorDashboardsArgs,
  type OperatorMonitoringArgs,
  type OperatorRuleGroup,
  type ScrapeTarget,
  validateOperatorMonitoringArgs,
} from "./args.js";
export { OperatorMonitoring } from "./component.js";
export { operatorMonitoringObjects, PROMETHEUS_OPERATOR_API_VERSION } from "./objects.js";
