import * as pulumi from "@pulumi/pulumi";
import { beforeAll, describe, expect, it } from "vitest";
import {
  Alertmanager,
  AppImage,
  AppSecrets,
  Backups,
  CloudNativePgDatabase,
  DataOperators,
  DevApp,
  DevDatabase,
  ExternalSecrets,
  ExternalSecretsOperator,
  Grafana,
  InvalidArgsError,
  Jaeger,
  McpBackend,
  OperatorMonitoring,
  OtelCollector,
  PgvectorPostgres,
  Prometheus,
  Redis,
  toArgsIssue,
} from "../../../infra/index.js";
import { type Registered, recordRegistrations, settled } from "../../helpers/component-mocks.js";
import { PROD } from "../k8s/cloud-native-pg-database/fixtures.js";
import { AWS, args as esoArgs } from "../k8s/external-secrets/fixtures.js";

/**
 * One validation shape for every component: the constructor checks its Args before it creates any
 * child, reports every problem at once, and throws the SDK's own InputPropertiesError, whose entries
 * carry the property path (what the engine prints per property when the component runs in the plugin
 * host for another language).
 */
let registered: Registered[] = [];
beforeAll(async () => {
  registered = await recordRegistrations("validation");
});

const RESOURCES = {
  requests: { cpu: "100m", memory: "256Mi", ephemeralStorage: "64Mi" },
  limits: { cpu: "500m", memory: "512Mi", ephemeralStorage: "256Mi" },
};
const PROBE = { initialDelaySeconds: 1, periodSeconds: 5, timeoutSeconds: 2, failureThreshold: 3 };
const TUNING = {
  sharedBuffers: "1GB",
  effectiveCacheSize: "3GB",
  maxConnections: 200,
  workMem: "64MB",
  maintenanceWorkMem: "512MB",
  randomPageCost: 1.1,
  effectiveIoConcurrency: 200,
  walBuffers: "16MB",
  checkpointCompletionTarget: 0.9,
};
const SECRET = { secretName: "db", key: "password" };

/** Each component with Args that break several of its rules, and the property paths that must be named. */
const CASES: [string, (name: string) => unknown, string[]][] = [
  [
    "McpBackend",
    (n) =>
      new McpBackend(n, {
        namespace: "ns",
        image: "app:latest",
        version: "1.0.0",
        replicas: 0,
        resources: RESOURCES,
        livenessProbe: { path: "/live", ...PROBE },
        readinessProbe: { path: "/live", ...PROBE },
        config: { DATABASE_URL: "x" },
        secretEnv: { DATABASE_URL: SECRET },
      }),
    ["image", "replicas", "livenessProbe", "secretEnv.DATABASE_URL"],
  ],
  [
    "PgvectorPostgres",
    (n) =>
      new PgvectorPostgres(n, {
        namespace: "ns",
        image: "pgvector/pgvector:latest",
        database: "app-db",
        user: "app",
        passwordSecret: SECRET,
        memory: "1Gi",
        cpu: "1",
        tuning: { ...TUNING, maxConnections: 5 },
        storage: "1Gi",
      }),
    ["image", "tuning.maxConnections", "database"],
  ],
  [
    "Redis",
    (n) =>
      new Redis(n, {
        namespace: "ns",
        image: "redis",
        exporterImage: "oliver006/redis_exporter:v1.67.0",
        maxmemory: "lots",
        resources: RESOURCES,
        storage: "1Gi",
      }),
    ["image", "maxmemory"],
  ],
  [
    "Backups",
    (n) =>
      new Backups(n, {
        namespace: "ns",
        image: "pgvector/pgvector:0.8.0-pg16",
        schedule: "daily",
        retentionDays: 0,
        storage: "1Gi",
        host: "postgres",
        database: "app",
        user: "app",
        passwordSecret: SECRET,
      }),
    ["retentionDays", "schedule"],
  ],
  [
    "AppSecrets",
    (n) =>
      new AppSecrets(n, {
        namespace: "ns",
        database: { url: "postgresql://x", user: "app", password: "p" },
        envNames: { redisUrl: "REDIS URL" },
      }),
    ["database.url", "envNames.redisUrl"],
  ],
  [
    "CloudNativePgDatabase",
    (n) =>
      new CloudNativePgDatabase(n, {
        ...PROD,
        instances: 0,
        pooler: { enabled: false, instances: 2 },
        backup: { retentionPolicy: "30 days" },
      }),
    ["instances", "pooler.instances", "backup.destinationPath", "backup.retentionPolicy"],
  ],
  [
    "DataOperators",
    (n) =>
      new DataOperators(n, { mode: "install", versions: { cloudnativePg: "latest", certManager: "1.x" } }),
    ["versions.cloudnativePg", "versions.certManager"],
  ],
  [
    "ExternalSecretsOperator",
    (n) => new ExternalSecretsOperator(n, { mode: "sometimes" as "install" }),
    ["mode"],
  ],
  [
    "ExternalSecrets",
    (n) =>
      new ExternalSecrets(
        n,
        esoArgs(
          { ...AWS, region: "mars", server: "https://vault" },
          { namespace: n, refreshInterval: "hourly" },
        ),
      ),
    ["store.server", "store.region", "refreshInterval"],
  ],
  [
    "OperatorMonitoring",
    (n) =>
      new OperatorMonitoring(n, {
        namespace: "ns",
        selectorLabels: {},
        podMonitors: [{ name: "Api", selector: {}, port: "metrics", job: "api" }],
        rules: { api: "groups: nope" },
      }),
    ["selectorLabels", "podMonitors[0].name", "podMonitors[0].selector", "rules.api"],
  ],
  [
    "Prometheus",
    (n) => new Prometheus(n, { namespace: "ns", image: "prom/prometheus", config: "", retention: "a while" }),
    ["image", "config", "retention"],
  ],
  [
    "Alertmanager",
    (n) =>
      new Alertmanager(n, {
        namespace: "ns",
        image: "prom/alertmanager:v0.28.1",
        config: "route: {}",
        alertReceiver: "https://hooks",
        alertReceiverProvided: true,
      }),
    ["alertReceiver"],
  ],
  [
    "Grafana",
    (n) =>
      new Grafana(n, {
        namespace: "ns",
        image: "grafana/grafana:12.1.0",
        datasources: "apiVersion: 1",
        dashboardProvider: "apiVersion: 1",
        dashboardsDir: "/etc/grafana/dashboards",
        storage: "1Gi",
      }),
    ["adminPassword"],
  ],
  ["Jaeger", (n) => new Jaeger(n, { namespace: "ns", image: "jaegertracing/jaeger:latest" }), ["image"]],
  [
    "OtelCollector",
    (n) =>
      new OtelCollector(n, {
        namespace: "ns",
        image: "otel/collector:0.117.0",
        exportEndpoint: "tempo",
        config: "receivers: {}",
      }),
    ["exportEndpoint"],
  ],
  [
    "AppImage",
    (n) => new AppImage(n, { imageName: "app:1", context: "/repo", platform: "amd64", nativePlatform: true }),
    ["platform", "platform"],
  ],
  [
    "DevApp",
    (n) =>
      new DevApp(n, {
        context: "/repo",
        environment: {},
        network: "net",
        hostPort: 70000,
        mounts: [{ hostPath: "app", containerPath: "app" }],
      }),
    ["mounts[0].hostPath", "mounts[0].containerPath", "hostPort"],
  ],
  [
    "DevDatabase",
    (n) =>
      new DevDatabase(n, {
        image: "pgvector/pgvector:latest",
        database: "app",
        user: "app",
        password: "p",
        network: "net",
        publishPort: false,
        hostPort: 5433,
      }),
    ["image", "hostPort"],
  ],
];

