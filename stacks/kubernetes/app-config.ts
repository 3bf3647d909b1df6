import { posix } from "node:path";
import { METRICS_PORT } from "../../app/src/contract.js";
import type { ResolvedEnvironment } from "../../environments/index.js";
import { MONITORING_SERVICES } from "../../monitoring/services.js";
import { appSettings as sharedAppSettings } from "../app-settings.js";

/** Where the app writes its log file on Kubernetes (an emptyDir on the read-only root filesystem). */
export const LOG_DIR = "/var/log/mcp-backend";
/** DATA_DIR on Kubernetes (an emptyDir; only used when DATABASE_URL is unset). */
export const DATA_DIR = "/var/lib/mcp-backend";
/** The OTLP gRPC port of the tracing backends the monitoring tier deploys (Jaeger, the collector). */
export const OTLP_GRPC_PORT = MONITORING_SERVICES.otelCollector.ports.otlpGrpc;

/**
 * LOG_FILE on Kubernetes: an absolute path is kept (staging, prod: /var/log/mcp-backend/app.log); a
 * relative one (dev's logs/…) would land on the read-only root filesystem, so it moves into LOG_DIR.
 */
export function kubernetesLogFile(file: string): string {
  if (file === "") return "";
  return posix.isAbsolute(file) ? file : posix.join(LOG_DIR, posix.basename(file));
}

/** Every non-secret app setting of the environment, placed for Kubernetes: the ConfigMap's data. */
export function appSettings(env: ResolvedEnvironment): Record<string, string> {
  return sharedAppSettings(env, {
    logFile: kubernetesLogFile(env.logging.file),
    dataDir: DATA_DIR,
    // Behind a LoadBalancer the app port is public; the scrape port is reachable by Prometheus only.
    metricsPort: METRICS_PORT,
    jaegerHost: MONITORING_SERVICES.jaeger.name,
    otlpEndpoint: `http://${MONITORING_SERVICES.otelCollector.name}:${OTLP_GRPC_PORT}`,
  });
}
