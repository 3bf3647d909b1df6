import { describe, expect, expectTypeOf, it } from "vitest";
import {
  type CloudNativePgDatabaseArgs,
  type Cluster,
  CNPG_POSTGRES_IMAGE,
  cloudNativePgObjects,
  clusterSchema,
  cnpgSchedule,
  crdIssues,
  type DataCompression,
  type KubeObject,
  type ObjectStore,
  type Pooler,
  poolerSchema,
  type ScheduledBackup,
  validateCloudNativePgDatabaseArgs,
  type WalCompression,
} from "../../../../infra/index.js";
import { PROD } from "./fixtures.js";

function kinds(args: CloudNativePgDatabaseArgs) {
  const objs = cloudNativePgObjects(args);
  const get = <T>(kind: string) => objs.find((o) => o.kind === kind) as unknown as T;
  return {
    objs,
    cluster: get<Cluster>("Cluster"),
    pooler: get<Pooler>("Pooler"),
    store: get<ObjectStore>("ObjectStore"),
    scheduled: get<ScheduledBackup>("ScheduledBackup"),
  };
}

describe("cloudNativePgObjects", () => {
  const { objs, cluster, pooler, store, scheduled } = kinds(PROD);

  it("renders an ObjectStore, a Cluster, a Pooler and a ScheduledBackup, each passing its schema", () => {
    expect(objs.map((o) => `${o.apiVersion}/${o.kind}`)).toEqual([
      "barmancloud.cnpg.io/v1/ObjectStore",
      "postgresql.cnpg.io/v1/Cluster",
      "postgresql.cnpg.io/v1/Pooler",
      "postgresql.cnpg.io/v1/ScheduledBackup",
    ]);
    for (const o of objs) expect(crdIssues(o)).toEqual([]);
  });

  it("defaults to 3 instances of the pinned pgvector image, spread by hostname, updated unsupervised", () => {
    expect(cluster.spec.instances).toBe(3);
    expect(cluster.spec.imageName).toBe(CNPG_POSTGRES_IMAGE);
    expect(CNPG_POSTGRES_IMAGE).toMatch(/^ghcr\.io\/cloudnative-pg\/postgresql:17\.\d+-standard-/);
    expect(cluster.spec.affinity).toEqual({
      enablePodAntiAffinity: true,
      podAntiAffinityType: "preferred",
      topologyKey: "kubernetes.io/hostname",
    });
    expect(cluster.spec.primaryUpdateStrategy).toBe("unsupervised");
    expect(cluster.spec.storage).toEqual({ size: "50Gi", storageClass: "fast-ssd" });
    expect(cluster.spec.resources).toEqual(PROD.resources);
  });

  it("passes the tuning as string parameters", () => {
    expect(cluster.spec.postgresql?.parameters).toEqual(PROD.parameters);
    for (const v of Object.values(cluster.spec.postgresql!.parameters!)) expect(typeof v).toBe("string");
  });

  it("bootstraps the app database with pgvector and manages the owner role from the credentials Secret", () => {
    const initdb = cluster.spec.bootstrap!.initdb!;
    expect(initdb.database).toBe("mcp_production");
    expect(initdb.owner).toBe("mcp");
    expect(initdb.secret).toEqual({ name: "postgres-app-credentials" });
    expect(initdb.postInitApplicationSQL).toEqual(["CREATE EXTENSION IF NOT EXISTS vector"]);
    expect(initdb.dataChecksums).toBe(true);
    expect(cluster.spec.bootstrap!.recovery).toBeUndefined();
    expect(cluster.spec.managed!.roles).toEqual([
      { name: "mcp", ensure: "present", login: true, passwordSecret: { name: "postgres-app-credentials" } },
    ]);
    expect(cluster.spec.enableSuperuserAccess).toBe(false);
  });

  it("annotates the operator's pods for the bundled Prometheus on 9187 and leaves the PodMonitor off", () => {
    expect(cluster.spec.inheritedMetadata!.annotations).toEqual({
      "prometheus.io/scrape": "true",
      "prometheus.io/port": "9187",
    });
    expect(cluster.spec.monitoring).toEqual({ enablePodMonitor: false });
  });

  it("runs a transaction-mode PgBouncer against the primary with the pool sizes as strings", () => {
    expect(pooler.metadata.name).toBe("postgres-pooler");
    expect(pooler.spec.cluster).toEqual({ name: "postgres" });
    expect(pooler.spec.type).toBe("rw");
    expect(pooler.spec.instances).toBe(2);
    expect(pooler.spec.pgbouncer).toEqual({
      poolMode: "transaction",
      parameters: { max_client_conn: "1000", default_pool_size: "40", reserve_pool_size: "10" },
    });
    expect(pooler.spec.template!.spec!.containers[0]!.name).toBe("pgbouncer");
  });

  it("archives WAL through the Barman Cloud plugin to the ObjectStore, keys from the S3 Secret", () => {
    expect(cluster.spec.plugins).toEqual([
      {
        name: "barman-cloud.cloudnative-pg.io",
        isWALArchiver: true,
        parameters: { barmanObjectName: "postgres-backups", serverName: "postgres" },
      },
    ]);
    expect(store.spec.configuration).toEqual({
      destinationPath: "s3://mcp-backups/postgres",
      endpointURL: "https://minio.storage:9000",
      s3Credentials: {
        accessKeyId: { name: "postgres-backup-s3", key: "ACCESS_KEY_ID" },
        secretAccessKey: { name: "postgres-backup-s3", key: "ACCESS_SECRET_KEY" },
      },
      wal: { compression: "gzip" },
      data: { compression: "gzip" },
    });
    expect(store.spec.retentionPolicy).toBe("30d");
  });

  it("inherits the IAM role when no keys are given", () => {
    const { store: s } = kinds({ ...PROD, backup: { destinationPath: "s3://bkt/p" } });
    expect(s.spec.configuration.s3Credentials).toEqual({ inheritFromIAMRole: true });
    expect(s.spec.configuration.endpointURL).toBeUndefined();
  });

  it("schedules a daily plugin backup at 02:00 in six-field cron, owned by the ScheduledBackup, immediately", () => {
    expect(scheduled.spec).toEqual({
      cluster: { name: "postgres" },
      schedule: "0 0 2 * * *",
      method: "plugin",
      pluginConfiguration: { name: "barman-cloud.cloudnative-pg.io" },
      backupOwnerReference: "self",
      immediate: true,
    });
  });

  it("puts the recommended labels on every object", () => {
    for (const o of objs as KubeObject[]) {
      const labels = o.metadata.labels as Record<string, string>;
      expect(labels["app.kubernetes.io/part-of"]).toBe("mcp-stack");
      expect(labels["app.kubernetes.io/managed-by"]).toBe("pulumi");
      expect(labels["app.kubernetes.io/instance"]).toBe("postgres");
      expect(labels["app.kubernetes.io/version"]).toBe("17.11-standard-trixie");
    }
  });

  it("renders no backup objects and no plugin with backup disabled", () => {
    const r = kinds({ ...PROD, backup: { enabled: false } });
    expect(r.objs.map((o) => o.kind)).toEqual(["Cluster", "Pooler"]);
    expect(r.cluster.spec.plugins).toBeUndefined();
  });
});

