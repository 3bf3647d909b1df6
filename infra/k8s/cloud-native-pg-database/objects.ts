import { PART_OF } from "@mcp-stack/contract";
import { imageTag, recommendedLabels } from "../lib/kube-parts.js";
import type { KubeObject } from "../lib/manifests.js";
import { assertValid } from "../lib/register.js";
import { CNPG_METRICS_PORT } from "../pgvector-postgres/args.js";
import {
  type CloudNativePgDatabaseArgs,
  CNPG_DEFAULTS,
  CNPG_POSTGRES_IMAGE,
  type CpuMemoryResources,
  cloudIdentityAnnotations,
  enabledBackup,
  enabledPooler,
  POOLER_RESOURCES,
  validateCloudNativePgDatabaseArgs,
} from "./args.js";
import {
  BARMAN_CLOUD_API_VERSION,
  BARMAN_CLOUD_PLUGIN,
  type Cluster,
  type ClusterSpec,
  CNPG_API_VERSION,
  type CnpgObject,
  crdIssues,
  type ObjectStore,
  type Pooler,
  type ScheduledBackup,
} from "./crds.js";
import { CNPG_POOLER_METRICS_PORT } from "./pods.js";
import { cnpgSchedule } from "./schedule.js";

/** The pgvector extension, created in the app database once, at bootstrap. */
export const PGVECTOR_SQL = "CREATE EXTENSION IF NOT EXISTS vector";

/** Names of everything the component creates or the operator derives, from the args. */
export function cloudNativePgNames(args: CloudNativePgDatabaseArgs) {
  const backup = enabledBackup(args);
  const poolerArgs = enabledPooler(args);
  return {
    cluster: args.name,
    /** The operator's Services: read-write (primary), read-only (replicas), any instance. */
    rwService: `${args.name}-rw`,
    roService: `${args.name}-ro`,
    /** The read-write Pooler; undefined with the pooler disabled. */
    pooler: poolerArgs ? (poolerArgs.name ?? `${args.name}-pooler`) : undefined,
    /** The read-only Pooler, when `pooler.readOnly`. */
    roPooler: poolerArgs?.readOnly ? `${poolerArgs.name ?? `${args.name}-pooler`}-ro` : undefined,
    credentialsSecret: `${args.name}-app-credentials`,
    objectStore: backup ? (backup.objectStoreName ?? `${args.name}-backups`) : undefined,
    s3Secret: backup?.accessKeyId !== undefined ? `${args.name}-backup-s3` : undefined,
    serverName: backup?.serverName ?? args.name,
    scheduledBackup: `${args.name}-daily`,
  };
}

/**
 * What `pulumi up` waits for on the custom resources, which pulumi-kubernetes otherwise creates and
 * leaves at once (pulumi/pulumi-kubernetes provider/pkg/metadata/overrides.go, `ReadyCondition`: no
 * `pulumi.com/waitFor` annotation = no await). Its values are `condition=<Type>` (kubectl wait's
 * syntax, provider/pkg/await/condition/custom.go and kubectl.go: the condition's status must be True
 * and its observedGeneration current) or `jsonpath={.path}=value`
 * (provider/pkg/jsonpath/jsonpath.go), or a JSON array of them, all of which must hold.
 */
export const AWAIT_ANNOTATIONS = {
  /**
   * The Cluster's `Ready` condition (cloudnative-pg api/v1/cluster_types.go, ConditionClusterReady):
   * True once every instance runs and the primary accepts connections, so the app is created only
   * after its database can answer.
   */
  cluster: {
    "pulumi.com/waitFor": "condition=Ready",
    // Instances are created one after another (initdb Job, then a join Job per replica): more than
    // the provider's default 10 minutes (await.go) on slow volumes.
    "pulumi.com/timeoutSeconds": "1800",
  },
  /**
   * A Pooler has no conditions: its status carries `instances`, the replicas of the PgBouncer
   * Deployment the operator made (cloudnative-pg api/v1/pooler_types.go PoolerStatus;
   * internal/controller/pooler_status.go sets it from the Deployment's status.replicas). `phase`
   * exists only from CloudNativePG 1.30, so an older operator (`operators: existing`) would never
   * satisfy it; `instances` is set by every version.
   */
  pooler: (instances: number) => ({ "pulumi.com/waitFor": `jsonpath={.status.instances}=${instances}` }),
} as const;

