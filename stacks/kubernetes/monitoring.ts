import type * as pulumi from "@pulumi/pulumi";
import type { ResolvedEnvironment } from "../../environments/index.js";
import type { StackSecrets } from "../config.js";

export interface MonitoringInputs {
  readonly env: ResolvedEnvironment;
  readonly secrets: StackSecrets;
  readonly namespace: pulumi.Output<string>;
  readonly parent: pulumi.Resource;
}

/** Prometheus, Alertmanager, Grafana, Jaeger / OTel Collector of an environment. */
export function deployMonitoring(_inputs: MonitoringInputs): Record<string, pulumi.Output<unknown>> {
  return {};
}
