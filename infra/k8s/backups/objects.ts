import { PART_OF } from "@mcp-stack/contract";
import * as pulumi from "@pulumi/pulumi";
import { k8s } from "cdk8s-plus-28";
import { componentOptions, componentType } from "../../lib/component-type.js";
import {
  addServiceAccount,
  imageTag,
  isPinnedImage,
  newChart,
  q,
  recommendedLabels,
  resourceRequirements,
  restrictedContainer,
  restrictedPod,
  scratch,
  selectorLabels,
} from "../lib/kube-parts.js";
import { type KubeObject, synth } from "../lib/manifests.js";
import { assertValid, positiveInt, registerNamespaced } from "../lib/register.js";
import type { SecretKeyRef } from "../mcp-backend/args.js";
import { POSTGRES_UID } from "../pgvector-postgres/args.js";

export interface BackupsArgs {
  /** Namespace of every object. */
  readonly namespace: pulumi.Input<string>;
  /** Pinned image with pg_dump, gzip and find (the Postgres image itself, so versions match). */
  readonly image: string;
  /** Cron schedule. Defaults to "0 2 * * *" (the reference's daily 02:00). */
  readonly schedule?: string;
  /** Dumps older than this many days are deleted. */
  readonly retentionDays: number;
  /** Size of the backup volume. */
  readonly storage: string;
  /** StorageClass of the backup volume. Defaults to the cluster default. */
  readonly storageClass?: string;
  /** Database host (the Postgres Service). */
  readonly host: string;
  /** Database port. Defaults to 5432. */
  readonly port?: number;
  /** Database to dump. */
  readonly database: string;
  /** Role pg_dump connects as. */
  readonly user: string;
  /** Secret key holding the password. */
  readonly passwordSecret: SecretKeyRef;
  /** Where the backup volume is mounted. Defaults to "/backups" (the reference's path). */
  readonly mountPath?: string;
  /** Name of the CronJob and PVC prefix. Defaults to "postgres-backup". */
  readonly name?: string;
  /** Annotations of the Job's pod template (e.g. a service mesh's native-sidecar switch). Defaults to none. */
  readonly podAnnotations?: Record<string, string>;
}

/** Invariants of {@link BackupsArgs}; an empty list means valid. */
export function validateBackupsArgs(args: BackupsArgs): string[] {
  const issues: string[] = [];
  if (!isPinnedImage(args.image))
    issues.push(`image "${args.image}" must be pinned to a version (not latest)`);
  issues.push(...positiveInt("retentionDays", args.retentionDays));
  const schedule = args.schedule ?? "0 2 * * *";
  if (!/^(\S+\s+){4}\S+$/.test(schedule))
    issues.push(`schedule "${schedule}" is not a five-field cron expression`);
  return issues;
}

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

/** A daily `pg_dump | gzip` CronJob to a backup volume, with retention. */
export class Backups extends pulumi.ComponentResource {
  /** The backup PVC. */
  public readonly claimName: string;
  public readonly cronJobName: string;
  /** Pod labels of the backup job, for NetworkPolicies. */
  public readonly selector: Record<string, string>;

  constructor(name: string, args: BackupsArgs, opts?: pulumi.ComponentResourceOptions) {
    super(componentType("Backups"), name, {}, componentOptions("Backups", opts));
    const objects = backupsObjects(args);
    this.cronJobName = args.name ?? "postgres-backup";
    this.claimName = backupClaimName(this.cronJobName);
    this.selector = selectorLabels(this.cronJobName);
    registerNamespaced(objects, args.namespace, this);
    this.registerOutputs({ claimName: this.claimName, cronJobName: this.cronJobName });
  }
}