/**
 * The label that makes CloudNativePG reconcile a Cluster when a Secret it reads changes: the
 * operator watches Secrets it does not own only with it (cloudnative-pg
 * internal/controller/cluster_predicates.go `hasReloadLabelSet`; the key is `utils.WatchedLabelName`
 * = "cnpg.io/reload", pkg/utils/labels_annotations.go). Without it a rotated role password waits for
 * the next periodic resync while the app already uses the new one.
 */
export const CNPG_RELOAD_LABEL = { "cnpg.io/reload": "true" } as const;

/** Keys of the role's basic-auth Secret (CloudNativePG's managed role reads `password`). */
export const ROLE_SECRET_KEYS = { username: "username", password: "password" } as const;

/** Keys of the S3 credentials Secret. */
export const S3_KEYS = { accessKeyId: "ACCESS_KEY_ID", secretAccessKey: "ACCESS_SECRET_KEY" } as const;

/** Recommended labels of one object of the database. */
export function cnpgLabels(args: CloudNativePgDatabaseArgs, name: string, component: string) {
  return recommendedLabels({
    name,
    component,
    version: imageTag(args.image ?? CNPG_POSTGRES_IMAGE),
    instance: args.instance ?? args.name,
    partOf: PART_OF,
  });
}

/** The `externalClusters` entry a restore reads from. */
const RECOVERY_SOURCE = "origin";

function bootstrap(
  args: CloudNativePgDatabaseArgs,
  n: ReturnType<typeof cloudNativePgNames>,
): ClusterSpec["bootstrap"] {
  const owner = { database: args.database, owner: args.owner, secret: { name: n.credentialsSecret } };
  const r = args.restore;
  if (!r)
    return {
      initdb: {
        ...owner,
        dataChecksums: args.initdb?.dataChecksums ?? true,
        postInitApplicationSQL: [PGVECTOR_SQL, ...(args.initdb?.extraSql ?? [])],
      },
    };
  const target = {
    ...(r.backupId ? { backupID: r.backupId } : {}),
    ...(r.targetTime ? { targetTime: r.targetTime } : {}),
  };
  return {
    recovery: {
      source: RECOVERY_SOURCE,
      ...owner,
      ...(Object.keys(target).length > 0 ? { recoveryTarget: target } : {}),
    },
  };
}

type PodMonitorRelabeling = NonNullable<
  NonNullable<ClusterSpec["monitoring"]>["podMonitorRelabelings"]
>[number];

/** A ResourceRequirements from the Args' CPU and memory (copies: the CRD's maps take any resource name). */
function requirements(r: CpuMemoryResources): {
  requests: Record<string, string>;
  limits: Record<string, string>;
} {
  return { requests: { ...r.requests }, limits: { ...r.limits } };
}

/** The `externalClusters` a restore reads from: the backups' object store. None without a restore. */
function recoverySource(
  args: CloudNativePgDatabaseArgs,
  n: ReturnType<typeof cloudNativePgNames>,
): Pick<ClusterSpec, "externalClusters"> {
  const src = args.restore?.source;
  if (!src) return {};
  return {
    externalClusters: [
      {
        name: RECOVERY_SOURCE,
        plugin: {
          name: BARMAN_CLOUD_PLUGIN,
          parameters: {
            barmanObjectName: src.objectStoreName ?? n.objectStore!,
            serverName: src.serverName,
          },
        },
      },
    ],
  };
}

