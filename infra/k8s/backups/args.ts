import type * as pulumi from "@pulumi/pulumi";
import { isPinnedImage, type SecretKeyRef } from "../lib/kube-parts.js";
import { positiveInt } from "../lib/register.js";

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
