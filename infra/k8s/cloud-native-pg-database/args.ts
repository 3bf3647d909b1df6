import type * as pulumi from "@pulumi/pulumi";
import { isPinnedImage } from "../lib/kube-parts.js";
import { positiveInt } from "../lib/register.js";
import type { DataCompression, WalCompression } from "./crds.js";
import { cronIssues } from "./schedule.js";

/** CPU and memory of one side of a ResourceRequirements; quantities are strings ("500m", "1Gi"). */
export interface CpuMemory {
  /** CPU, e.g. "500m". */
  readonly cpu: string;
  /** Memory, e.g. "1Gi". */
  readonly memory: string;
}

/** ResourceRequirements restricted to CPU and memory. */
export interface CpuMemoryResources {
  /** What the scheduler reserves. */
  readonly requests: CpuMemory;
  /** What the container may use at most. */
  readonly limits: CpuMemory;
}

/**
 * CloudNativePG's "standard" PostgreSQL 17 operand image (pgvector, pgaudit, failover slots, all
 * locales) on Debian trixie, pinned to the minor version's tag. From cloudnative-pg/postgres-containers
 * (docker-bake.hcl: PostgreSQL 17.11, `extensions` pgvector; tags `MM.mm-standard-<os>`).
 */
export const CNPG_POSTGRES_IMAGE = "ghcr.io/cloudnative-pg/postgresql:17.11-standard-trixie";

/** PgBouncer's pool_mode: when a server connection goes back to the pool. */
export const PoolMode = {
  /** After the client disconnects: every session feature works, little sharing. */
  Session: "session",
  /** After each transaction: many clients share few server connections; no session state. */
  Transaction: "transaction",
} as const;
export type PoolMode = (typeof PoolMode)[keyof typeof PoolMode];

/** How strictly the operator keeps two instances off one node. */
export const PodAntiAffinityType = {
  /** Spread when the scheduler can. */
  Preferred: "preferred",
  /** Never two on one node; an instance stays Pending without a free node. */
  Required: "required",
} as const;
export type PodAntiAffinityType = (typeof PodAntiAffinityType)[keyof typeof PodAntiAffinityType];

/** PgBouncer settings of the Pooler. */
export interface CloudNativePgPooler {
  /**
   * Run the Pooler. Defaults to true; false = no Pooler, the app connects to the `<name>-rw` /
   * `<name>-ro` Services directly (the other pooler settings must then be left out).
   */
  readonly enabled?: boolean;
  /** Name of the Pooler and of its Service (DATABASE_URL's host). Defaults to `<name>-pooler`. */
  readonly name?: string;
  /** PgBouncer pods. Defaults to 2 (one can be drained while the other serves). */
  readonly instances?: number;
  /**
   * Defaults to "transaction": a server connection is held only for a transaction, so many app
   * connections share few server ones. Session-level features (SET, advisory locks, LISTEN) then need
   * the direct `<name>-rw` Service.
   */
  readonly poolMode?: PoolMode;
  /** max_client_conn of each PgBouncer. Defaults to 1000. */
  readonly maxClientConn?: number;
  /** default_pool_size (server connections per database/user pair, per PgBouncer). Defaults to 20. */
  readonly defaultPoolSize?: number;
  /** reserve_pool_size (extra server connections under load). Defaults to 5. */
  readonly reservePoolSize?: number;
  /** Requests and limits of the pgbouncer container. Defaults to POOLER_RESOURCES. */
  readonly resources?: CpuMemoryResources;
  /**
   * A second Pooler, `<name>-ro`, of type ro (PgBouncer → the `<cluster>-ro` replicas), with the same
   * settings: replica traffic needs pooling as much as the primary's. Defaults to false.
   */
  readonly readOnly?: boolean;
}

