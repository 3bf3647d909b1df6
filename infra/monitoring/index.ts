export * from "./alertmanager/index.js";
export * from "./grafana/index.js";
export * from "./jaeger/index.js";
export { MONITORING_RESOURCES, mebibytes } from "./lib/resources.js";
export * from "./operator-monitoring/index.js";
export * from "./otel-collector/index.js";
export * from "./prometheus/index.js";
