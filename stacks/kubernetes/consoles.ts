import { MONITORING_SERVICES as S } from "@mcp-stack/contract";
import * as pulumi from "@pulumi/pulumi";
import type { ResolvedEnvironment } from "../../environments/index.js";

/** How to reach one in-cluster UI: its Service URL, and the command that forwards it to localhost. */
export interface Console {
  /** In-cluster URL (from another pod). */
  readonly url: string;
  /** `kubectl port-forward` to open it at http://localhost:<port>. */
  readonly portForward: string;
}

interface ServicePort {
  readonly service: string;
  readonly port: number;
}

/** The UIs an environment deploys, by name: Grafana, Prometheus, Alertmanager, the tracing UI. */
export function consoleServices(env: ResolvedEnvironment): Record<string, ServicePort> {
  const out: Record<string, ServicePort> = {};
  if (env.grafana.enabled) out.grafana = { service: S.grafana.name, port: env.grafana.port };
  if (env.prometheus.enabled) {
    out.prometheus = { service: S.prometheus.name, port: S.prometheus.port };
    out.alertmanager = { service: S.alertmanager.name, port: S.alertmanager.port };
  }
  // Prod's tracing backend is outside the stack (jaeger.collector.exportEndpoint): no UI of ours.
  if (env.jaeger.enabled) out.tracing = { service: S.jaeger.name, port: S.jaeger.ports.ui };
  return out;
}

/**
 * Stack outputs for the UIs: `pulumi stack output consoles` lists each with its URL and the
 * port-forward line, with the same context the stack deploys to.
 */
export function consoles(
  env: ResolvedEnvironment,
  namespace: pulumi.Input<string>,
  context: string | undefined,
): pulumi.Output<Record<string, Console>> {
  const kubectl = context === undefined ? "kubectl" : `kubectl --context ${context}`;
  return pulumi.output(namespace).apply((ns) =>
    Object.fromEntries(
      Object.entries(consoleServices(env)).map(([name, { service, port }]) => [
        name,
        {
          url: `http://${service}.${ns}.svc:${port}`,
          portForward: `${kubectl} -n ${ns} port-forward svc/${service} ${port}:${port}`,
        },
      ]),
    ),
  );
}
