import { describe, expect, it } from "vitest";
import {
  type BackupsArgs,
  backupScript,
  backupsObjects,
  validateBackupsArgs,
} from "../../../../infra/index.js";

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

  it("runs on any node: no affinity to the Postgres pod (it reaches it over the network)", () => {
    const cron = backupsObjects(args).find((o) => o.kind === "CronJob") as unknown as {
      spec: { jobTemplate: { spec: { template: { spec: Record<string, unknown> } } } };
    };
    expect(cron.spec.jobTemplate.spec.template.spec.affinity).toBeUndefined();
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
