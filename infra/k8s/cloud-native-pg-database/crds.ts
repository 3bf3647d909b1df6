/**
 * Typed custom resources of CloudNativePG and its Barman Cloud plugin. The types and strict schemas are
 * generated from the CRDs of the releases the pinned charts ship (../crds/generated/, `npm run
 * crds:generate`; chart cloudnative-pg 0.29.0 → operator 1.30.0, chart plugin-barman-cloud 0.7.0 →
 * plugin v0.13.0). What is written here are the names this project uses for parts of them, and the rules
 * of the operator's admission webhook that it relies on and that no CRD schema holds.
 */
import type { z } from "zod";
import { objectStoreCrd } from "../lib/crds/generated/barmancloud.cnpg.io-v1-objectstore.js";
import { clusterCrd } from "../lib/crds/generated/postgresql.cnpg.io-v1-cluster.js";
import { poolerCrd } from "../lib/crds/generated/postgresql.cnpg.io-v1-pooler.js";
import { scheduledBackupCrd } from "../lib/crds/generated/postgresql.cnpg.io-v1-scheduledbackup.js";
import type { KubeObject } from "../lib/manifests.js";
import { schemaIssues } from "../lib/schema-issues.js";

export type { ObjectStore } from "../lib/crds/generated/barmancloud.cnpg.io-v1-objectstore.js";
export type { Cluster } from "../lib/crds/generated/postgresql.cnpg.io-v1-cluster.js";
export type { Pooler } from "../lib/crds/generated/postgresql.cnpg.io-v1-pooler.js";
export type { ScheduledBackup } from "../lib/crds/generated/postgresql.cnpg.io-v1-scheduledbackup.js";
export { type CrMetadata, metadataSchema } from "../lib/crds/metadata.js";

import type { ObjectStore } from "../lib/crds/generated/barmancloud.cnpg.io-v1-objectstore.js";
import type { Cluster } from "../lib/crds/generated/postgresql.cnpg.io-v1-cluster.js";
import type { Pooler } from "../lib/crds/generated/postgresql.cnpg.io-v1-pooler.js";
import type { ScheduledBackup } from "../lib/crds/generated/postgresql.cnpg.io-v1-scheduledbackup.js";

export const CNPG_API_VERSION = "postgresql.cnpg.io/v1" satisfies Cluster["apiVersion"];
export const BARMAN_CLOUD_API_VERSION = "barmancloud.cnpg.io/v1" satisfies ObjectStore["apiVersion"];
/** The plugin name of Barman Cloud, as `spec.plugins[].name` and plugin references take it. */
export const BARMAN_CLOUD_PLUGIN = "barman-cloud.cloudnative-pg.io";

type Defined<T> = Exclude<T, undefined>;

export type ClusterSpec = Cluster["spec"];
/** `spec.plugins[]`: a CNPG-I plugin and its parameters. */
export type PluginConfiguration = Defined<ClusterSpec["plugins"]>[number];
/** `bootstrap.initdb`: a new, empty cluster. */
export type BootstrapInitdb = Defined<Defined<ClusterSpec["bootstrap"]>["initdb"]>;
/** `bootstrap.recovery`: a cluster restored from a backup (PITR with `recoveryTarget`). */
export type BootstrapRecovery = Defined<Defined<ClusterSpec["bootstrap"]>["recovery"]>;
/** `managed.roles[]`: a role the operator keeps as declared. */
export type ManagedRole = Defined<Defined<ClusterSpec["managed"]>["roles"]>[number];
/** A reference to an object by name (`LocalObjectReference`). */
export type NameRef = Pooler["spec"]["cluster"];
type ObjectStoreConfiguration = ObjectStore["spec"]["configuration"];
/** A key of a Secret (`SecretKeySelector`). */
export type SecretKeyRefSpec = Defined<Defined<ObjectStoreConfiguration["s3Credentials"]>["accessKeyId"]>;

// The Pulumi analyzer reads these two as enums only in this plain `as const` form; the test of the
// schemas checks that they equal the CRD's enums.
/** Compression of archived WAL files. */
export const WalCompression = {
  Bzip2: "bzip2",
  Gzip: "gzip",
  Lz4: "lz4",
  Snappy: "snappy",
  Xz: "xz",
  Zstd: "zstd",
} as const;
export type WalCompression = (typeof WalCompression)[keyof typeof WalCompression];
/** Compression of base backups. */
export const DataCompression = {
  Bzip2: "bzip2",
  Gzip: "gzip",
  Lz4: "lz4",
  Snappy: "snappy",
} as const;
export type DataCompression = (typeof DataCompression)[keyof typeof DataCompression];

// The webhook's "Only one bootstrap method can be specified at a time" (cloudnative-pg v1.30.0,
// internal/webhook/v1/cluster_webhook.go, validateBootstrapMethod); a recovery reads either an
// externalClusters[] entry (source) or a Backup object, and this project never names both.
export const clusterSchema: z.ZodType<Cluster> = clusterCrd.superRefine((c, ctx) => {
  const bootstrap = c.spec.bootstrap;
  if (bootstrap?.initdb && bootstrap.recovery) {
    ctx.addIssue({
      code: "custom",
      path: ["spec", "bootstrap"],
      message: "initdb and recovery are mutually exclusive",
    });
  }
  const recovery = bootstrap?.recovery;
  if (recovery && (recovery.source === undefined) === (recovery.backup === undefined)) {
    ctx.addIssue({
      code: "custom",
      path: ["spec", "bootstrap", "recovery"],
      message: "exactly one of source and backup",
    });
  }
});

export const poolerSchema: z.ZodType<Pooler> = poolerCrd;

// The webhook parses the schedule with robfig/cron v1's cron.Parse, six fields with seconds first
// (internal/webhook/v1/scheduledbackup_webhook.go); a five-field cron would be refused at admission.
export const scheduledBackupSchema: z.ZodType<ScheduledBackup> = scheduledBackupCrd.superRefine((b, ctx) => {
  if (b.spec.schedule.trim().split(/\s+/).length !== 6) {
    ctx.addIssue({ code: "custom", path: ["spec", "schedule"], message: "six-field cron (seconds first)" });
  }
});

export const objectStoreSchema: z.ZodType<ObjectStore> = objectStoreCrd;

/** Any custom resource this project renders. */
export type CnpgObject = Cluster | Pooler | ScheduledBackup | ObjectStore;

/** The schema of each kind, by `apiVersion/kind`. */
export const CNPG_SCHEMAS: Readonly<Record<string, z.ZodType<CnpgObject>>> = {
  [`${CNPG_API_VERSION}/Cluster`]: clusterSchema,
  [`${CNPG_API_VERSION}/Pooler`]: poolerSchema,
  [`${CNPG_API_VERSION}/ScheduledBackup`]: scheduledBackupSchema,
  [`${BARMAN_CLOUD_API_VERSION}/ObjectStore`]: objectStoreSchema,
};

/** Problems of one object against its kind's schema, each with its property path; [] when valid. */
export function crdIssues(obj: CnpgObject | KubeObject): string[] {
  return schemaIssues(CNPG_SCHEMAS, obj);
}
