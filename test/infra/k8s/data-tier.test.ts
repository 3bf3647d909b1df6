import { describe, expect, it } from "vitest";
import {
  type BackupsArgs,
  backupScript,
  backupsObjects,
  networkPolicyObjects,
  type PgvectorPostgresArgs,
  type PodGroup,
  pgbouncerIni,
  postgresObjects,
  postgresqlConf,
  postgresUrl,
  type RedisArgs,
  redisConf,
  userlistLine,
  validateBackupsArgs,
  validateNetworkPoliciesArgs,
  validatePgBouncerArgs,
  validatePostgresArgs,
  validateRedisArgs,
} from "../../../infra/index.js";

const REDIS: RedisArgs = {
  namespace: "ns",
  image: "redis:7.4.2-alpine",
  exporterImage: "oliver006/redis_exporter:v1.67.0",
  maxmemory: "512mb",
  resources: {
    requests: { cpu: "100m", memory: "640Mi", ephemeralStorage: "64Mi" },
    limits: { cpu: "500m", memory: "768Mi", ephemeralStorage: "256Mi" },
  },
  storage: "2Gi",
};

const PG: PgvectorPostgresArgs = {
  namespace: "ns",
  image: "pgvector/pgvector:0.8.0-pg16",
  database: "app",
  user: "app",
  passwordSecret: { secretName: "db", key: "password" },
  memory: "4Gi",
  cpu: "2",
  tuning: {
    sharedBuffers: "1GB",
    effectiveCacheSize: "3GB",
    maxConnections: 200,
    workMem: "64MB",
    maintenanceWorkMem: "512MB",
    randomPageCost: 1.1,
    effectiveIoConcurrency: 200,
    walBuffers: "16MB",
    checkpointCompletionTarget: 0.9,
  },
  storage: "20Gi",
};

describe("Redis", () => {
  it("turns RDB off when no save rules are given, and AOF off by default", () => {
    const conf = redisConf(REDIS).split("\n");
    expect(conf).toContain('save ""');
    expect(conf).toContain("appendonly no");
  });

  it("rejects a memory limit without headroom above maxmemory and an unpinned image", () => {
    const limits = { ...REDIS.resources.limits, memory: "512Mi" };
    expect(
      validateRedisArgs({ ...REDIS, image: "redis", resources: { ...REDIS.resources, limits } }),
    ).toEqual([
      'image "redis" must be pinned to a version (not latest)',
      "resources.limits.memory 512Mi leaves no headroom above maxmemory 512mb; use at least 1.2 × maxmemory",
    ]);
  });
});

describe("PgvectorPostgres", () => {
  it("archives WAL on the primary only, to the backup volume, with an hourly segment switch", () => {
    const args = { ...PG, walArchive: { claimName: "backups" } };
    expect(postgresqlConf(args, "primary")).toMatch(/^archive_mode = 'on'$/m);
    expect(postgresqlConf(args, "primary")).toMatch(
      /^archive_command = '.*cp %p \/backups\/wal_archive\/%f'$/m,
    );
    expect(postgresqlConf(args, "primary")).toMatch(/^archive_timeout = 3600$/m);
    expect(postgresqlConf(args, "replica")).not.toMatch(/archive_mode/);
    expect(postgresqlConf(PG, "primary")).not.toMatch(/archive_mode/);
  });

  it("creates the vector extension on first start and a replica only when asked", () => {
    const objs = postgresObjects(PG);
    const init = objs.find((o) => o.metadata.name === "postgres-init") as unknown as {
      data: Record<string, string>;
    };
    expect(init.data["01-pgvector.sql"]).toBe("CREATE EXTENSION IF NOT EXISTS vector;\n");
    expect(objs.some((o) => o.metadata.name === "postgres-replica")).toBe(false);
    expect(
      postgresObjects({ ...PG, readReplica: true })
        .filter((o) => o.metadata.name === "postgres-replica")
        .map((o) => o.kind)
        .sort(),
    ).toEqual(["PodDisruptionBudget", "Service", "StatefulSet"]);
  });

  it("rejects sizes postgresql.conf cannot read", () => {
    expect(validatePostgresArgs({ ...PG, tuning: { ...PG.tuning, sharedBuffers: "4Gi" } })).toEqual([
      'tuning.sharedBuffers "4Gi" must be a postgresql.conf size such as 16MB',
    ]);
  });
});