/** Continuous backup to an S3-compatible object store through the Barman Cloud plugin. */
export interface CloudNativePgBackup {
  /**
   * Back up. Defaults to true; false runs without WAL archive and PITR, an explicit opt-out (the other
   * backup settings must then be left out).
   */
  readonly enabled?: boolean;
  /** `s3://bucket/path`; each cluster writes under `<path>/<serverName>/`. Required unless `enabled` is false. */
  readonly destinationPath?: string;
  /** Endpoint of an S3-compatible store (MinIO, R2, ...). Defaults to AWS S3. */
  readonly endpointURL?: string;
  /**
   * Access key. With `secretAccessKey`, stored in the Secret `<name>-backup-s3`. Defaults to none:
   * `inheritFromIAMRole: true` (IRSA / workload identity). Both or neither.
   */
  readonly accessKeyId?: pulumi.Input<string>;
  /** Secret key (a secret Output). Both or neither with `accessKeyId`. */
  readonly secretAccessKey?: pulumi.Input<string>;
  /** How long base backups and WAL are kept (`<n>d|w|m`). Defaults to "30d". */
  readonly retentionPolicy?: string;
  /** WAL compression. Defaults to "gzip". */
  readonly walCompression?: WalCompression;
  /** Base backup compression. Defaults to "gzip". */
  readonly dataCompression?: DataCompression;
  /** Five-field cron (UTC) of the base backup; converted to CloudNativePG's six fields. Defaults to "0 2 * * *". */
  readonly schedule?: string;
  /** Take the first base backup as soon as the ScheduledBackup exists. Defaults to true (PITR from the start). */
  readonly immediate?: boolean;
  /** Folder of this cluster in the store (plugin parameter `serverName`). Defaults to the cluster name. */
  readonly serverName?: string;
  /**
   * The cloud identity the instances' ServiceAccount carries, so the plugin (a sidecar of each
   * instance, running as that ServiceAccount) writes the store with it instead of keys. Defaults to
   * none: keys, or whatever identity the nodes give.
   */
  readonly cloudIdentity?: CloudIdentity;
  /** Name of the ObjectStore. Defaults to `<name>-backups`. */
  readonly objectStoreName?: string;
}

/**
 * A pod identity a cloud federates with a Kubernetes ServiceAccount: exactly one of the two fields. A flat
 * object rather than a tagged union, because the component schema other Pulumi languages get cannot hold
 * unions (the SDK's analyzer refuses them).
 */
export interface CloudIdentity {
  /** EKS IAM Roles for Service Accounts: the role's ARN. */
  readonly awsRoleArn?: string;
  /** GKE Workload Identity: the Google service account (…@….iam.gserviceaccount.com); goes with gs:// stores. */
  readonly gcpServiceAccount?: string;
}

/**
 * The ServiceAccount annotation each cloud reads (plugin-barman-cloud web/docs/object_stores.md:
 * "IAM Role for Service Account (IRSA)" and "GKE Workload Identity").
 */
export function cloudIdentityAnnotations(identity: CloudIdentity): Record<string, string> {
  return identity.awsRoleArn !== undefined
    ? { "eks.amazonaws.com/role-arn": identity.awsRoleArn }
    : { "iam.gke.io/gcp-service-account": identity.gcpServiceAccount ?? "" };
}

export const AWS_ROLE_ARN = /^arn:aws[a-z-]*:iam::\d{12}:role\/.+$/;
export const GCP_SERVICE_ACCOUNT =
  /^[a-z][-a-z0-9]{4,28}[a-z0-9]@[a-z][-a-z0-9.:]*\.iam\.gserviceaccount\.com$/;

/** The old cluster's backups in an ObjectStore (base backup + WAL, so PITR works). */
export interface CloudNativePgRestoreSource {
  /** ObjectStore holding them. Defaults to this component's (backup.objectStoreName). */
  readonly objectStoreName?: string;
  /** The old cluster's serverName in that store; must differ from this cluster's own. */
  readonly serverName: string;
}

/** Bootstrap from the object store's backups instead of initdb, through the Barman Cloud plugin. */
export interface CloudNativePgRestore {
  /**
   * The old cluster's backups in an ObjectStore (base backup + WAL, so PITR works), read by the
   * Barman Cloud plugin through an `externalClusters` entry (the plugin takes its recovery source
   * from there: plugin-barman-cloud internal/cnpgi/operator/config/config.go, `NewFromCluster`).
   */
  readonly source: CloudNativePgRestoreSource;
  /**
   * Barman backup ID to start from (`recoveryTarget.backupID`; a Backup's `status.backupId`).
   * Defaults to the latest base backup that precedes the target.
   */
  readonly backupId?: string;
  /** RFC 3339 time with an offset (e.g. "2026-08-01T10:00:00Z") to stop replay at. Defaults to the end of WAL. */
  readonly targetTime?: string;
}

