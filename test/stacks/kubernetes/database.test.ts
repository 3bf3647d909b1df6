import { beforeAll, describe, expect, it } from "vitest";
import { kubernetesObjects, RENDER_CONFIG } from "../../../stacks/kubernetes/render.js";
import type { MockRunResult } from "../../../stacks/mock-run.js";
import { runStackWithSecrets } from "../../helpers/stack.js";

const EXTERNAL = {
  ...RENDER_CONFIG.prod,
  database: {
    engine: "external",
    pooler: { enabled: false },
    // What the managed service's proxy accepts; the budget checks the app against it.
    postgres: { maxConnections: 6000 },
    external: { egress: [{ cidr: "10.20.0.0/16", port: 5432 }] },
  },
  redis: { engine: "external", external: { egress: [{ cidr: "10.30.1.0/24", port: 6380 }] } },
};
const MANAGED_URLS = {
  databaseUrl: "postgresql://app:pw-managed@db-primary.prod.internal:5432/mcp",
  databaseReplicaUrl: "postgresql://app:pw-managed@db-replica.prod.internal:5432/mcp",
  redisUrl: "rediss://:pw-redis@redis-cluster.prod.internal:6380/0",
};

interface EgressRule {
  to?: { ipBlock?: { cidr: string }; podSelector?: unknown; namespaceSelector?: unknown }[];
  ports?: { port: number }[];
}

