export { ALERTMANAGER_DEFAULTS, type AlertmanagerArgs, validateAlertmanagerArgs } from "./args.js";
export { Alertmanager } from "./component.js";
export {
  ALERT_RECEIVER_SECRET,
  ALERTMANAGER_UID,
  alertmanagerFlows,
  alertmanagerObjects,
} from "./objects.js";