describe("restore", () => {
  it("recovers from the old cluster's folder in the object store up to a point in time", () => {
    const { cluster } = kinds({
      ...PROD,
      backup: {
        ...(PROD.backup as object),
        destinationPath: "s3://mcp-backups/postgres",
        serverName: "postgres-2",
      },
      restore: { source: { serverName: "postgres" }, targetTime: "2026-08-01T10:00:00Z" },
    });
    expect(cluster.spec.bootstrap).toEqual({
      recovery: {
        source: "origin",
        database: "mcp_production",
        owner: "mcp",
        secret: { name: "postgres-app-credentials" },
        recoveryTarget: { targetTime: "2026-08-01T10:00:00Z" },
      },
    });
    expect(cluster.spec.externalClusters).toEqual([
      {
        name: "origin",
        plugin: {
          name: "barman-cloud.cloudnative-pg.io",
          parameters: { barmanObjectName: "postgres-backups", serverName: "postgres" },
        },
      },
    ]);
    // The new cluster archives to its own folder.
    expect(cluster.spec.plugins![0]!.parameters!.serverName).toBe("postgres-2");
  });

  // Plugin-based recovery: CloudNativePG hands `bootstrap.recovery.source` → `externalClusters[].plugin`
  // to the plugin (cloudnative-pg docs/src/recovery.md, "Recovery from an Object Store with the Barman
  // Cloud Plugin"); the plugin reads `barmanObjectName` and `serverName` from that entry's parameters
  // (plugin-barman-cloud internal/cnpgi/operator/config/config.go, NewFromCluster) and picks the base
  // backup with `recoveryTarget` (internal/cnpgi/restore/restore.go, FindBackupInfo; `backupID` is
  // RecoveryTarget.BackupID in cloudnative-pg api/v1/cluster_types.go). `recovery.backup` is the in-tree
  // Barman path and never used.
  it("starts from a chosen base backup by its Barman ID, still through the plugin's external cluster", () => {
    const { cluster } = kinds({
      ...PROD,
      backup: {
        ...(PROD.backup as object),
        destinationPath: "s3://mcp-backups/postgres",
        serverName: "postgres-2",
      },
      restore: { source: { serverName: "postgres" }, backupId: "20260801T020000" },
    });
    expect(cluster.spec.bootstrap!.recovery!.backup).toBeUndefined();
    expect(cluster.spec.bootstrap!.recovery!.source).toBe("origin");
    expect(cluster.spec.bootstrap!.recovery!.recoveryTarget).toEqual({ backupID: "20260801T020000" });
    expect(cluster.spec.externalClusters?.[0]?.plugin?.parameters).toEqual({
      barmanObjectName: "postgres-backups",
      serverName: "postgres",
    });
  });
});