describe("prod on managed services (database.engine and redis.engine external)", () => {
  let run: MockRunResult;
  beforeAll(async () => {
    run = await runStackWithSecrets("prod", { config: EXTERNAL, secrets: MANAGED_URLS });
  });

  it("deploys no database or Redis pods, and no operators", () => {
    const objects = kubernetesObjects(run.resources);
    const kinds = objects.map((o) => `${o.kind}/${o.metadata.name}`);
    expect(
      kinds.filter((k) => /^(StatefulSet|Cluster|Pooler|ObjectStore|ScheduledBackup)\//.test(k)),
    ).toEqual([]);
    expect(kinds.filter((k) => /postgres|redis/.test(k) && !/^(NetworkPolicy|Secret)\//.test(k))).toEqual([]);
    expect(run.resources.filter((r) => r.type === "kubernetes:helm.sh/v3:Release")).toEqual([]);
  });

  it("gives the app the managed services' URLs, from secrets", () => {
    const secrets = kubernetesObjects(run.resources).filter((o) => o.kind === "Secret");
    const db = secrets.find((s) => s.metadata.name === "db-credentials")?.stringData;
    expect(db).toEqual({ url: MANAGED_URLS.databaseUrl, "replica-url": MANAGED_URLS.databaseReplicaUrl });
    expect(secrets.find((s) => s.metadata.name === "redis-credentials")?.stringData).toEqual({
      url: MANAGED_URLS.redisUrl,
    });
  });

  it("lets the app leave the namespace only to the configured ranges and ports (plus HTTPS for OpenAI/Sentry)", () => {
    const policy = kubernetesObjects(run.resources).find(
      (o) => o.kind === "NetworkPolicy" && o.metadata.name === "mcp-backend",
    );
    const egress = (policy?.spec as { egress: EgressRule[] } | undefined)?.egress ?? [];
    const toCidrs = egress
      .flatMap((r) =>
        (r.to ?? [])
          .filter((t) => t.ipBlock)
          .map((t) => `${t.ipBlock?.cidr}:${r.ports?.map((p) => p.port).join(",")}`),
      )
      .sort();
    // DNS to NodeLocal DNSCache's link-local address (kubernetes.dns) is the one range besides them.
    expect(toCidrs).toEqual([
      "0.0.0.0/0:443",
      "10.20.0.0/16:5432",
      "10.30.1.0/24:6380",
      "169.254.20.10/32:53,53",
    ]);
  });

  it("scrapes no exporter for them", async () => {
    const config = kubernetesObjects(run.resources).find(
      (o) => o.kind === "ConfigMap" && o.metadata.name === "prometheus-config",
    );
    const yml = JSON.stringify(config?.data);
    expect(yml).not.toContain("postgres-exporter");
    expect(yml).not.toContain("redis-exporter");
    expect(yml).not.toContain("job_name: cloudnative-pg");
  });

  it("stops with the secret to set when a URL is missing", async () => {
    await expect(
      runStackWithSecrets("prod", {
        config: EXTERNAL,
        secrets: { databaseUrl: MANAGED_URLS.databaseUrl, redisUrl: MANAGED_URLS.redisUrl },
      }),
    ).rejects.toThrow(
      'prod: missing secret "databaseReplicaUrl"; run: pulumi config set --secret mcp-stack:databaseReplicaUrl <value>',
    );
  });
});

describe("prod on CloudNativePG: what has no default", () => {
  it("stops without an object store for the WAL archive and base backups, naming the key", async () => {
    await expect(
      runStackWithSecrets("prod", { config: { ...RENDER_CONFIG.prod, backups: undefined } }),
    ).rejects.toThrow(
      /prod: backups.objectStore.destinationPath is not set.*\n {2}pulumi config set --path mcp-stack:backups.objectStore.destinationPath s3:\/\/<bucket>\/<path>/,
    );
  });

  it("stops when only one of the object store's keys is set, naming the other", async () => {
    await expect(
      runStackWithSecrets("prod", {
        config: RENDER_CONFIG.prod,
        secrets: { backupAccessKeyId: "AKIAEXAMPLE" },
      }),
    ).rejects.toThrow("pulumi config set --secret mcp-stack:backupSecretAccessKey <value>");
  });

  it("keeps given object store keys in a Secret, referenced by the ObjectStore", async () => {
    const run = await runStackWithSecrets("prod", {
      config: RENDER_CONFIG.prod,
      secrets: { backupAccessKeyId: "AKIAEXAMPLE", backupSecretAccessKey: "s3-secret-key-77" },
    });
    const store = kubernetesObjects(run.resources).find((o) => o.kind === "ObjectStore");
    expect(JSON.stringify(store)).not.toContain("s3-secret-key-77");
    expect(
      (store?.spec as { configuration: { s3Credentials: unknown } } | undefined)?.configuration.s3Credentials,
    ).toEqual({
      accessKeyId: { name: "postgres-backup-s3", key: expect.any(String) },
      secretAccessKey: { name: "postgres-backup-s3", key: expect.any(String) },
    });
  });

  it("uses the pods' IAM role when no object store keys are given", async () => {
    const run = await runStackWithSecrets("prod", { config: RENDER_CONFIG.prod });
    const store = kubernetesObjects(run.resources).find((o) => o.kind === "ObjectStore");
    expect(
      (store?.spec as { configuration: { s3Credentials: unknown } } | undefined)?.configuration.s3Credentials,
    ).toEqual({ inheritFromIAMRole: true });
  });
});

describe("prod's database objects are protected", () => {
  let run: MockRunResult;
  beforeAll(async () => {
    run = await runStackWithSecrets("prod", { config: RENDER_CONFIG.prod });
  });

  // Deleting a Cluster garbage-collects its instances' PVCs; uninstalling an operator chart deletes the
  // CRDs it templates, and with them every Cluster.
  it.each([
    ["kubernetes:postgresql.cnpg.io/v1:Cluster", true],
    ["kubernetes:barmancloud.cnpg.io/v1:ObjectStore", false],
    ["kubernetes:helm.sh/v3:Release", true],
  ] as const)("%s: protect, retainOnDelete %s", (type, retain) => {
    const found = run.resources.filter((r) => r.type === type);
    expect(found.length).toBeGreaterThan(0);
    for (const r of found)
      expect([r.name, r.options.protect, r.options.retainOnDelete]).toEqual([r.name, true, retain]);
  });
});

describe("prod's restore drill is configuration", () => {
  it("bootstraps the cluster by recovery to the given time, archiving into a folder of its own", async () => {
    const run = await runStackWithSecrets("prod", {
      config: {
        ...RENDER_CONFIG.prod,
        database: { restore: { serverName: "postgres", targetTime: "2026-12-01T09:30:00Z" } },
      },
    });
    const cluster = kubernetesObjects(run.resources).find((o) => o.kind === "Cluster")?.spec as {
      bootstrap: { recovery?: { source: string; recoveryTarget?: { targetTime: string } }; initdb?: unknown };
      externalClusters: { name: string; plugin: { parameters: Record<string, string> } }[];
      plugins: { parameters: Record<string, string> }[];
    };
    expect(cluster.bootstrap.initdb).toBeUndefined();
    expect(cluster.bootstrap.recovery?.recoveryTarget?.targetTime).toBe("2026-12-01T09:30:00Z");
    const source = cluster.externalClusters.find((c) => c.name === cluster.bootstrap.recovery?.source);
    expect(source?.plugin.parameters.serverName).toBe("postgres");
    expect(cluster.plugins[0]?.parameters.serverName).toBe("postgres-restored");
  });

  it("restores into a Cluster of its own name, never the live one's, and the app follows it", async () => {
    const run = await runStackWithSecrets("prod", {
      config: {
        ...RENDER_CONFIG.prod,
        database: { restore: { serverName: "postgres", backupId: "20261201T020000" } },
      },
    });
    const objects = kubernetesObjects(run.resources);
    const clusters = objects.filter((o) => o.kind === "Cluster");
    expect(clusters.map((c) => c.metadata.name)).toEqual(["postgres-restored"]);
    const spec = clusters[0]!.spec as {
      bootstrap: { recovery: { source: string; backup?: unknown; recoveryTarget: Record<string, string> } };
      externalClusters: { name: string; plugin: { name: string; parameters: Record<string, string> } }[];
    };
    expect(spec.bootstrap.recovery.backup).toBeUndefined();
    expect(spec.bootstrap.recovery.recoveryTarget).toEqual({ backupID: "20261201T020000" });
    const source = spec.externalClusters.find((c) => c.name === spec.bootstrap.recovery.source);
    expect(source?.plugin).toEqual({
      name: "barman-cloud.cloudnative-pg.io",
      parameters: { barmanObjectName: "postgres-restored-backups", serverName: "postgres" },
    });
    expect(
      objects
        .filter((o) => o.kind === "Pooler")
        .map((o) => o.metadata.name)
        .sort(),
    ).toEqual(["postgres-restored-pooler", "postgres-restored-pooler-ro"]);
    expect(run.outputs.databaseService).toBe("postgres-restored-pooler");
  });

  it("refuses restore.backup (a Backup object: the in-tree path), saying what to set instead", async () => {
    await expect(
      runStackWithSecrets("prod", {
        config: { ...RENDER_CONFIG.prod, database: { restore: { backup: "postgres-daily-1" } } },
      }),
    ).rejects.toThrow(/database\.restore\.backup.*database\.restore\.serverName/s);
  });

  it("rejects a target time that is not RFC 3339, naming the key", async () => {
    await expect(
      runStackWithSecrets("prod", {
        config: {
          ...RENDER_CONFIG.prod,
          database: { restore: { serverName: "postgres", targetTime: "yesterday" } },
        },
      }),
    ).rejects.toThrow(/database\.restore/);
  });
});

/**
 * Backups by IAM role. The Barman Cloud plugin runs as a sidecar of each instance, as the instances'
 * ServiceAccount, which CloudNativePG creates from `spec.serviceAccountTemplate` (cloudnative-pg
 * api/v1/cluster_types.go, ServiceAccountTemplate). The annotation each cloud federates on, and the
 * ObjectStore's side (`s3Credentials.inheritFromIAMRole`, `googleCredentials.gkeEnvironment`), are
 * plugin-barman-cloud's web/docs/object_stores.md ("IAM Role for Service Account (IRSA)", "GKE
 * Workload Identity").
 */
describe("prod's backups by IAM role", () => {
  const withStore = (objectStore: Record<string, unknown>) => ({
    ...RENDER_CONFIG.prod,
    backups: { objectStore },
  });
  const specs = (run: MockRunResult) => {
    const objects = kubernetesObjects(run.resources);
    return {
      cluster: objects.find((o) => o.kind === "Cluster")?.spec as {
        serviceAccountTemplate?: { metadata: { annotations: Record<string, string> } };
      },
      store: (
        objects.find((o) => o.kind === "ObjectStore")!.spec as { configuration: Record<string, unknown> }
      ).configuration,
      secrets: objects.filter((o) => o.kind === "Secret").map((o) => o.metadata.name),
    };
  };

  it("IRSA: the instances' ServiceAccount carries the role, the store inherits it, no key Secret", async () => {
    const run = await runStackWithSecrets("prod", {
      config: withStore({
        destinationPath: "s3://acme-backups/prod",
        identity: { provider: "aws-irsa", roleArn: "arn:aws:iam::123456789012:role/mcp-backups" },
      }),
    });
    const { cluster, store, secrets } = specs(run);
    expect(cluster.serviceAccountTemplate).toEqual({
      metadata: {
        annotations: { "eks.amazonaws.com/role-arn": "arn:aws:iam::123456789012:role/mcp-backups" },
      },
    });
    expect(store.s3Credentials).toEqual({ inheritFromIAMRole: true });
    expect(secrets).not.toContain("postgres-backup-s3");
  });

  it("GKE Workload Identity: the Google service account on the ServiceAccount, gs:// with gkeEnvironment", async () => {
    const run = await runStackWithSecrets("prod", {
      config: withStore({
        destinationPath: "gs://acme-backups/prod",
        identity: {
          provider: "gke-workload-identity",
          serviceAccount: "mcp-backups@acme-prod.iam.gserviceaccount.com",
        },
      }),
    });
    const { cluster, store } = specs(run);
    expect(cluster.serviceAccountTemplate?.metadata.annotations).toEqual({
      "iam.gke.io/gcp-service-account": "mcp-backups@acme-prod.iam.gserviceaccount.com",
    });
    expect(store.googleCredentials).toEqual({ gkeEnvironment: true });
    expect(store.s3Credentials).toBeUndefined();
  });

  it("refuses gs:// without Workload Identity, and an identity beside access keys, saying what to run", async () => {
    await expect(
      runStackWithSecrets("prod", { config: withStore({ destinationPath: "gs://acme-backups/prod" }) }),
    ).rejects.toThrow(/backups\.objectStore\.identity: a gs:\/\/ destinationPath/);
    await expect(
      runStackWithSecrets("prod", {
        config: withStore({
          destinationPath: "s3://acme-backups/prod",
          identity: { provider: "aws-irsa", roleArn: "arn:aws:iam::123456789012:role/mcp-backups" },
        }),
        secrets: { backupAccessKeyId: "AKIAEXAMPLE", backupSecretAccessKey: "example" },
      }),
    ).rejects.toThrow(/exclude each other.*pulumi config rm mcp-stack:backupAccessKeyId/s);
  });
});