/** The data volume of each instance. */
export interface CloudNativePgStorage {
  /** Size, a Kubernetes quantity (e.g. "20Gi"). */
  readonly size: string;
  /** StorageClass. Defaults to the cluster's default class. */
  readonly storageClass?: string;
}

/** initdb options of a new cluster. */
export interface CloudNativePgInitdb {
  /** Defaults to true (detects silent corruption; a little CPU on writes). */
  readonly dataChecksums?: boolean;
  /** More SQL run in the app database after `CREATE EXTENSION vector`. Defaults to none. */
  readonly extraSql?: string[];
}

/** A relabelling of the PodMonitor's endpoint, as the Prometheus Operator spells it. */
export interface CloudNativePgRelabeling {
  /** Defaults to "replace". */
  readonly action?: string;
  /** Labels whose values are joined and matched against `regex`. Defaults to none. */
  readonly sourceLabels?: string[];
  /** Label written by "replace". Defaults to none. */
  readonly targetLabel?: string;
  /** Value written (with `$1`-style references). Defaults to "$1". */
  readonly replacement?: string;
  /** Defaults to "(.*)". */
  readonly regex?: string;
}

export interface CloudNativePgDatabaseArgs {
  /** Cluster name: Services `<name>-rw`, `<name>-ro`, `<name>-r`. A DNS label of at most 50 characters. */
  readonly name: string;
  /** Namespace of every object. */
  readonly namespace: pulumi.Input<string>;
  /** PostgreSQL instances (one primary, the rest streaming replicas). Defaults to 3. */
  readonly instances?: number;
  /** Pinned operand image with pgvector. Defaults to CNPG_POSTGRES_IMAGE. */
  readonly image?: string;
  /** Data volume of each instance. */
  readonly storage: CloudNativePgStorage;
  /** Requests and limits of each PostgreSQL container. */
  readonly resources: CpuMemoryResources;
  /** postgresql.conf settings, values as strings ("1GB", "200"). Defaults to none (operator defaults). */
  readonly parameters?: Record<string, string>;
  /**
   * "required" keeps two instances off one node but leaves an instance Pending when there are fewer
   * nodes than instances (or during a drain of a full cluster); "preferred" spreads when it can.
   * Defaults to "preferred", because the node count is not known here; set "required" where it is.
   */
  readonly podAntiAffinityType?: PodAntiAffinityType;
  /** The app database. */
  readonly database: string;
  /** Its owner, the app's login role (managed role, password from `password`). */
  readonly owner: string;
  /**
   * The owner's password (a secret Output). Stored in the basic-auth Secret `<name>-app-credentials`;
   * changing it and running `pulumi up` rotates the role (the operator reconciles managed roles).
   * Defaults to none: that Secret (`username`, `password`) is then written by something else, e.g.
   * External Secrets, and the component never sees the value.
   */
  readonly password?: pulumi.Input<string>;
  /** initdb options. Defaults to data checksums on and no extra SQL. Conflicts with `restore`. */
  readonly initdb?: CloudNativePgInitdb;
  /** Bootstrap from a backup instead of an empty database. Defaults to none (initdb). Conflicts with `initdb`. */
  readonly restore?: CloudNativePgRestore;
  /**
   * The PgBouncer Pooler. Defaults to the values documented on CloudNativePgPooler;
   * `{ enabled: false }` = no Pooler, the app connects to the `<name>-rw` / `<name>-ro` Services directly.
   */
  readonly pooler?: CloudNativePgPooler;
  /**
   * Continuous backup. Required, so running without one is a decision: `{ enabled: false }` runs
   * without WAL archive and PITR.
   */
  readonly backup: CloudNativePgBackup;
  /** Create a Prometheus Operator PodMonitor. Defaults to false (annotation-based scraping). */
  readonly enablePodMonitor?: boolean;
  /**
   * Labels of that PodMonitor, so the Operator's Prometheus selects it (kube-prometheus-stack:
   * `release: <release name>`). CloudNativePG copies the Cluster's inherited labels onto the PodMonitor,
   * so these are added to `inheritedMetadata.labels` and reach its pods and Services too. Defaults to
   * none. Needs `enablePodMonitor`.
   */
  readonly podMonitorLabels?: Record<string, string>;
  /**
   * Relabellings of the PodMonitor's endpoint (Operator spelling: `targetLabel`, `replacement`), e.g. to
   * set the `job` label the alert rules select on. Defaults to none (job `<namespace>/<name>`). Needs
   * `enablePodMonitor`.
   */
  readonly podMonitorRelabelings?: CloudNativePgRelabeling[];
  /** app.kubernetes.io/instance. Defaults to the name. */
  readonly instance?: string;
  /**
   * More annotations on every pod the operator creates, instances, their Jobs and the Poolers (through
   * `inheritedMetadata` and the Poolers' templates), e.g. a service mesh's settings. Defaults to none.
   */
  readonly podAnnotations?: Readonly<Record<string, string>>;
}