describe("schemas", () => {
  const { cluster, pooler } = kinds(PROD);

  it("reject a misspelt field (the API server would prune it silently)", () => {
    const typo = { ...cluster, spec: { ...cluster.spec, instance: 3 } };
    const r = clusterSchema.safeParse(typo);
    expect(r.success).toBe(false);
    expect(crdIssues(typo)).toEqual([
      expect.stringMatching(/^Cluster postgres: spec: Unrecognized key: "instance"/),
    ]);
  });

  it("reject values of the wrong type: a number for a pgbouncer parameter, a fractional instance count", () => {
    const bad = {
      ...pooler,
      spec: {
        ...pooler.spec,
        instances: 1.5,
        pgbouncer: { ...pooler.spec.pgbouncer, parameters: { max_client_conn: 100 } },
      },
    };
    const paths = poolerSchema.safeParse(bad).error!.issues.map((i) => i.path.join("."));
    expect(paths.sort()).toEqual(["spec.instances", "spec.pgbouncer.parameters.max_client_conn"]);
  });

  it("reject initdb together with recovery, and a five-field schedule", () => {
    const both = {
      ...cluster,
      spec: { ...cluster.spec, bootstrap: { ...cluster.spec.bootstrap, recovery: { source: "x" } } },
    };
    expect(crdIssues(both).join()).toMatch(/initdb and recovery are mutually exclusive/);
    const { scheduled } = kinds(PROD);
    expect(crdIssues({ ...scheduled, spec: { ...scheduled.spec, schedule: "0 2 * * *" } }).join()).toMatch(
      /six-field/,
    );
  });
});

describe("schemas generated from the CRDs (infra/k8s/lib/crds/generated)", () => {
  const { cluster, pooler, store } = kinds(PROD);

  it("reject a misspelt field deep in the Pooler's pod template, which the CRD types as a PodTemplateSpec", () => {
    const container = pooler.spec.template!.spec!.containers[0]!;
    const bad = {
      ...pooler,
      spec: {
        ...pooler.spec,
        template: { ...pooler.spec.template, spec: { containers: [{ ...container, resourcess: {} }] } },
      },
    };
    expect(crdIssues(bad)).toEqual([
      expect.stringMatching(
        /^Pooler postgres-pooler: spec\.template\.spec\.containers\.0: Unrecognized key: "resourcess"/,
      ),
    ]);
  });

  it("reject a CPU request that is not a quantity (the int-or-string pattern applies to strings)", () => {
    const resources = { ...cluster.spec.resources, requests: { cpu: "half", memory: "1Gi" } };
    const issues = crdIssues({ ...cluster, spec: { ...cluster.spec, resources } });
    expect(issues.join()).toMatch(/spec\.resources\.requests\.cpu/);
    expect(crdIssues({ ...cluster, spec: { ...cluster.spec, resources: { requests: { cpu: 2 } } } })).toEqual(
      [],
    );
  });

  it("name the CRD's compressions in WalCompression and DataCompression", () => {
    type Configuration = ObjectStore["spec"]["configuration"];
    expectTypeOf<WalCompression>().toEqualTypeOf<
      NonNullable<NonNullable<Configuration["wal"]>["compression"]>
    >();
    expectTypeOf<DataCompression>().toEqualTypeOf<
      NonNullable<NonNullable<Configuration["data"]>["compression"]>
    >();
  });

  it("reject an ObjectStore retention the plugin's CRD pattern refuses", () => {
    expect(crdIssues({ ...store, spec: { ...store.spec, retentionPolicy: "30 days" } }).join()).toMatch(
      /spec\.retentionPolicy/,
    );
  });

  it("stop the component on a relabelling action the CRD's enum lacks (the Args take any string)", () => {
    const args = {
      ...PROD,
      enablePodMonitor: true,
      podMonitorRelabelings: [{ action: "rename", targetLabel: "job", replacement: "cnpg" }],
    };
    expect(validateCloudNativePgDatabaseArgs(args)).toEqual([]);
    expect(() => cloudNativePgObjects(args)).toThrow(/spec\.monitoring\.podMonitorRelabelings\.0\.action/);
    const ok = { ...args, podMonitorRelabelings: [{ ...args.podMonitorRelabelings[0]!, action: "replace" }] };
    expect(() => cloudNativePgObjects(ok)).not.toThrow();
  });
});

