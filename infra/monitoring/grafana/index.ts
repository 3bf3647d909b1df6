export { GRAFANA_DEFAULTS, type GrafanaArgs, validateGrafanaArgs } from "./args.js";
export { Grafana } from "./component.js";
export {
  GRAFANA_ADMIN_PASSWORD_KEY,
  GRAFANA_ADMIN_SECRET,
  GRAFANA_UID,
  grafanaFlows,
  grafanaObjects,
} from "./objects.js";
