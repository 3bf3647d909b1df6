import { z } from "zod";
import {
  CNPG_API_VERSION,
  type CpuMemoryResources,
  type CrMetadata,
  metadataSchema,
  type NameRef,
  nameRefSchema,
  quantitySchema,
  resourcesSchema,
  stringMap,
} from "./crd-common.js";

/** `spec.plugins[]` and `externalClusters[].plugin`: a CNPG-I plugin and its parameters. */
export interface PluginConfiguration {
  readonly name: string;
  /** Marks the plugin as the WAL archiver (at most one). CRD default false. */
  readonly isWALArchiver?: boolean;
  /** CRD default true. */
  readonly enabled?: boolean;
  readonly parameters?: Readonly<Record<string, string>>;
}

/** `bootstrap.initdb`: a new, empty cluster. */
export interface BootstrapInitdb {
  readonly database: string;
  readonly owner: string;
  /** basic-auth Secret of the owner, used at bootstrap only. */
  readonly secret?: NameRef;
  readonly dataChecksums?: boolean;
  /** SQL run as superuser in the app database after it is created. */
  readonly postInitApplicationSQL?: readonly string[];
}

/** `bootstrap.recovery`: a cluster restored from a backup (PITR with `recoveryTarget`). */
export interface BootstrapRecovery {
  /** Name of an `externalClusters[]` entry holding the backups. Mutually exclusive with `backup`. */
  readonly source?: string;
  /** A Backup object to restore (the in-tree path; not used by plugin backups). Exclusive with `source`. */
  readonly backup?: NameRef;
  readonly database?: string;
  readonly owner?: string;
  readonly secret?: NameRef;
  /** Where replay stops (`targetTime`, RFC 3339) and which base backup it starts from (`backupID`). */
  readonly recoveryTarget?: { readonly backupID?: string; readonly targetTime?: string };
}

/** `managed.roles[]`: a role the operator keeps as declared (password from a basic-auth Secret). */
export interface ManagedRole {
  readonly name: string;
  readonly login?: boolean;
  readonly ensure?: "present" | "absent";
  readonly passwordSecret?: NameRef;
  readonly inherit?: boolean;
}

export interface ClusterSpec {
  /** Integer ≥ 1. */
  readonly instances: number;
  readonly imageName: string;
  readonly primaryUpdateStrategy?: "unsupervised" | "supervised";
  readonly primaryUpdateMethod?: "switchover" | "restart";
  readonly storage: { readonly size: string; readonly storageClass?: string };
  readonly resources?: CpuMemoryResources;
  readonly postgresql?: { readonly parameters?: Readonly<Record<string, string>> };
  readonly affinity?: {
    readonly enablePodAntiAffinity?: boolean;
    /** "preferred" (the operator's default when empty) or "required"; the CRD has no enum. */
    readonly podAntiAffinityType?: "preferred" | "required";
    readonly topologyKey?: string;
  };
  readonly bootstrap?: { readonly initdb?: BootstrapInitdb; readonly recovery?: BootstrapRecovery };
  readonly externalClusters?: readonly { readonly name: string; readonly plugin?: PluginConfiguration }[];
  readonly managed?: { readonly roles?: readonly ManagedRole[] };
  readonly plugins?: readonly PluginConfiguration[];
  readonly monitoring?: {
    readonly enablePodMonitor?: boolean;
    /** Relabellings of the PodMonitor's endpoint (deprecated by CloudNativePG with enablePodMonitor). */
    readonly podMonitorRelabelings?: readonly Readonly<Record<string, unknown>>[];
  };
  readonly inheritedMetadata?: {
    readonly labels?: Readonly<Record<string, string>>;
    readonly annotations?: Readonly<Record<string, string>>;
  };
  /** Metadata of the ServiceAccount the operator creates for the instances (cloud identity annotations). */
  readonly serviceAccountTemplate?: {
    readonly metadata: {
      readonly labels?: Readonly<Record<string, string>>;
      readonly annotations?: Readonly<Record<string, string>>;
    };
  };
  readonly enableSuperuserAccess?: boolean;
}

