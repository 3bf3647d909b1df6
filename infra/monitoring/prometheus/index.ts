export { type PrometheusArgs, validatePrometheusArgs } from "./args.js";
export { Prometheus } from "./component.js";
export { PROMETHEUS_UID, prometheusFlows, prometheusObjects } from "./objects.js";
