import { HTTP_PATHS, METRICS_PORT, METRICS_PORT_NAME, SERVICE_NAME } from "@mcp-stack/contract";
import { beforeAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { REFERENCE_MONITORING, requiredSecrets, resolveEnvironment } from "../../../environments/index.js";
import {
  MONITORING_CONFIG as C,
  mcpBackendDashboard,
  ruleFiles,
  rulesYaml,
} from "../../../monitoring/index.js";
import { RENDER_CONFIG, renderObjects } from "../../../stacks/kubernetes/render.js";
import { environmentRuleOptions } from "../../../stacks/monitoring-inputs.js";
import { validateKubeObject } from "../../helpers/kube-schema.js";
import { find, podTemplates, type RenderedObject, rendered, selects } from "./rendered-objects.js";

/** prod as `npm run render -- prod --set monitoring.mode=operator` renders it, plus any other config. */
function renderOperatorProd(extra: Record<string, unknown> = {}): Promise<RenderedObject[]> {
  const operator = { mode: "operator", ...extra };
  return renderObjects("prod", { ...RENDER_CONFIG.prod, monitoring: operator });
}

const OPERATOR_GROUP = "monitoring.coreos.com/v1";
const SELECTOR = REFERENCE_MONITORING.operator.selectorLabels;
type Spec = Record<string, unknown>;
const spec = (o: RenderedObject) => o.spec as Spec;
const relabelJob = (endpoint: Spec) =>
  (endpoint.relabelings as Spec[]).find((r) => r.targetLabel === "job")?.replacement;

describe("prod with monitoring.mode: operator", () => {
  let objects: RenderedObject[];
  beforeAll(async () => {
    objects = await renderOperatorProd();
  });

  it("deploys no Prometheus, Alertmanager or Grafana of its own", () => {
    const names = objects.map((o) => `${o.kind}/${o.metadata.name}`);
    expect(names.filter((n) => /prometheus|alertmanager|grafana/.test(n))).toEqual([]);
    expect(objects.filter((o) => o.kind.startsWith("ClusterRole"))).toEqual([]);
  });

  it("renders only objects valid against their schemas, the Operator's from @kubernetes-models/prometheus-operator", () => {
    const operatorKinds = objects.filter((o) => o.apiVersion === OPERATOR_GROUP).map((o) => o.kind);
    expect(operatorKinds.sort()).toEqual([
      "PodMonitor",
      "PodMonitor",
      "PrometheusRule",
      "PrometheusRule",
      "PrometheusRule",
      "ServiceMonitor",
    ]);
    for (const o of objects)
      expect(() => validateKubeObject(o), `${o.kind} ${o.metadata.name}`).not.toThrow();
  });

  it("scrapes the app's pods on the contract's metrics port and path, as job mcp-backend", () => {
    const pm = find(objects, "PodMonitor", SERVICE_NAME);
    expect(pm.metadata.labels).toMatchObject(SELECTOR);
    const pod = podTemplates(objects).find((p) => p.workload === `deployment/${SERVICE_NAME}`)!;
    expect(selects((spec(pm).selector as Spec).matchLabels as Record<string, string>, pod.labels)).toBe(true);
    const [endpoint] = spec(pm).podMetricsEndpoints as Spec[];
    expect(endpoint).toMatchObject({ port: METRICS_PORT_NAME, path: HTTP_PATHS.metrics });
    const ports = (pod.spec.containers[0] as { ports: { name: string; containerPort: number }[] }).ports;
    expect(ports).toContainEqual(
      expect.objectContaining({ name: METRICS_PORT_NAME, containerPort: METRICS_PORT }),
    );
    expect(relabelJob(endpoint!)).toBe(C.jobs.app);
  });

  it("scrapes redis_exporter through its Service, as job redis", () => {
    const sm = find(objects, "ServiceMonitor", "redis-exporter");
    expect(sm.metadata.labels).toMatchObject(SELECTOR);
    const svc = find(objects, "Service", "redis-exporter");
    const matchLabels = (spec(sm).selector as Spec).matchLabels as Record<string, string>;
    expect(selects(matchLabels, svc.metadata.labels as Record<string, string>)).toBe(true);
    // Only the exporter's Service, never Redis' own.
    expect(
      selects(matchLabels, find(objects, "Service", "redis").metadata.labels as Record<string, string>),
    ).toBe(false);
    const [endpoint] = spec(sm).endpoints as Spec[];
    expect((spec(svc).ports as { name: string }[]).map((p) => p.name)).toContain(endpoint!.port);
    expect(relabelJob(endpoint!)).toBe(C.jobs.redis);
  });

  it("holds the bundled rules files' groups in one PrometheusRule each, cAdvisor as the Operator's kubelet job", () => {
    const env = resolveEnvironment("prod");
    const files = ruleFiles({ ...environmentRuleOptions(env), cadvisorJob: "kubelet" });
    for (const f of files) {
      const rule = find(objects, "PrometheusRule", f.file.replace(/\.yml$/, ""));
      expect(rule.metadata.labels).toMatchObject(SELECTOR);
      expect(spec(rule).groups).toEqual(JSON.parse(JSON.stringify(f.groups)));
      // The same groups and alerts as the bundled Prometheus loads.
      const bundled = parse(rulesYaml(environmentRuleOptions(env))[f.file]!) as {
        groups: { name: string; rules: { alert: string }[] }[];
      };
      const names = (gs: typeof bundled.groups) => gs.map((g) => [g.name, g.rules.map((r) => r.alert)]);
      expect(names(spec(rule).groups as typeof bundled.groups)).toEqual(names(bundled.groups));
    }
    const text = JSON.stringify(objects.filter((o) => o.kind === "PrometheusRule"));
    expect(text).not.toContain(C.jobs.cadvisor);
    expect(text).toContain('job=\\"kubelet\\"');
  });

  it("turns on CloudNativePG's own PodMonitor, labelled for the Operator and relabelled to job cloudnative-pg", () => {
    const cluster = spec(find(objects, "Cluster", "postgres"));
    expect(cluster.monitoring).toEqual({
      enablePodMonitor: true,
      podMonitorRelabelings: [{ action: "replace", targetLabel: "job", replacement: C.jobs.cloudnativePg }],
    });
    expect((cluster.inheritedMetadata as Spec).labels).toMatchObject(SELECTOR);
  });

  it("scrapes the Poolers' PgBouncer pods on their metrics port as job cloudnative-pg-pooler, and lets the Operator's Prometheus in", () => {
    const pm = find(objects, "PodMonitor", C.jobs.cloudnativePgPooler);
    expect(pm.metadata.labels).toMatchObject(SELECTOR);
    const matchLabels = (spec(pm).selector as Spec).matchLabels as Record<string, string>;
    // The labels CloudNativePG 1.30 puts on Pooler and instance pods (pkg/specs/pgbouncer/deployments.go, pods.go).
    const poolerPod = {
      "cnpg.io/cluster": "postgres",
      "cnpg.io/podRole": "pooler",
      "cnpg.io/poolerName": "postgres-pooler",
    };
    const instancePod = { "cnpg.io/cluster": "postgres", "cnpg.io/podRole": "instance" };
    expect(selects(matchLabels, poolerPod)).toBe(true);
    expect(selects(matchLabels, instancePod)).toBe(false);
    const [endpoint] = spec(pm).podMetricsEndpoints as Spec[];
    // The container port CloudNativePG declares for PgBouncer's exporter is named "metrics".
    expect(endpoint).toMatchObject({ port: "metrics" });
    expect(relabelJob(endpoint!)).toBe(C.jobs.cloudnativePgPooler);
    for (const pooler of ["postgres-pooler", "postgres-pooler-ro"]) {
      const ingress = spec(find(objects, "NetworkPolicy", pooler)).ingress as {
        from: Spec[];
        ports: { port: number }[];
      }[];
      const metrics = ingress.find((r) => r.ports.some((p) => p.port === 9127));
      expect(metrics?.from, pooler).toEqual([
        {
          namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "monitoring" } },
          podSelector: { matchLabels: { "app.kubernetes.io/name": "prometheus" } },
        },
      ]);
    }
  });

  it("ships the dashboard as a ConfigMap for Grafana's sidecar in the monitoring namespace", () => {
    const cm = find(objects, "ConfigMap", "mcp-backend-dashboard");
    expect(cm.metadata.namespace).toBe(REFERENCE_MONITORING.operator.dashboards.namespace);
    expect(cm.metadata.labels).toMatchObject({ grafana_dashboard: "1" });
    const dashboard = JSON.parse((cm.data as Record<string, string>)["mcp-backend-dashboard.json"]!);
    const titles = (d: { panels: { title: string }[] }) => d.panels.map((p) => p.title);
    expect(titles(dashboard)).toEqual(titles(mcpBackendDashboard() as unknown as typeof dashboard));
    expect(JSON.stringify(dashboard)).not.toContain(C.jobs.cadvisor);
  });

  it("lets the Operator's Prometheus, from its namespace, reach the app's metrics port and nothing in-namespace named prometheus", () => {
    const np = find(objects, "NetworkPolicy", SERVICE_NAME);
    const ingress = spec(np).ingress as { from?: Spec[]; ports: { port: number }[] }[];
    const metrics = ingress.find((r) => r.ports.some((p) => p.port === METRICS_PORT));
    expect(metrics?.from).toEqual([
      {
        namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "monitoring" } },
        podSelector: { matchLabels: { "app.kubernetes.io/name": "prometheus" } },
      },
    ]);
    expect(objects.filter((o) => o.metadata.name.startsWith("allow-prometheus-"))).toEqual([]);
  });
});

