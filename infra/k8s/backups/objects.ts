import { PART_OF } from "@mcp-stack/contract";
import { k8s } from "cdk8s-plus-28";
import {
  addServiceAccount,
  imageTag,
  newChart,
  q,
  recommendedLabels,
  resourceRequirements,
  restrictedContainer,
  restrictedPod,
  scratch,
} from "../lib/kube-parts.js";
import { type KubeObject, synth } from "../lib/manifests.js";
import { assertValid } from "../lib/register.js";
import { POSTGRES_UID } from "../pgvector-postgres/args.js";
import { type BackupsArgs, validateBackupsArgs } from "./args.js";

/** Name of the backup PVC for a Backups name. */
export function backupClaimName(name = "postgres-backup"): string {
  return `${name}s`;
}

/** The dump script: `pg_dump | gzip` to a dated file (written atomically), then retention. */
export function backupScript(args: BackupsArgs): string {
  const dir = args.mountPath ?? "/backups";
  return [
    "set -euo pipefail",
    `file="${dir}/${args.database}_$(date +%Y%m%d).sql.gz"`,
    `pg_dump -h ${args.host} -p ${args.port ?? 5432} -U ${args.user} --no-password ${args.database} | gzip > "$file.partial"`,
    'mv "$file.partial" "$file"',
    `find ${dir} -maxdepth 1 -name '*.sql.gz' -mtime +${args.retentionDays} -delete`,
    // Postgres no longer archives WAL here; what earlier versions archived ages out under the same retention.
    `if [ -d ${dir}/wal_archive ]; then find ${dir}/wal_archive -type f -mtime +${args.retentionDays} -delete; fi`,
    'echo "backup written: $file"',
  ].join("\n");
}

/** The backup objects: the backup PVC and the CronJob. */
export function backupsObjects(args: BackupsArgs): KubeObject[] {
  assertValid("Backups", validateBackupsArgs(args));
  const name = args.name ?? "postgres-backup";
  const labels = recommendedLabels({
    name,
    component: "backup",
    version: imageTag(args.image),
    instance: name,
    partOf: PART_OF,
  });
  const chart = newChart(name);
  addServiceAccount(chart, name, labels);
  const claimName = backupClaimName(name);
  new k8s.KubePersistentVolumeClaim(chart, "pvc", {
    metadata: { name: claimName, labels },
    spec: {
      accessModes: ["ReadWriteOnce"],
      storageClassName: args.storageClass,
      resources: { requests: { storage: q(args.storage) } },
    },
  });
  const tmp = scratch("tmp", "/tmp", "64Mi");
  new k8s.KubeCronJob(chart, "cron", {
    metadata: { name, labels },
    spec: {
      schedule: args.schedule ?? "0 2 * * *",
      timeZone: "Etc/UTC",
      concurrencyPolicy: "Forbid",
      // A run missed by more than an hour (controller down) is skipped rather than started late.
      startingDeadlineSeconds: 3600,
      successfulJobsHistoryLimit: 3,
      failedJobsHistoryLimit: 3,
      jobTemplate: {
        metadata: { labels },
        spec: {
          backoffLimit: 2,
          activeDeadlineSeconds: 4 * 3600,
          ttlSecondsAfterFinished: 7 * 24 * 3600,
          template: {
            metadata: { labels, ...(args.podAnnotations ? { annotations: { ...args.podAnnotations } } : {}) },
            spec: {
              restartPolicy: "Never",
              serviceAccountName: name,
              automountServiceAccountToken: false,
              enableServiceLinks: false,
              // Exception: the image's postgres user 999, which owns the dumps (and old WAL) on the backup volume.
              securityContext: restrictedPod(POSTGRES_UID),
              containers: [
                {
                  name: "pg-dump",
                  image: args.image,
                  imagePullPolicy: "Always",
                  command: ["/bin/bash", "-c", backupScript(args)],
                  env: [
                    {
                      name: "PGPASSWORD",
                      valueFrom: {
                        secretKeyRef: { name: args.passwordSecret.secretName, key: args.passwordSecret.key },
                      },
                    },
                  ],
                  resources: resourceRequirements({
                    requests: { cpu: "100m", memory: "256Mi", ephemeralStorage: "64Mi" },
                    limits: { cpu: "1", memory: "1Gi", ephemeralStorage: "256Mi" },
                  }),
                  // Exception: the image's postgres user (see the pod's securityContext).
                  securityContext: restrictedContainer(POSTGRES_UID),
                  volumeMounts: [{ name: "backups", mountPath: args.mountPath ?? "/backups" }, tmp.mount],
                },
              ],
              volumes: [{ name: "backups", persistentVolumeClaim: { claimName } }, tmp.volume],
            },
          },
        },
      },
    },
  });
  return synth(chart);
}