describe("cnpgSchedule", () => {
  it("adds the seconds field to a five-field cron", () => {
    expect(cnpgSchedule("0 2 * * *")).toBe("0 0 2 * * *");
    expect(cnpgSchedule(" 30  */6 * * 1-5 ")).toBe("0 30 */6 * * 1-5");
  });
});

describe("validateCloudNativePgDatabaseArgs", () => {
  it("accepts the prod-like args", () => {
    expect(validateCloudNativePgDatabaseArgs(PROD)).toEqual([]);
  });

  it("reports every problem at once, each with its property path", () => {
    const issues = validateCloudNativePgDatabaseArgs({
      ...PROD,
      instances: 0,
      initdb: {},
      restore: { source: { serverName: "postgres" }, backupId: "yesterday", targetTime: "yesterday" },
      pooler: { poolMode: "statement" as "session", defaultPoolSize: 0, reservePoolSize: -1 },
      backup: { destinationPath: "s3://bkt/p", schedule: "0 2 * *", accessKeyId: "x" },
    });
    expect(issues).toEqual([
      "instances must be an integer ≥ 1 (got 0)",
      "pooler.defaultPoolSize must be an integer ≥ 1 (got 0)",
      "pooler.reservePoolSize must be an integer ≥ 0 (got -1)",
      'pooler.poolMode "statement" must be "session" or "transaction"',
      "backup.accessKeyId and backup.secretAccessKey go together: give both, or neither to use the IAM role",
      'backup.schedule "0 2 * *" must be a five-field cron (minute hour day month weekday), got 4 fields',
      "initdb and restore are mutually exclusive: a cluster starts empty (initdb) or from a backup (restore); drop one",
      'restore.backupId "yesterday" must be a Barman backup ID such as 20261201T020000',
      'restore.targetTime "yesterday" must be RFC 3339 with an offset, e.g. 2026-08-01T10:00:00Z',
      'restore.source.serverName "postgres" is also backup.serverName: the restored cluster would archive over its origin; give it a new backup.serverName',
    ]);
  });

  it("rejects a pool that exceeds max_connections", () => {
    expect(
      validateCloudNativePgDatabaseArgs({
        ...PROD,
        pooler: { instances: 4, defaultPoolSize: 45, reservePoolSize: 5 },
      }),
    ).toEqual([
      "pooler.instances × (defaultPoolSize + reservePoolSize) = 200 exceeds parameters.max_connections 200 − 3 reserved; lower the pool sizes or raise max_connections",
    ]);
  });

  it("rejects out-of-range cron fields and a target time without an offset", () => {
    expect(
      validateCloudNativePgDatabaseArgs({
        ...PROD,
        backup: {
          ...(PROD.backup as object),
          destinationPath: "s3://bkt/p",
          schedule: "60 2 * * *",
          serverName: "new",
        },
        restore: { source: { serverName: "postgres" }, targetTime: "2026-08-01T10:00:00" },
      }),
    ).toEqual([
      'backup.schedule "60 2 * * *": minute "60" must be *, a number 0-59, a range or a step',
      'restore.targetTime "2026-08-01T10:00:00" must be RFC 3339 with an offset, e.g. 2026-08-01T10:00:00Z',
    ]);
  });

  it("throws from cloudNativePgObjects with every issue listed", () => {
    expect(() => cloudNativePgObjects({ ...PROD, instances: 0, owner: "postgres" })).toThrow(
      /instances must be an integer ≥ 1[\s\S]*owner "postgres" is reserved/,
    );
  });
});
