/**
 * Monitoring as code: the metric catalogue, alert rules, Prometheus / Alertmanager / OTel Collector
 * configs and the Grafana dashboard. The metric catalogue lives in `@mcp-stack/contract`.
 */
export * from "./alertmanager-config.js";
export * from "./alerts/index.js";
export * from "./config.js";
export * from "./dashboards/builder.js";
export * from "./dashboards/mcp-backend.js";
export * from "./files.js";
export * from "./grafana/provisioning.js";
export * from "./monitored-deployment.js";
export * from "./otel-collector-config.js";
export * from "./prometheus-config.js";
export * from "./promql.js";
export * from "./yaml.js";
