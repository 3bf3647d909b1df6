import { beforeAll, describe, expect, it } from "vitest";
import { CloudNativePgDatabase } from "../../../../infra/index.js";
import {
  outputValue,
  type Registered,
  recordRegistrations,
  registeredUrns,
  SECRET_SIG,
  settled,
} from "../../../helpers/component-mocks.js";
import { PROD } from "./fixtures.js";

let registered: Registered[] = [];

beforeAll(async () => {
  registered = await recordRegistrations("cnpg");
});

const value = outputValue;

/** Every string in `v` outside secret-wrapped values. */
function plainStrings(v: unknown): string[] {
  if (typeof v === "string") return [v];
  if (Array.isArray(v)) return v.flatMap(plainStrings);
  if (v && typeof v === "object") {
    if (Object.values(v).includes(SECRET_SIG)) return [];
    return Object.values(v).flatMap(plainStrings);
  }
  return [];
}

describe("CloudNativePgDatabase", () => {
  it("registers each custom resource as a CustomResource of its apiVersion/kind, parented to it", async () => {
    const db = new CloudNativePgDatabase("db", PROD);
    await value(db.urn);
    await settled();
    const crs = registered.filter((r) => r.type.startsWith("kubernetes:") && !r.type.endsWith(":Secret"));
    expect(crs.map((r) => r.type).sort()).toEqual([
      "kubernetes:barmancloud.cnpg.io/v1:ObjectStore",
      "kubernetes:postgresql.cnpg.io/v1:Cluster",
      "kubernetes:postgresql.cnpg.io/v1:Pooler",
      "kubernetes:postgresql.cnpg.io/v1:ScheduledBackup",
    ]);
    for (const r of crs) expect(r.inputs.metadata).toMatchObject({ namespace: "mcp-prod" });
    // A child's URN carries its parent's type before its own.
    const urns = registeredUrns().filter((u) => u.includes("::mcp-stack:index:CloudNativePgDatabase$"));
    expect(urns).toHaveLength(6);
    const cluster = crs.find((r) => r.type.endsWith(":Cluster"))!;
    expect(cluster.inputs).toMatchObject({
      apiVersion: "postgresql.cnpg.io/v1",
      kind: "Cluster",
      spec: { instances: 3 },
    });
  });

  it("creates the basic-auth credentials and the S3 Secret with secret values only", async () => {
    const secrets = registered.filter((r) => r.type === "kubernetes:core/v1:Secret");
    expect(secrets.map((s) => (s.inputs.metadata as { name: string }).name).sort()).toEqual([
      "postgres-app-credentials",
      "postgres-backup-s3",
    ]);
    const creds = secrets.find((s) => s.name === "secret/postgres-app-credentials")!;
    expect(creds.inputs.type).toBe("kubernetes.io/basic-auth");
    const all = registered.flatMap((r) => plainStrings(r.inputs));
    for (const secret of ["s3cr3t-Pa55word!", "AKIA-TEST-ID", "aws-secret-key-value"])
      expect(
        all.some((s) => s.includes(secret)),
        secret,
      ).toBe(false);
    // ...while the values are there, as secrets.
    expect(JSON.stringify(creds.inputs)).toContain("s3cr3t-Pa55word!");
  });

  it("exposes the pooler and -ro Services, port, database, user and Secret name", () => {
    const db = new CloudNativePgDatabase("db-outputs", {
      ...PROD,
      name: "pg",
      pooler: { name: "pgbouncer" },
    });
    expect({
      primaryHost: db.primaryHost,
      replicaHost: db.replicaHost,
      directPrimaryHost: db.directPrimaryHost,
      port: db.port,
      database: db.database,
      user: db.user,
      credentialsSecretName: db.credentialsSecretName,
      objectStoreName: db.objectStoreName,
    }).toEqual({
      primaryHost: "pgbouncer",
      replicaHost: "pg-ro",
      directPrimaryHost: "pg-rw",
      port: 5432,
      database: "mcp_production",
      user: "mcp",
      credentialsSecretName: "pg-app-credentials",
      objectStoreName: "pg-backups",
    });
  });

  it("throws before creating anything when the args are invalid", () => {
    const before = registered.length;
    expect(() => new CloudNativePgDatabase("db-bad", { ...PROD, instances: 0 })).toThrow(/instances/);
    expect(registered.filter((r) => r.name.startsWith("db-bad")).length).toBe(0);
    expect(registered.length).toBeGreaterThanOrEqual(before);
  });
});