describe("PgBouncer", () => {
  const args = {
    namespace: "ns",
    databases: [
      { name: "app", host: "postgres", dbname: "app" },
      { name: "app_replica", host: "postgres-replica", dbname: "app" },
    ],
    user: "app",
    password: "x",
    maxClientConnections: 5000,
    defaultPoolSize: 80,
    reservePoolSize: 10,
  };

  it("pools in transaction mode with a hard per-database cap of pool + reserve", () => {
    const ini = pgbouncerIni(args);
    expect(ini).toMatch(/^pool_mode = transaction$/m);
    expect(ini).toMatch(/^max_client_conn = 5000$/m);
    expect(ini).toMatch(/^default_pool_size = 80$/m);
    expect(ini).toMatch(/^reserve_pool_size = 10$/m);
    expect(ini).toMatch(/^max_db_connections = 90$/m);
    expect(ini).toMatch(/^app_replica = host=postgres-replica port=5432 dbname=app$/m);
  });

  it("quotes the userlist as PgBouncer expects", () => {
    expect(userlistLine("app", 'pa"ss')).toBe('"app" "pa""ss"\n');
  });

  it("rejects a pool larger than the client limit", () => {
    expect(validatePgBouncerArgs({ ...args, maxClientConnections: 10 })).toEqual([
      "defaultPoolSize 80 exceeds maxClientConnections 10",
    ]);
  });
});

describe("AppSecrets URLs", () => {
  it("percent-encodes every reserved character of the password", () => {
    expect(postgresUrl("app", "a@b:c/d?e#f%g h", { host: "pgbouncer", database: "db" })).toBe(
      "postgresql://app:a%40b%3Ac%2Fd%3Fe%23f%25g%20h@pgbouncer:5432/db",
    );
  });
});

describe("Backups", () => {
  const args: BackupsArgs = {
    namespace: "ns",
    image: "pgvector/pgvector:0.8.0-pg16",
    retentionDays: 14,
    storage: "10Gi",
    host: "postgres",
    database: "app",
    user: "app",
    passwordSecret: { secretName: "db", key: "password" },
  };

  it("dumps daily at 02:00 with Forbid concurrency and a starting deadline", () => {
    const cron = backupsObjects(args).find((o) => o.kind === "CronJob") as unknown as {
      spec: Record<string, unknown>;
    };
    expect(cron.spec).toMatchObject({
      schedule: "0 2 * * *",
      concurrencyPolicy: "Forbid",
      startingDeadlineSeconds: 3600,
    });
  });

  it("pipes pg_dump into gzip and deletes dumps older than the retention", () => {
    const script = backupScript(args);
    expect(script).toMatch(/pg_dump -h postgres .* app \| gzip > "\$file.partial"/);
    expect(script).toContain("find /backups -maxdepth 1 -name '*.sql.gz' -mtime +14 -delete");
  });

  it("rejects a schedule that is not cron", () => {
    expect(validateBackupsArgs({ ...args, schedule: "daily" })).toEqual([
      'schedule "daily" is not a five-field cron expression',
    ]);
  });
});

describe("NetworkPolicies", () => {
  const groups: PodGroup[] = [
    { name: "app", selector: { app: "app" } },
    { name: "db", selector: { app: "db" } },
    { name: "prometheus", selector: { "app.kubernetes.io/name": "prometheus" }, owned: false },
  ];

  it("rejects flows to unknown groups and groups that would select every pod", () => {
    expect(
      validateNetworkPoliciesArgs({
        namespace: "ns",
        groups: [...groups, { name: "all", selector: {} }],
        flows: [{ from: "app", to: "cache", port: 6379 }],
      }),
    ).toEqual([
      'group "all" has an empty selector, which would select every pod',
      'flow to unknown group "cache"',
    ]);
  });

  it("gives owned groups one policy of both types and foreign groups only their side of a flow", () => {
    const objs = networkPolicyObjects({
      namespace: "ns",
      groups,
      flows: [
        { from: "app", to: "db", port: 5432 },
        { from: "prometheus", to: "app", port: 8000 },
      ],
    });
    expect(objs.map((o) => o.metadata.name)).toEqual([
      "default-deny-all",
      "app",
      "db",
      "allow-prometheus-to-app-8000",
    ]);
    const foreign = objs[3] as unknown as { spec: { policyTypes: string[] } };
    expect(foreign.spec.policyTypes).toEqual(["Egress"]);
  });
});
