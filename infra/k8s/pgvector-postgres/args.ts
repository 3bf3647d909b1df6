import { POSTGRES_EXPORTER_PORT } from "@mcp-stack/contract";
import type * as pulumi from "@pulumi/pulumi";
import { isPinnedImage, type SecretKeyRef } from "../lib/kube-parts.js";

/** postgresql.conf tuning (the reference's Performance Tuning → Database Tuning). */
export interface PostgresTuning {
  /** shared_buffers, e.g. "256MB" (about a quarter of the memory). */
  readonly sharedBuffers: string;
  /** effective_cache_size, e.g. "768MB" (what the planner assumes the OS caches). */
  readonly effectiveCacheSize: string;
  /** max_connections. */
  readonly maxConnections: number;
  /** work_mem per sort or hash, e.g. "4MB". */
  readonly workMem: string;
  /** maintenance_work_mem (VACUUM, CREATE INDEX), e.g. "64MB". */
  readonly maintenanceWorkMem: string;
  /** random_page_cost (1.1 on SSDs). */
  readonly randomPageCost: number;
  /** effective_io_concurrency (200 on SSDs). */
  readonly effectiveIoConcurrency: number;
  /** wal_buffers, e.g. "16MB". */
  readonly walBuffers: string;
  /** checkpoint_completion_target, 0 to 1. */
  readonly checkpointCompletionTarget: number;
}

export interface PgvectorPostgresArgs {
  /** Namespace of every object. */
  readonly namespace: pulumi.Input<string>;
  /** Pinned pgvector image, e.g. "pgvector/pgvector:0.8.0-pg16" (Debian-based: bash, psql, pg_isready). */
  readonly image: string;
  /** Database created on first start (POSTGRES_DB). */
  readonly database: string;
  /** Superuser role created on first start (POSTGRES_USER); its password follows `passwordSecret` on every start. */
  readonly user: string;
  /** Secret key holding the role's password. */
  readonly passwordSecret: SecretKeyRef;
  /**
   * A value that changes whenever the Secret of `passwordSecret` does (e.g. {@link AppSecrets.version});
   * its hash is the `checksum/secrets` annotation of the Postgres and exporter pod templates, so both
   * restart with the new password and Postgres sets it on its role. Defaults to none: a password change
   * then reaches neither until something else restarts them.
   */
  readonly secretVersion?: pulumi.Input<string>;
  /** More pod-template annotations of Postgres and its exporter (e.g. Reloader's). Defaults to none. */
  readonly podAnnotations?: Readonly<Record<string, string>>;
  /** Memory of the Postgres container (request = limit, so it is never overcommitted). */
  readonly memory: string;
  /** CPU of the Postgres container (request = limit). */
  readonly cpu: string;
  /** postgresql.conf settings. */
  readonly tuning: PostgresTuning;
  /** Size of the data volume. */
  readonly storage: string;
  /** StorageClass of the data volume. Defaults to the cluster default. */
  readonly storageClass?: string;
  /** Pinned postgres_exporter image. Defaults to POSTGRES_EXPORTER_IMAGE. */
  readonly exporterImage?: string;
  /** Size of /dev/shm (a memory-backed emptyDir; the runtime default of 64Mi breaks parallel queries). Defaults to "256Mi". */
  readonly shmSize?: string;
  /** Name of the StatefulSet and headless Service. Defaults to "postgres". */
  readonly name?: string;
  /** app.kubernetes.io/instance. Defaults to the name. */
  readonly instance?: string;
}

/** CloudNativePG's instance manager serves its exporter on the same port as postgres_exporter. */
export const CNPG_METRICS_PORT = POSTGRES_EXPORTER_PORT;
/** postgres_exporter, pinned. */
export const POSTGRES_EXPORTER_IMAGE = "quay.io/prometheuscommunity/postgres-exporter:v0.16.0";
/**
 * The UID/GID of `postgres` in the Debian-based postgres images. The entrypoint and server expect a
 * passwd entry for the running user, so Postgres keeps the image's user rather than 10001.
 */
export const POSTGRES_UID = 999;

const PG_SIZE = /^\d+(kB|MB|GB|TB)$/;

/** Invariants of {@link PgvectorPostgresArgs}; an empty list means valid. */
export function validatePostgresArgs(args: PgvectorPostgresArgs): string[] {
  const issues: string[] = [];
  const images: [string, string][] = [
    ["image", args.image],
    ["exporterImage", args.exporterImage ?? POSTGRES_EXPORTER_IMAGE],
  ];
  for (const [field, image] of images)
    if (!isPinnedImage(image)) issues.push(`${field} "${image}" must be pinned to a version (not latest)`);
  const t = args.tuning;
  for (const [field, v] of [
    ["sharedBuffers", t.sharedBuffers],
    ["effectiveCacheSize", t.effectiveCacheSize],
    ["workMem", t.workMem],
    ["maintenanceWorkMem", t.maintenanceWorkMem],
    ["walBuffers", t.walBuffers],
  ] as const) {
    if (!PG_SIZE.test(v)) issues.push(`tuning.${field} "${v}" must be a postgresql.conf size such as 16MB`);
  }
  if (!Number.isInteger(t.maxConnections) || t.maxConnections < 10)
    issues.push(`tuning.maxConnections ${t.maxConnections} must be an integer ≥ 10`);
  if (t.checkpointCompletionTarget < 0 || t.checkpointCompletionTarget > 1)
    issues.push(`tuning.checkpointCompletionTarget ${t.checkpointCompletionTarget} must be in [0, 1]`);
  if (!/^[a-z_][a-z0-9_]*$/.test(args.database))
    issues.push(`database "${args.database}" is not a plain identifier`);
  if (!/^[a-z_][a-z0-9_]*$/.test(args.user)) issues.push(`user "${args.user}" is not a plain identifier`);
  return issues;
}