export const CNPG_DEFAULTS = {
  instances: 3,
  podAntiAffinityType: "preferred",
  pooler: {
    instances: 2,
    poolMode: "transaction",
    maxClientConn: 1000,
    defaultPoolSize: 20,
    reservePoolSize: 5,
  },
  backup: {
    retentionPolicy: "30d",
    walCompression: "gzip",
    dataCompression: "gzip",
    schedule: "0 2 * * *",
    immediate: true,
  },
  enablePodMonitor: false,
} as const;

/** PgBouncer is light: it forwards bytes and holds a few thousand sockets. */
export const POOLER_RESOURCES: CpuMemoryResources = {
  requests: { cpu: "100m", memory: "64Mi" },
  limits: { cpu: "500m", memory: "256Mi" },
};

/** Connections PostgreSQL keeps for superusers (superuser_reserved_connections' default). */
const SUPERUSER_RESERVED = 3;

const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;
const IDENT = /^[a-z_][a-z0-9_]*$/;
const DNS_LABEL = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;
const QUANTITY = /^\d+(\.\d+)?(m|k|M|G|T|P|E|Ki|Mi|Gi|Ti|Pi|Ei)?$/;

function quantityIssues(field: string, value: string): string[] {
  return QUANTITY.test(value)
    ? []
    : [`${field} "${value}" must be a Kubernetes quantity such as 500m or 4Gi`];
}

/** The Pooler's settings, or undefined when it is switched off. */
export function enabledPooler(args: CloudNativePgDatabaseArgs): CloudNativePgPooler | undefined {
  return args.pooler?.enabled === false ? undefined : (args.pooler ?? {});
}

/** The backup settings, or undefined when backup is switched off. */
export function enabledBackup(args: CloudNativePgDatabaseArgs): CloudNativePgBackup | undefined {
  return args.backup.enabled === false ? undefined : args.backup;
}

/** Settings given beside `enabled: false`: they would do nothing, so they are a mistake. */
function offIssues(field: string, given: object | undefined): string[] {
  if (given === undefined || !("enabled" in given) || given.enabled !== false) return [];
  const rest = Object.entries(given).filter(([k, v]) => k !== "enabled" && v !== undefined);
  return rest.map(([k]) => `${field}.${k} is set but ${field}.enabled is false: drop it, or enable ${field}`);
}

function poolerIssues(args: CloudNativePgDatabaseArgs): string[] {
  if (args.pooler?.enabled === false) return offIssues("pooler", args.pooler);
  const p = { ...CNPG_DEFAULTS.pooler, ...args.pooler };
  const issues = [
    ...positiveInt("pooler.instances", p.instances),
    ...positiveInt("pooler.maxClientConn", p.maxClientConn),
    ...positiveInt("pooler.defaultPoolSize", p.defaultPoolSize),
    ...positiveInt("pooler.reservePoolSize", p.reservePoolSize, 0),
  ];
  if (p.poolMode !== "session" && p.poolMode !== "transaction")
    issues.push(`pooler.poolMode "${p.poolMode}" must be "session" or "transaction"`);
  if (p.defaultPoolSize + p.reservePoolSize > p.maxClientConn)
    issues.push(
      `pooler.defaultPoolSize + pooler.reservePoolSize (${p.defaultPoolSize + p.reservePoolSize}) exceeds pooler.maxClientConn ${p.maxClientConn}`,
    );
  const max = Number(args.parameters?.max_connections);
  const server = p.instances * (p.defaultPoolSize + p.reservePoolSize);
  if (Number.isFinite(max) && server > max - SUPERUSER_RESERVED)
    issues.push(
      `pooler.instances × (defaultPoolSize + reservePoolSize) = ${server} exceeds parameters.max_connections ${max} − ${SUPERUSER_RESERVED} reserved; lower the pool sizes or raise max_connections`,
    );
  return issues;
}