function thrown(build: () => unknown): unknown {
  try {
    build();
  } catch (e) {
    return e;
  }
  throw new Error("the constructor did not throw");
}

describe("every component's validation", () => {
  it.each(CASES)(
    "%s throws all its problems at once, each with its property path",
    (component, build, paths) => {
      const name = `bad-${component.toLowerCase()}`;
      const e = thrown(() => build(name));
      expect(e).toBeInstanceOf(InvalidArgsError);
      expect(pulumi.InputPropertiesError.isInstance(e)).toBe(true);
      const error = e as InvalidArgsError;
      expect(error.component).toBe(component);
      expect(error.errors.map((i) => i.propertyPath)).toEqual(paths);
      for (const i of error.errors) expect(i.reason.length).toBeGreaterThan(5);
      expect(error.message.split("\n")).toHaveLength(paths.length + 1);
    },
  );

  it.each(CASES)("%s creates no child before it has checked its Args", async (component) => {
    await settled();
    const prefix = `bad-${component.toLowerCase()}`;
    expect(registered.some((r) => r.name === prefix)).toBe(true);
    // The component itself is registered by its base constructor; nothing may be registered under it.
    expect(registered.filter((r) => r.name.startsWith(prefix) && !r.type.startsWith("mcp-stack:"))).toEqual(
      [],
    );
  });
});

describe("toArgsIssue", () => {
  it("splits a sentence into the property path it begins with and the reason", () => {
    expect(toArgsIssue('secrets[1].keys["url"].remoteKey is required')).toEqual({
      propertyPath: 'secrets[1].keys["url"].remoteKey',
      reason: "is required",
    });
    expect(toArgsIssue("rules.api is not a rules file: groups: expected array")).toEqual({
      propertyPath: "rules.api",
      reason: "is not a rules file: groups: expected array",
    });
  });

  it("keeps a sentence that names no path whole, against the Args as a whole", () => {
    expect(toArgsIssue("— nothing to name")).toEqual({ propertyPath: "", reason: "— nothing to name" });
  });
});