/** The Barman Cloud plugin as WAL archiver, when backups go to an object store. */
function walArchive(n: ReturnType<typeof cloudNativePgNames>): Pick<ClusterSpec, "plugins"> {
  if (!n.objectStore) return {};
  return {
    plugins: [
      {
        name: BARMAN_CLOUD_PLUGIN,
        isWALArchiver: true,
        parameters: { barmanObjectName: n.objectStore, serverName: n.serverName },
      },
    ],
  };
}

function cluster(args: CloudNativePgDatabaseArgs, n: ReturnType<typeof cloudNativePgNames>): Cluster {
  const backupArgs = enabledBackup(args);
  const spec: ClusterSpec = {
    instances: args.instances ?? CNPG_DEFAULTS.instances,
    imageName: args.image ?? CNPG_POSTGRES_IMAGE,
    // The operator updates replicas, then switches over to one and updates the old primary itself.
    primaryUpdateStrategy: "unsupervised",
    primaryUpdateMethod: "switchover",
    storage: {
      size: args.storage.size,
      ...(args.storage.storageClass ? { storageClass: args.storage.storageClass } : {}),
    },
    resources: requirements(args.resources),
    postgresql: { parameters: { ...args.parameters } },
    affinity: {
      enablePodAntiAffinity: true,
      podAntiAffinityType: args.podAntiAffinityType ?? CNPG_DEFAULTS.podAntiAffinityType,
      topologyKey: "kubernetes.io/hostname",
    },
    bootstrap: bootstrap(args, n),
    ...recoverySource(args, n),
    // initdb's secret is read once; the managed role keeps the password in step with the Secret after.
    managed: {
      roles: [
        { name: args.owner, ensure: "present", login: true, passwordSecret: { name: n.credentialsSecret } },
      ],
    },
    ...walArchive(n),
    monitoring: {
      enablePodMonitor: args.enablePodMonitor ?? CNPG_DEFAULTS.enablePodMonitor,
      ...(args.podMonitorRelabelings
        ? // The Args take any action string (other languages see a string); crdIssues refuses one the
          // CRD's enum lacks before anything is registered.
          { podMonitorRelabelings: args.podMonitorRelabelings.map((r) => ({ ...r }) as PodMonitorRelabeling) }
        : {}),
    },
    // On every pod and Service the operator creates: labels for policies, annotations for the
    // bundled Prometheus' pod discovery of the instance manager's exporter.
    inheritedMetadata: {
      // CloudNativePG puts these on its PodMonitor too: how the Operator's Prometheus selects it.
      labels: { ...cnpgLabels(args, args.name, "database"), ...args.podMonitorLabels },
      annotations: {
        "prometheus.io/scrape": "true",
        "prometheus.io/port": String(CNPG_METRICS_PORT),
        ...args.podAnnotations,
      },
    },
    // The plugin's sidecar runs as the instances' ServiceAccount: the cloud identity goes on it.
    ...(backupArgs?.cloudIdentity
      ? {
          serviceAccountTemplate: {
            metadata: { annotations: cloudIdentityAnnotations(backupArgs.cloudIdentity) },
          },
        }
      : {}),
    enableSuperuserAccess: false,
  };
  return {
    apiVersion: CNPG_API_VERSION,
    kind: "Cluster",
    metadata: {
      name: n.cluster,
      labels: cnpgLabels(args, args.name, "database"),
      annotations: { ...AWAIT_ANNOTATIONS.cluster },
    },
    spec,
  };
}

