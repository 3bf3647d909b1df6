export {
  endpointPort,
  OTEL_COLLECTOR_DEFAULTS,
  type OtelCollectorArgs,
  validateOtelCollectorArgs,
} from "./args.js";
export { OtelCollector } from "./component.js";
export { OTEL_COLLECTOR_UID, otelCollectorFlows, otelCollectorObjects } from "./objects.js";