function backupIssues(b: CloudNativePgBackup): string[] {
  if (b.enabled === false) return offIssues("backup", b);
  const issues: string[] = [];
  const id = b.cloudIdentity;
  if (b.destinationPath === undefined)
    issues.push("backup.destinationPath is required (s3://bucket/path), or set backup.enabled to false");
  else if (!/^(s3|gs):\/\/[a-z0-9][a-z0-9._-]+[a-z0-9](\/.*)?$/.test(b.destinationPath))
    issues.push(
      `backup.destinationPath "${b.destinationPath}" must look like s3://bucket/path or gs://bucket/path`,
    );
  else if (b.destinationPath.startsWith("gs://") !== (id?.gcpServiceAccount !== undefined))
    issues.push(
      "backup.destinationPath gs:// (Google Cloud Storage) goes with backup.cloudIdentity.gcpServiceAccount, and only with it: set both, or use s3://",
    );
  if (id !== undefined && (id.awsRoleArn === undefined) === (id.gcpServiceAccount === undefined))
    issues.push("backup.cloudIdentity takes exactly one of awsRoleArn and gcpServiceAccount");
  if (id?.awsRoleArn !== undefined && !AWS_ROLE_ARN.test(id.awsRoleArn))
    issues.push(
      `backup.cloudIdentity.awsRoleArn "${id.awsRoleArn}" must be an IAM role ARN (arn:aws:iam::<account>:role/<name>)`,
    );
  if (id?.gcpServiceAccount !== undefined && !GCP_SERVICE_ACCOUNT.test(id.gcpServiceAccount))
    issues.push(
      `backup.cloudIdentity.gcpServiceAccount "${id.gcpServiceAccount}" must be a Google service account (<name>@<project>.iam.gserviceaccount.com)`,
    );
  if (id !== undefined && b.accessKeyId !== undefined)
    issues.push(
      "backup.cloudIdentity and backup.accessKeyId exclude each other: the store is written with one of them",
    );
  if (b.endpointURL !== undefined && !/^https?:\/\/[^\s/]+/.test(b.endpointURL))
    issues.push(`backup.endpointURL "${b.endpointURL}" must be an http(s) URL`);
  if ((b.accessKeyId === undefined) !== (b.secretAccessKey === undefined))
    issues.push(
      "backup.accessKeyId and backup.secretAccessKey go together: give both, or neither to use the IAM role",
    );
  const retention = b.retentionPolicy ?? CNPG_DEFAULTS.backup.retentionPolicy;
  if (!/^[1-9][0-9]*[dwm]$/.test(retention))
    issues.push(`backup.retentionPolicy "${retention}" must be <n>d, <n>w or <n>m, e.g. 30d`);
  issues.push(...cronIssues("backup.schedule", b.schedule ?? CNPG_DEFAULTS.backup.schedule));
  if (b.serverName !== undefined && !DNS_LABEL.test(b.serverName))
    issues.push(`backup.serverName "${b.serverName}" must be a DNS label`);
  return issues;
}

function restoreIssues(args: CloudNativePgDatabaseArgs, r: CloudNativePgRestore): string[] {
  const issues: string[] = [];
  if (args.initdb !== undefined)
    issues.push(
      "initdb and restore are mutually exclusive: a cluster starts empty (initdb) or from a backup (restore); drop one",
    );
  if ((r as { backup?: unknown }).backup !== undefined)
    issues.push(
      "restore.backup (a Backup object) is the in-tree Barman path, which plugin backups do not take; give restore.source.serverName and restore.backupId",
    );
  if (r.backupId !== undefined && !/^\d{8}T\d{6}$/.test(r.backupId))
    issues.push(`restore.backupId "${r.backupId}" must be a Barman backup ID such as 20261201T020000`);
  if (r.targetTime !== undefined && (!RFC3339.test(r.targetTime) || Number.isNaN(Date.parse(r.targetTime))))
    issues.push(
      `restore.targetTime "${r.targetTime}" must be RFC 3339 with an offset, e.g. 2026-08-01T10:00:00Z`,
    );
  if (r.source) {
    if (!DNS_LABEL.test(r.source.serverName))
      issues.push(`restore.source.serverName "${r.source.serverName}" must be a DNS label`);
    const backup = enabledBackup(args);
    if (r.source.objectStoreName === undefined && !backup)
      issues.push(
        "restore.source.objectStoreName is required when backup is disabled (no ObjectStore of our own)",
      );
    if (backup) {
      const own = backup.objectStoreName ?? `${args.name}-backups`;
      const ownServer = backup.serverName ?? args.name;
      if ((r.source.objectStoreName ?? own) === own && r.source.serverName === ownServer)
        issues.push(
          `restore.source.serverName "${ownServer}" is also backup.serverName: the restored cluster would archive over its origin; give it a new backup.serverName`,
        );
    }
  }
  return issues;
}