/** `postgresql.cnpg.io/v1` Cluster. */
export interface Cluster {
  readonly apiVersion: typeof CNPG_API_VERSION;
  readonly kind: "Cluster";
  readonly metadata: CrMetadata;
  readonly spec: ClusterSpec;
}

export const pluginConfigurationSchema: z.ZodType<PluginConfiguration> = z.strictObject({
  name: z.string().min(1),
  isWALArchiver: z.boolean().optional(),
  enabled: z.boolean().optional(),
  parameters: stringMap.optional(),
});

const initdbSchema: z.ZodType<BootstrapInitdb> = z.strictObject({
  database: z.string().min(1),
  owner: z.string().min(1),
  secret: nameRefSchema.optional(),
  dataChecksums: z.boolean().optional(),
  postInitApplicationSQL: z.array(z.string()).optional(),
});

const recoverySchema: z.ZodType<BootstrapRecovery> = z
  .strictObject({
    source: z.string().min(1).optional(),
    backup: nameRefSchema.optional(),
    database: z.string().min(1).optional(),
    owner: z.string().min(1).optional(),
    secret: nameRefSchema.optional(),
    recoveryTarget: z
      .strictObject({ backupID: z.string().min(1).optional(), targetTime: z.string().min(1).optional() })
      .optional(),
  })
  .refine((r) => (r.source === undefined) !== (r.backup === undefined), {
    message: "exactly one of source and backup",
  });

const managedRoleSchema: z.ZodType<ManagedRole> = z.strictObject({
  name: z.string().min(1),
  login: z.boolean().optional(),
  ensure: z.enum(["present", "absent"]).optional(),
  passwordSecret: nameRefSchema.optional(),
  inherit: z.boolean().optional(),
});

export const clusterSchema: z.ZodType<Cluster> = z.strictObject({
  apiVersion: z.literal(CNPG_API_VERSION),
  kind: z.literal("Cluster"),
  metadata: metadataSchema,
  spec: z.strictObject({
    instances: z.int().min(1),
    imageName: z.string().min(1),
    primaryUpdateStrategy: z.enum(["unsupervised", "supervised"]).optional(),
    primaryUpdateMethod: z.enum(["switchover", "restart"]).optional(),
    storage: z.strictObject({ size: quantitySchema, storageClass: z.string().min(1).optional() }),
    resources: resourcesSchema.optional(),
    postgresql: z.strictObject({ parameters: stringMap.optional() }).optional(),
    affinity: z
      .strictObject({
        enablePodAntiAffinity: z.boolean().optional(),
        podAntiAffinityType: z.enum(["preferred", "required"]).optional(),
        topologyKey: z.string().min(1).optional(),
      })
      .optional(),
    bootstrap: z
      .strictObject({ initdb: initdbSchema.optional(), recovery: recoverySchema.optional() })
      .refine((b) => !(b.initdb && b.recovery), { message: "initdb and recovery are mutually exclusive" })
      .optional(),
    externalClusters: z
      .array(z.strictObject({ name: z.string().min(1), plugin: pluginConfigurationSchema.optional() }))
      .optional(),
    managed: z.strictObject({ roles: z.array(managedRoleSchema).optional() }).optional(),
    plugins: z.array(pluginConfigurationSchema).optional(),
    monitoring: z
      .strictObject({
        enablePodMonitor: z.boolean().optional(),
        podMonitorRelabelings: z
          .array(
            z.strictObject({
              action: z.string().optional(),
              sourceLabels: z.array(z.string()).optional(),
              targetLabel: z.string().optional(),
              replacement: z.string().optional(),
              regex: z.string().optional(),
            }),
          )
          .optional(),
      })
      .optional(),
    inheritedMetadata: z
      .strictObject({ labels: stringMap.optional(), annotations: stringMap.optional() })
      .optional(),
    serviceAccountTemplate: z
      .strictObject({
        metadata: z.strictObject({ labels: stringMap.optional(), annotations: stringMap.optional() }),
      })
      .optional(),
    enableSuperuserAccess: z.boolean().optional(),
  }),
});