function pooler(
  args: CloudNativePgDatabaseArgs,
  n: ReturnType<typeof cloudNativePgNames>,
  type: "rw" | "ro",
  name: string,
): Pooler {
  const given = enabledPooler(args);
  const p = { ...CNPG_DEFAULTS.pooler, ...given };
  const labels = cnpgLabels(args, name, "connection-pooler");
  return {
    apiVersion: CNPG_API_VERSION,
    kind: "Pooler",
    metadata: { name, labels, annotations: AWAIT_ANNOTATIONS.pooler(p.instances) },
    spec: {
      cluster: { name: n.cluster },
      instances: p.instances,
      type,
      pgbouncer: {
        poolMode: p.poolMode,
        parameters: {
          max_client_conn: String(p.maxClientConn),
          default_pool_size: String(p.defaultPoolSize),
          reserve_pool_size: String(p.reservePoolSize),
        },
      },
      template: {
        // A Pooler does not inherit the Cluster's metadata: its own annotations for pod discovery (and
        // whatever the pods need besides, e.g. a mesh's).
        metadata: {
          labels,
          annotations: {
            "prometheus.io/scrape": "true",
            "prometheus.io/port": String(CNPG_POOLER_METRICS_PORT),
            ...args.podAnnotations,
          },
        },
        spec: {
          containers: [{ name: "pgbouncer", resources: requirements(given?.resources ?? POOLER_RESOURCES) }],
        },
      },
    },
  };
}

function backupObjects(
  args: CloudNativePgDatabaseArgs,
  n: ReturnType<typeof cloudNativePgNames>,
): CnpgObject[] {
  const given = enabledBackup(args);
  if (!given || !n.objectStore) return [];
  const b = { ...CNPG_DEFAULTS.backup, ...given };
  const labels = cnpgLabels(args, args.name, "backup");
  const store: ObjectStore = {
    apiVersion: BARMAN_CLOUD_API_VERSION,
    kind: "ObjectStore",
    metadata: { name: n.objectStore, labels },
    spec: {
      configuration: {
        // Required when backup is enabled (validated).
        destinationPath: b.destinationPath!,
        ...(b.endpointURL ? { endpointURL: b.endpointURL } : {}),
        ...(b.destinationPath!.startsWith("gs://")
          ? { googleCredentials: { gkeEnvironment: true } }
          : {
              s3Credentials: n.s3Secret
                ? {
                    accessKeyId: { name: n.s3Secret, key: S3_KEYS.accessKeyId },
                    secretAccessKey: { name: n.s3Secret, key: S3_KEYS.secretAccessKey },
                  }
                : { inheritFromIAMRole: true },
            }),
        wal: { compression: b.walCompression },
        data: { compression: b.dataCompression },
      },
      retentionPolicy: b.retentionPolicy,
    },
  };
  const scheduled: ScheduledBackup = {
    apiVersion: CNPG_API_VERSION,
    kind: "ScheduledBackup",
    metadata: { name: n.scheduledBackup, labels },
    spec: {
      cluster: { name: n.cluster },
      schedule: cnpgSchedule(b.schedule),
      method: "plugin",
      pluginConfiguration: { name: BARMAN_CLOUD_PLUGIN },
      // Backup objects go with the ScheduledBackup; the data in the store follows retentionPolicy.
      backupOwnerReference: "self",
      immediate: b.immediate,
    },
  };
  return [store, scheduled];
}

/**
 * The custom resources of a CloudNativePG database: ObjectStore, Cluster, Pooler, ScheduledBackup.
 * The credential Secrets are not here: the component creates them from Pulumi secrets directly, so
 * their values never pass through a plain object. Every object is checked against its strict schema.
 */
export function cloudNativePgObjects(args: CloudNativePgDatabaseArgs): KubeObject[] {
  assertValid("CloudNativePgDatabase", validateCloudNativePgDatabaseArgs(args));
  const n = cloudNativePgNames(args);
  const [store, scheduled] = backupObjects(args, n);
  const objects = [
    store,
    cluster(args, n),
    n.pooler ? pooler(args, n, "rw", n.pooler) : undefined,
    n.roPooler ? pooler(args, n, "ro", n.roPooler) : undefined,
    scheduled,
  ].filter((o): o is CnpgObject => !!o);
  assertValid("CloudNativePgDatabase objects", objects.flatMap(crdIssues));
  return objects.map((o) => o as unknown as KubeObject);
}
