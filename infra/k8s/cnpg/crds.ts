/**
 * Typed custom resources of CloudNativePG and its Barman Cloud plugin: TypeScript interfaces and strict
 * zod schemas of exactly the fields this project sets, transcribed from the published API reference.
 *
 * Checked against the CRDs' `openAPIV3Schema` of:
 * - cloudnative-pg/cloudnative-pg v1.30.0 (4b5e244a), config/crd/bases/postgresql.cnpg.io_{clusters,
 *   poolers,scheduledbackups}.yaml — the operator the pinned chart cloudnative-pg 0.29.0 ships;
 * - cloudnative-pg/plugin-barman-cloud v0.13.0 (1cd26c92), config/crd/bases/
 *   barmancloud.cnpg.io_objectstores.yaml — the plugin the pinned chart plugin-barman-cloud 0.7.0 ships.
 * The fields used exist with the same types since CloudNativePG 1.26 / plugin 0.5.
 */
import { z } from "zod";
import type { KubeObject } from "../manifests.js";
import { schemaIssues } from "../schema-issues.js";
import { type Cluster, clusterSchema } from "./cluster-crd.js";
import {
  BARMAN_CLOUD_API_VERSION,
  CNPG_API_VERSION,
  type CpuMemoryResources,
  type CrMetadata,
  metadataSchema,
  type NameRef,
  nameRefSchema,
  resourcesSchema,
  type SecretKeyRefSpec,
  secretKeyRefSchema,
  stringMap,
} from "./crd-common.js";

export * from "./cluster-crd.js";
export * from "./crd-common.js";

/** `postgresql.cnpg.io/v1` Pooler: PgBouncer in front of a Cluster; its Service is named as the Pooler. */
export interface Pooler {
  readonly apiVersion: typeof CNPG_API_VERSION;
  readonly kind: "Pooler";
  readonly metadata: CrMetadata;
  readonly spec: {
    readonly cluster: NameRef;
    /** Integer; CRD default 1. */
    readonly instances?: number;
    /** rw → the primary, ro/r → replicas. CRD default "rw". */
    readonly type?: "rw" | "ro" | "r";
    readonly pgbouncer: {
      /** CRD default "session". */
      readonly poolMode?: "session" | "transaction";
      /** pgbouncer.ini settings, all strings. */
      readonly parameters?: Readonly<Record<string, string>>;
    };
    /** Pod template; only labels, annotations and the pgbouncer container's resources are set here. */
    readonly template?: {
      readonly metadata?: {
        readonly labels?: Readonly<Record<string, string>>;
        readonly annotations?: Readonly<Record<string, string>>;
      };
      readonly spec: {
        readonly containers: readonly { readonly name: string; readonly resources?: CpuMemoryResources }[];
      };
    };
  };
}

/** `postgresql.cnpg.io/v1` ScheduledBackup. The schedule is six-field cron (seconds first). */
export interface ScheduledBackup {
  readonly apiVersion: typeof CNPG_API_VERSION;
  readonly kind: "ScheduledBackup";
  readonly metadata: CrMetadata;
  readonly spec: {
    readonly cluster: NameRef;
    readonly schedule: string;
    /** CRD default "barmanObjectStore" (the deprecated in-core one). */
    readonly method?: "barmanObjectStore" | "volumeSnapshot" | "plugin";
    readonly pluginConfiguration?: {
      readonly name: string;
      readonly parameters?: Readonly<Record<string, string>>;
    };
    /** Who owns the Backup objects it creates. CRD default "none". */
    readonly backupOwnerReference?: "none" | "self" | "cluster";
    /** Take a backup as soon as the object is created. */
    readonly immediate?: boolean;
    readonly suspend?: boolean;
    readonly target?: "primary" | "prefer-standby";
  };
}

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
export const DataCompression = { Bzip2: "bzip2", Gzip: "gzip", Lz4: "lz4", Snappy: "snappy" } as const;
export type DataCompression = (typeof DataCompression)[keyof typeof DataCompression];

