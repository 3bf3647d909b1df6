import { describe, expect, it } from "vitest";
import {
  GRAFANA_ADMIN_SECRET,
  GRAFANA_DEFAULTS,
  type GrafanaArgs,
  grafanaObjects,
  validateGrafanaArgs,
} from "../../../../infra/monitoring/grafana/index.js";

/** Grafana as a building block: plain Args, the admin password as a value or an existing Secret. */
const minimal: GrafanaArgs = {
  namespace: "observability",
  image: "grafana/grafana:12.1.0",
  adminPassword: "s3cret",
  datasources: "apiVersion: 1\ndatasources: []\n",
  dashboardProvider: "apiVersion: 1\nproviders: []\n",
  dashboardsDir: "/srv/dashboards",
  storage: "1Gi",
};

type Env = { name: string; valueFrom?: { secretKeyRef?: { name: string; key: string } } };
const adminEnv = (args: GrafanaArgs) => {
  const d = grafanaObjects(args).find((o) => o.kind === "Deployment") as unknown as {
    spec: { template: { spec: { containers: { env: Env[] }[] } } };
  };
  return d.spec.template.spec.containers[0]!.env.find((e) => e.name === "GF_SECURITY_ADMIN_PASSWORD");
};

describe("Grafana args", () => {
  it("rejects neither adminPassword nor adminPasswordSecret, naming both", () => {
    const { adminPassword: _, ...none } = minimal;
    expect(validateGrafanaArgs(none)).toEqual([
      expect.stringMatching(/adminPassword or adminPasswordSecret/),
    ]);
  });

  it("rejects adminPassword together with adminPasswordSecret: they are mutually exclusive", () => {
    expect(
      validateGrafanaArgs({ ...minimal, adminPasswordSecret: { secretName: "grafana-es", key: "password" } }),
    ).toEqual([expect.stringMatching(/adminPassword and adminPasswordSecret are mutually exclusive/)]);
  });

  it("reads the password from the grafana-admin Secret it creates for adminPassword", () => {
    expect(validateGrafanaArgs(minimal)).toEqual([]);
    expect(adminEnv(minimal)?.valueFrom?.secretKeyRef).toEqual({
      name: GRAFANA_ADMIN_SECRET,
      key: "admin-password",
    });
  });

  it("reads the password from an existing Secret key given as adminPasswordSecret", () => {
    const { adminPassword: _, ...rest } = minimal;
    const args = { ...rest, adminPasswordSecret: { secretName: "grafana-es", key: "password" } };
    expect(validateGrafanaArgs(args)).toEqual([]);
    expect(adminEnv(args)?.valueFrom?.secretKeyRef).toEqual({ name: "grafana-es", key: "password" });
  });

  it("defaults to port 3000, a NetworkPolicy without Jaeger egress, instance grafana, no dashboards", () => {
    expect(GRAFANA_DEFAULTS).toEqual({
      port: 3000,
      networkPolicies: true,
      jaegerEgress: false,
      instance: "grafana",
    });
    const objs = grafanaObjects(minimal);
    const policy = objs.find((o) => o.kind === "NetworkPolicy");
    expect(JSON.stringify(policy)).not.toContain("16686");
    const deployment = objs.find((o) => o.kind === "Deployment")!;
    expect((deployment.metadata.labels as Record<string, string>)["app.kubernetes.io/instance"]).toBe(
      "grafana",
    );
    const dashboards = objs.find((o) => o.metadata.name === "grafana-dashboards") as unknown as {
      data: Record<string, string>;
    };
    expect(dashboards.data).toEqual({});
    expect(
      grafanaObjects({ ...minimal, networkPolicies: false }).some((o) => o.kind === "NetworkPolicy"),
    ).toBe(false);
  });
});
