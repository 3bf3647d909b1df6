import { posix } from "node:path";
import { APP_DIRS, METRICS_PORT, MONITORING_SERVICES, OTLP_GRPC_PORT } from "@mcp-stack/contract";
import type { ResolvedEnvironment } from "../../environments/index.js";
import { LOG_FILE_MAX_BYTES } from "../../infra/k8s/mcp-backend/args.js";
import { appEnvironment } from "../app-environment.js";

/**
 * LOG_FILE on Kubernetes: an absolute path is kept (staging, prod: /var/log/mcp-backend/app.log); a
 * relative one (dev's logs/…) would land on the read-only root filesystem, so it moves into LOG_DIR.
 */
export function kubernetesLogFile(file: string): string {
  if (file === "") return "";
  return posix.isAbsolute(file) ? file : posix.join(APP_DIRS.logs, posix.basename(file));
}

/** Every non-secret app setting of the environment, placed for Kubernetes: the ConfigMap's data. */
export function kubernetesAppConfig(env: ResolvedEnvironment): Record<string, string> {
  return appEnvironment(env, {
    // stdout only unless asked; a file then rotates within its emptyDir (LOG_VOLUME_MIB).
    logFile: env.logging.kubernetesFile ? kubernetesLogFile(env.logging.file) : "",
    logFileMaxBytes: LOG_FILE_MAX_BYTES,
    dataDir: APP_DIRS.data,
    // Behind a LoadBalancer the app port is public; the scrape port is reachable by Prometheus only.
    metricsPort: METRICS_PORT,
    jaegerHost: MONITORING_SERVICES.jaeger.name,
    otlpEndpoint: `http://${MONITORING_SERVICES.otelCollector.name}:${OTLP_GRPC_PORT}`,
  });
}
