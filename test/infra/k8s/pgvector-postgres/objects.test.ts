import { describe, expect, it } from "vitest";
import {
  type PgvectorPostgresArgs,
  postgresObjects,
  postgresqlConf,
  validatePostgresArgs,
} from "../../../../infra/index.js";

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

type Obj = ReturnType<typeof postgresObjects>[number];
interface PodTemplateSpec {
  metadata: { annotations?: Record<string, string> };
  spec: {
    initContainers?: unknown[];
    affinity?: unknown;
    securityContext: Record<string, unknown>;
    containers: {
      name: string;
      securityContext: Record<string, unknown>;
      resources: Record<string, Record<string, unknown>>;
      startupProbe?: unknown;
      livenessProbe?: unknown;
      readinessProbe?: unknown;
      volumeMounts?: { name: string; subPath?: string }[];
    }[];
    volumes: { name: string; configMap?: unknown; persistentVolumeClaim?: unknown }[];
  };
}
const template = (o: Obj | undefined) =>
  (o as unknown as { spec: { template: PodTemplateSpec } }).spec.template;
const statefulSet = (objs: Obj[]) => objs.find((o) => o.kind === "StatefulSet");

describe("PgvectorPostgres", () => {
  it("renders exactly one Postgres StatefulSet with one pod and no replica", () => {
    const objs = postgresObjects(PG);
    expect(objs.map((o) => `${o.kind}/${o.metadata.name}`)).toEqual([
      "ConfigMap/postgres-config",
      "ConfigMap/postgres-init",
      "ServiceAccount/postgres",
      "StatefulSet/postgres",
      "Service/postgres",
      "PodDisruptionBudget/postgres",
      "ServiceAccount/postgres-exporter",
      "Deployment/postgres-exporter",
      "Service/postgres-exporter",
      "PodDisruptionBudget/postgres-exporter",
    ]);
    const sts = statefulSet(objs) as unknown as { spec: { replicas: number; template: PodTemplateSpec } };
    expect(sts.spec.replicas).toBe(1);
    expect(sts.spec.template.spec.initContainers).toBeUndefined();
    expect(sts.spec.template.spec.affinity).toBeUndefined();
    expect((objs[0] as unknown as { data: Record<string, string> }).data).toEqual({
      "postgresql.conf": postgresqlConf(PG),
    });
  });

  it("has no WAL archive: postgresql.conf has no archive_command, no volume beyond its own", () => {
    const conf = postgresqlConf(PG);
    expect(conf).not.toMatch(/archive_(mode|command|timeout)/);
    // Replication-only settings went with the replica.
    expect(conf).not.toMatch(/wal_keep_size|hot_standby|max_wal_senders/);
    expect(conf).toMatch(/^password_encryption = 'scram-sha-256'$/m);
    const pod = template(statefulSet(postgresObjects(PG)));
    expect(pod.spec.volumes.map((v) => v.name)).toEqual(["config", "init", "run", "tmp", "shm"]);
    expect(pod.spec.volumes.some((v) => v.persistentVolumeClaim)).toBe(false);
  });

  it("creates the vector extension on first start, and nothing else", () => {
    const init = postgresObjects(PG).find((o) => o.metadata.name === "postgres-init") as unknown as {
      data: Record<string, string>;
    };
    expect(init.data).toEqual({ "01-pgvector.sql": "CREATE EXTENSION IF NOT EXISTS vector;\n" });
  });

  it("restarts when postgresql.conf changes: checksum/config follows the config, and only it", () => {
    const hash = (args: PgvectorPostgresArgs) =>
      template(statefulSet(postgresObjects(args))).metadata.annotations?.["checksum/config"];
    expect(hash(PG)).toMatch(/^[a-f0-9]{16}$/);
    expect(hash({ ...PG })).toBe(hash(PG));
    expect(hash({ ...PG, tuning: { ...PG.tuning, workMem: "32MB" } })).not.toBe(hash(PG));
    expect(hash({ ...PG, storage: "50Gi" })).toBe(hash(PG));
  });

  it("mounts its ConfigMaps as whole directories, never with subPath (which would never update)", () => {
    for (const o of postgresObjects(PG).filter((x) => x.kind === "StatefulSet" || x.kind === "Deployment"))
      for (const c of template(o).spec.containers)
        expect(c.volumeMounts?.filter((m) => m.subPath) ?? [], `${o.metadata.name}/${c.name}`).toEqual([]);
  });

  it("keeps the restricted profile, as the image's postgres user 999, with request = limit and all three probes", () => {
    const pod = template(statefulSet(postgresObjects(PG)));
    expect(pod.spec.securityContext).toMatchObject({ runAsNonRoot: true, runAsUser: 999, fsGroup: 999 });
    const c = pod.spec.containers.find((x) => x.name === "postgres")!;
    expect(c.securityContext).toEqual({
      allowPrivilegeEscalation: false,
      capabilities: { drop: ["ALL"] },
      privileged: false,
      readOnlyRootFilesystem: true,
      runAsNonRoot: true,
      runAsUser: 999,
      runAsGroup: 999,
      seccompProfile: { type: "RuntimeDefault" },
    });
    expect(c.resources.requests?.memory).toEqual(c.resources.limits?.memory);
    expect(c.resources.requests?.cpu).toEqual(c.resources.limits?.cpu);
    expect([c.startupProbe, c.livenessProbe, c.readinessProbe].every(Boolean)).toBe(true);
  });

  it("rejects sizes postgresql.conf cannot read", () => {
    expect(validatePostgresArgs({ ...PG, tuning: { ...PG.tuning, sharedBuffers: "4Gi" } })).toEqual([
      'tuning.sharedBuffers "4Gi" must be a postgresql.conf size such as 16MB',
    ]);
  });
});