/** `barmancloud.cnpg.io/v1` ObjectStore: where the plugin archives WAL and base backups. */
export interface ObjectStore {
  readonly apiVersion: typeof BARMAN_CLOUD_API_VERSION;
  readonly kind: "ObjectStore";
  readonly metadata: CrMetadata;
  readonly spec: {
    readonly configuration: {
      /** s3://bucket/path. */
      readonly destinationPath: string;
      /** For S3-compatible stores (MinIO, R2, ...). */
      readonly endpointURL?: string;
      readonly s3Credentials?: {
        readonly accessKeyId?: SecretKeyRefSpec;
        readonly secretAccessKey?: SecretKeyRefSpec;
        readonly inheritFromIAMRole?: boolean;
      };
      /** gs:// stores; `gkeEnvironment`: GKE Workload Identity. */
      readonly googleCredentials?: { readonly gkeEnvironment?: boolean };
      readonly wal?: { readonly compression?: WalCompression; readonly maxParallel?: number };
      readonly data?: { readonly compression?: DataCompression; readonly jobs?: number };
    };
    /** `<n>d`, `<n>w` or `<n>m`. */
    readonly retentionPolicy?: string;
  };
}

export const poolerSchema: z.ZodType<Pooler> = z.strictObject({
  apiVersion: z.literal(CNPG_API_VERSION),
  kind: z.literal("Pooler"),
  metadata: metadataSchema,
  spec: z.strictObject({
    cluster: nameRefSchema,
    instances: z.int().min(0).optional(),
    type: z.enum(["rw", "ro", "r"]).optional(),
    pgbouncer: z.strictObject({
      poolMode: z.enum(["session", "transaction"]).optional(),
      parameters: stringMap.optional(),
    }),
    template: z
      .strictObject({
        metadata: z
          .strictObject({ labels: stringMap.optional(), annotations: stringMap.optional() })
          .optional(),
        spec: z.strictObject({
          containers: z.array(
            z.strictObject({ name: z.string().min(1), resources: resourcesSchema.optional() }),
          ),
        }),
      })
      .optional(),
  }),
});

export const scheduledBackupSchema: z.ZodType<ScheduledBackup> = z.strictObject({
  apiVersion: z.literal(CNPG_API_VERSION),
  kind: z.literal("ScheduledBackup"),
  metadata: metadataSchema,
  spec: z.strictObject({
    cluster: nameRefSchema,
    // Six fields, seconds first (robfig/cron with seconds).
    schedule: z.string().refine((s) => s.trim().split(/\s+/).length === 6, "six-field cron (seconds first)"),
    method: z.enum(["barmanObjectStore", "volumeSnapshot", "plugin"]).optional(),
    pluginConfiguration: z
      .strictObject({ name: z.string().min(1), parameters: stringMap.optional() })
      .optional(),
    backupOwnerReference: z.enum(["none", "self", "cluster"]).optional(),
    immediate: z.boolean().optional(),
    suspend: z.boolean().optional(),
    target: z.enum(["primary", "prefer-standby"]).optional(),
  }),
});

export const objectStoreSchema: z.ZodType<ObjectStore> = z.strictObject({
  apiVersion: z.literal(BARMAN_CLOUD_API_VERSION),
  kind: z.literal("ObjectStore"),
  metadata: metadataSchema,
  spec: z.strictObject({
    configuration: z.strictObject({
      destinationPath: z.string().min(1),
      endpointURL: z.string().min(1).optional(),
      s3Credentials: z
        .strictObject({
          accessKeyId: secretKeyRefSchema.optional(),
          secretAccessKey: secretKeyRefSchema.optional(),
          inheritFromIAMRole: z.boolean().optional(),
        })
        .optional(),
      googleCredentials: z.strictObject({ gkeEnvironment: z.boolean().optional() }).optional(),
      wal: z
        .strictObject({
          compression: z.enum(["bzip2", "gzip", "lz4", "snappy", "xz", "zstd"]).optional(),
          maxParallel: z.int().min(1).optional(),
        })
        .optional(),
      data: z
        .strictObject({
          compression: z.enum(["bzip2", "gzip", "lz4", "snappy"]).optional(),
          jobs: z.int().min(1).optional(),
        })
        .optional(),
    }),
    retentionPolicy: z
      .string()
      .regex(/^[1-9][0-9]*[dwm]$/)
      .optional(),
  }),
});

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