describe("operator mode's selector labels", () => {
  it("follow monitoring.operator.selectorLabels onto every monitor, rule and CloudNativePG's PodMonitor", async () => {
    const objects = await renderOperatorProd({ operator: { selectorLabels: { release: "kps" } } });
    const selected = objects.filter((o) => o.apiVersion === OPERATOR_GROUP);
    expect(selected.length).toBe(6);
    for (const o of selected) expect(o.metadata.labels, o.metadata.name).toMatchObject({ release: "kps" });
    const cluster = spec(find(objects, "Cluster", "postgres"));
    expect((cluster.inheritedMetadata as Spec).labels).toMatchObject({ release: "kps" });
  });
});

describe("bundled mode (every environment's default)", () => {
  it("emits no Operator objects and leaves CloudNativePG's PodMonitor off", async () => {
    for (const name of ["dev", "staging", "prod"] as const)
      expect(resolveEnvironment(name).monitoring.mode, name).toBe("bundled");
    const objects = await rendered("prod");
    expect(objects.filter((o) => o.apiVersion === OPERATOR_GROUP)).toEqual([]);
    expect(spec(find(objects, "Cluster", "postgres")).monitoring).toEqual({ enablePodMonitor: false });
  });
});

describe("operator mode's secrets", () => {
  it("needs neither the Grafana admin password nor the alert receiver: both belong to the cluster's stack", () => {
    const env = resolveEnvironment("prod", {
      monitoring: { mode: "operator" },
      prometheus: { receiver: "slack" },
    });
    expect(requiredSecrets(env)).not.toContain("grafanaAdminPassword");
    expect(requiredSecrets(env)).not.toContain("alertReceiver");
    expect(requiredSecrets(resolveEnvironment("prod"))).toContain("grafanaAdminPassword");
  });
});