/** Every problem of {@link CloudNativePgDatabaseArgs}, each naming its property path; [] when valid. */
export function validateCloudNativePgDatabaseArgs(args: CloudNativePgDatabaseArgs): string[] {
  const issues: string[] = [];
  if (!DNS_LABEL.test(args.name) || args.name.length > 50)
    issues.push(`name "${args.name}" must be a DNS label (a-z, 0-9, -) of at most 50 characters`);
  issues.push(...positiveInt("instances", args.instances ?? CNPG_DEFAULTS.instances));
  const image = args.image ?? CNPG_POSTGRES_IMAGE;
  if (!isPinnedImage(image)) issues.push(`image "${image}" must be pinned to a version (not latest)`);
  issues.push(...quantityIssues("storage.size", args.storage.size));
  for (const side of ["requests", "limits"] as const)
    for (const k of ["cpu", "memory"] as const)
      issues.push(...quantityIssues(`resources.${side}.${k}`, args.resources[side][k]));
  for (const [k, v] of Object.entries(args.parameters ?? {})) {
    if (!/^[a-z_][a-z0-9_.]*$/.test(k)) issues.push(`parameters.${k} is not a PostgreSQL setting name`);
    if (typeof v !== "string") issues.push(`parameters.${k} must be a string (got ${typeof v} ${v})`);
  }
  const aa = args.podAntiAffinityType ?? CNPG_DEFAULTS.podAntiAffinityType;
  if (aa !== "preferred" && aa !== "required")
    issues.push(`podAntiAffinityType "${aa}" must be "preferred" or "required"`);
  if (!IDENT.test(args.database)) issues.push(`database "${args.database}" is not a plain identifier`);
  if (!IDENT.test(args.owner)) issues.push(`owner "${args.owner}" is not a plain identifier`);
  if (args.owner === "postgres" || args.owner === "streaming_replica")
    issues.push(`owner "${args.owner}" is reserved by CloudNativePG; use an app role`);
  issues.push(...poolerIssues(args));
  issues.push(...backupIssues(args.backup));
  if (args.restore) issues.push(...restoreIssues(args, args.restore));
  const podMonitor = args.enablePodMonitor ?? CNPG_DEFAULTS.enablePodMonitor;
  for (const field of ["podMonitorLabels", "podMonitorRelabelings"] as const)
    if (args[field] !== undefined && !podMonitor)
      issues.push(`${field} is set but enablePodMonitor is false: set enablePodMonitor, or drop ${field}`);
  return issues;
}

// The names these types had before, kept for TypeScript programs that use them.
/** @deprecated Use CloudNativePgPooler: under this name, the SDKs of other languages called its input type `CloudNativePgPoolerArgsArgs`. */
export type CloudNativePgPoolerArgs = CloudNativePgPooler;
/** @deprecated Use CloudNativePgBackup: under this name, the SDKs of other languages called its input type `CloudNativePgBackupArgsArgs`. */
export type CloudNativePgBackupArgs = CloudNativePgBackup;
/** @deprecated Use CloudNativePgRestoreSource: under this name, the SDKs of other languages called its input type `CloudNativePgRestoreSourceArgsArgs`. */
export type CloudNativePgRestoreSourceArgs = CloudNativePgRestoreSource;
/** @deprecated Use CloudNativePgRestore: under this name, the SDKs of other languages called its input type `CloudNativePgRestoreArgsArgs`. */
export type CloudNativePgRestoreArgs = CloudNativePgRestore;
/** @deprecated Use CloudNativePgStorage: under this name, the SDKs of other languages called its input type `CloudNativePgStorageArgsArgs`. */
export type CloudNativePgStorageArgs = CloudNativePgStorage;
/** @deprecated Use CloudNativePgInitdb: under this name, the SDKs of other languages called its input type `CloudNativePgInitdbArgsArgs`. */
export type CloudNativePgInitdbArgs = CloudNativePgInitdb;
