import { DATA_SERVICES } from "@mcp-stack/contract";
import * as pulumi from "@pulumi/pulumi";
import type { ResolvedEnvironment } from "../../environments/index.js";
import {
  type AppDatabase,
  Backups,
  CloudNativePgDatabase,
  type CloudNativePgDatabaseArgs,
  cloudNativePgNames,
  type DatabaseEndpoint,
  DataOperators,
  PgvectorPostgres,
  type SecretKeyRef,
} from "../../infra/index.js";
import { StackConfigError } from "../errors.js";
import type { StackSecrets } from "../stack-config.js";
import { cloudNativePgPodMonitorArgs } from "./monitoring-operator.js";

/** Name of the CloudNativePG Cluster: Services postgres-rw / postgres-ro, Poolers postgres-pooler(-ro). */
export const CNPG_CLUSTER_NAME = DATA_SERVICES.postgres;
/**
 * Name of a Cluster restored from backups: never the live one's, so a restore next to it (or in place
 * of a lost one, whose leftovers may still exist) collides with nothing, and its own WAL archive goes
 * to a folder of its own name.
 */
export const CNPG_RESTORED_CLUSTER_NAME = `${CNPG_CLUSTER_NAME}-restored`;

/** The Cluster this environment runs: the live name, or the restored one while `database.restore` is set. */
export function cnpgClusterName(env: ResolvedEnvironment): string {
  return env.database.restore === undefined ? CNPG_CLUSTER_NAME : CNPG_RESTORED_CLUSTER_NAME;
}
/** Name of the statefulset engine's Postgres (its Service and pods). */
export const STATEFULSET_POSTGRES_NAME = DATA_SERVICES.postgres;

/**
 * Stop before anything is created when an engine lacks what has no default: CloudNativePG's object
 * store (its backups and WAL archive need a bucket of the deployment's own).
 */
export function assertDatabaseConfig(env: ResolvedEnvironment, secrets: StackSecrets): void {
  const db = env.database;
  if (db.engine === "cloudnative-pg" && env.backups.enabled && env.backups.objectStore === undefined)
    throw new StackConfigError(
      `${env.name}: backups.objectStore.destinationPath is not set, so CloudNativePG has nowhere to archive WAL and base backups; run:\n` +
        "  pulumi config set --path mcp-stack:backups.objectStore.destinationPath s3://<bucket>/<path>\n" +
        "  (then either an IAM role: pulumi config set --path mcp-stack:backups.objectStore.identity.provider aws-irsa, and …identity.roleArn <arn>;\n" +
        "   or keys: pulumi config set --secret mcp-stack:backupAccessKeyId … / backupSecretAccessKey …)",
    );
  if (env.backups.objectStore?.identity && secrets.backupAccessKeyId !== undefined)
    throw new StackConfigError(
      `${env.name}: backups.objectStore.identity and the backupAccessKeyId / backupSecretAccessKey secrets exclude each other (the store is written with one of them); run:\n` +
        "  pulumi config rm mcp-stack:backupAccessKeyId && pulumi config rm mcp-stack:backupSecretAccessKey\n" +
        "  (or drop the identity: pulumi config rm --path mcp-stack:backups.objectStore.identity)",
    );
  if ((secrets.backupAccessKeyId === undefined) !== (secrets.backupSecretAccessKey === undefined))
    throw new StackConfigError(
      `${env.name}: set both backupAccessKeyId and backupSecretAccessKey, or neither (the pods' IAM role); run:\n` +
        `  pulumi config set --secret mcp-stack:${secrets.backupAccessKeyId === undefined ? "backupAccessKeyId" : "backupSecretAccessKey"} <value>`,
    );
}

/** The CloudNativePG building block's Args from the model: the reference's postgresql.conf as parameters. */
export function cloudNativePgArgs(
  env: ResolvedEnvironment,
  namespace: pulumi.Input<string>,
  /** The role's password; undefined when External Secrets writes the role's Secret. */
  password: pulumi.Input<string> | undefined,
  secrets: StackSecrets,
): CloudNativePgDatabaseArgs {
  const db = env.database;
  const pg = db.postgres;
  const store = env.backups.objectStore;
  const restore = db.restore;
  return {
    name: cnpgClusterName(env),
    namespace,
    instances: db.cloudNativePg.instances,
    image: db.cloudNativePg.image,
    storage: { size: pg.storage, storageClass: env.kubernetes.storageClass },
    // Memory request = limit: shared_buffers and effective_cache_size are computed from it.
    resources: { requests: { cpu: pg.cpu, memory: pg.memory }, limits: { cpu: pg.cpu, memory: pg.memory } },
    parameters: {
      shared_buffers: env.derived.postgres.sharedBuffers,
      effective_cache_size: env.derived.postgres.effectiveCacheSize,
      max_connections: String(pg.maxConnections),
      work_mem: pg.workMem,
      maintenance_work_mem: pg.maintenanceWorkMem,
      random_page_cost: String(pg.randomPageCost),
      effective_io_concurrency: String(pg.effectiveIoConcurrency),
      wal_buffers: pg.walBuffers,
      checkpoint_completion_target: String(pg.checkpointCompletionTarget),
    },
    ...cloudNativePgPodMonitorArgs(env),
    database: db.name,
    owner: db.user,
    password,
    pooler: db.pooler.enabled
      ? {
          instances: db.pooler.replicas,
          poolMode: "transaction",
          maxClientConn: db.pooler.maxClientConnections,
          defaultPoolSize: db.pooler.defaultPoolSize,
          reservePoolSize: db.pooler.reservePoolSize,
          readOnly: db.readReplica,
        }
      : { enabled: false },
    backup:
      env.backups.enabled && store
        ? {
            destinationPath: store.destinationPath,
            endpointURL: store.endpointUrl,
            // With External Secrets the stack holds no value: the pods' IAM role writes the store.
            accessKeyId: password === undefined ? undefined : secrets.backupAccessKeyId,
            secretAccessKey: password === undefined ? undefined : secrets.backupSecretAccessKey,
            cloudIdentity:
              store.identity === undefined
                ? undefined
                : store.identity.provider === "aws-irsa"
                  ? { awsRoleArn: store.identity.roleArn }
                  : { gcpServiceAccount: store.identity.serviceAccount },
            retentionPolicy: `${env.backups.retentionDays}d`,
            schedule: env.backups.schedule,
          }
        : { enabled: false },
    restore:
      restore === undefined
        ? undefined
        : {
            source: { serverName: restore.serverName },
            backupId: restore.backupId,
            targetTime: restore.targetTime,
          },
  };
}

/** Where the app connects, for each engine; composed URLs carry the stack's password. */
export function databaseConnection(
  env: ResolvedEnvironment,
  secrets: StackSecrets,
  cnpg: CloudNativePgDatabaseArgs | undefined,
): AppDatabase {
  const db = env.database;
  const endpoints = inClusterEndpoints(env, cnpg);
  if (!endpoints) {
    const url = secrets.databaseUrl;
    if (url === undefined) throw new StackConfigError(`${env.name}: the databaseUrl secret is required`);
    return { url, replicaUrl: db.readReplica ? secrets.databaseReplicaUrl : undefined };
  }
  const password = secrets.dbPassword;
  if (password === undefined) throw new StackConfigError(`${env.name}: the dbPassword secret is required`);
  return { user: db.user, password, ...endpoints };
}

/**
 * Where the app reaches a database the stack runs: CloudNativePG's Poolers (or its Services), the
 * statefulset's Service; undefined for an external one. Both secrets backends compose the URLs from it.
 */
export function inClusterEndpoints(
  env: ResolvedEnvironment,
  cnpg: CloudNativePgDatabaseArgs | undefined,
): { primary: DatabaseEndpoint; replica?: DatabaseEndpoint } | undefined {
  const db = env.database;
  if (db.engine === "external") return undefined;
  if (db.engine === "cloudnative-pg" && cnpg) {
    const n = cloudNativePgNames(cnpg);
    return {
      primary: { host: n.pooler ?? n.rwService, database: db.name },
      replica: db.readReplica ? { host: n.roPooler ?? n.roService, database: db.name } : undefined,
    };
  }
  return { primary: { host: STATEFULSET_POSTGRES_NAME, database: db.name } };
}

export interface DatabaseTierInputs {
  readonly env: ResolvedEnvironment;
  readonly secrets: StackSecrets;
  readonly namespace: pulumi.Output<string>;
  /** Where the database's own pods read the password (db-credentials/password). */
  readonly passwordSecret: SecretKeyRef;
  /** The Secrets' version (pulumi backend): hashed into the pods' `checksum/secrets`. */
  readonly secretVersion?: pulumi.Input<string>;
  /** Reloader's annotations (external-secrets backend) and the mesh's. */
  readonly podAnnotations?: Record<string, string>;
  /** The backup Job's pod annotations (the mesh's). */
  readonly jobAnnotations?: Record<string, string>;
  readonly cnpg: CloudNativePgDatabaseArgs | undefined;
  readonly opts: pulumi.ComponentResourceOptions;
}

/** The database tier: its stack outputs, and what the app must wait for before it is created. */
export interface DatabaseTier {
  readonly outputs: Record<string, pulumi.Output<unknown>>;
  /**
   * The database component (CloudNativePG's Cluster and Poolers, awaited to Ready by their
   * `pulumi.com/waitFor`; the statefulset engine's StatefulSet, awaited by the provider). Empty for
   * `external`.
   */
  readonly ready: pulumi.Resource[];
}

/** The database of the environment's engine; nothing for `external`. */
export function deployDatabase(inputs: DatabaseTierInputs): DatabaseTier {
  const db = inputs.env.database;
  if (db.engine === "cloudnative-pg" && inputs.cnpg) return deployCloudNativePg(inputs, inputs.cnpg);
  if (db.engine === "statefulset") return deployStatefulset(inputs);
  return {
    outputs: { databaseService: pulumi.output(null), databaseReplicaService: pulumi.output(null) },
    ready: [],
  };
}

/** The operators and a CloudNativePG Cluster (with its Poolers). */
function deployCloudNativePg(inputs: DatabaseTierInputs, cnpg: CloudNativePgDatabaseArgs): DatabaseTier {
  const { env, opts } = inputs;
  const operators = new DataOperators("data-operators", { mode: env.operators }, opts);
  const cluster = new CloudNativePgDatabase(cnpg.name, cnpg, {
    ...opts,
    dependsOn: [operators],
  });
  return {
    outputs: {
      databaseService: pulumi.output(cluster.primaryHost),
      databaseReplicaService: pulumi.output(env.database.readReplica ? cluster.replicaHost : null),
      databaseCluster: pulumi.output(cluster.clusterName),
      backupObjectStore: pulumi.output(cluster.objectStoreName ?? null),
    },
    ready: [cluster],
  };
}

/** One pgvector Postgres StatefulSet, with its backup CronJob when backups are on. */
function deployStatefulset(inputs: DatabaseTierInputs): DatabaseTier {
  const { env, namespace, opts } = inputs;
  const db = env.database;
  const k = env.kubernetes;
  const backups = env.backups.enabled
    ? new Backups(
        "postgres-backup",
        {
          namespace,
          image: db.image,
          schedule: env.backups.schedule,
          retentionDays: env.backups.retentionDays,
          storage: env.backups.storage,
          storageClass: k.storageClass,
          host: STATEFULSET_POSTGRES_NAME,
          database: db.name,
          user: db.user,
          passwordSecret: inputs.passwordSecret,
          podAnnotations: inputs.jobAnnotations,
        },
        opts,
      )
    : undefined;
  const postgres = new PgvectorPostgres(
    STATEFULSET_POSTGRES_NAME,
    {
      namespace,
      image: db.image,
      database: db.name,
      user: db.user,
      passwordSecret: inputs.passwordSecret,
      // A password change restarts the pod, whose start hook then sets the role's password.
      secretVersion: inputs.secretVersion,
      podAnnotations: inputs.podAnnotations,
      memory: db.postgres.memory,
      cpu: db.postgres.cpu,
      tuning: {
        sharedBuffers: env.derived.postgres.sharedBuffers,
        effectiveCacheSize: env.derived.postgres.effectiveCacheSize,
        maxConnections: db.postgres.maxConnections,
        workMem: db.postgres.workMem,
        maintenanceWorkMem: db.postgres.maintenanceWorkMem,
        randomPageCost: db.postgres.randomPageCost,
        effectiveIoConcurrency: db.postgres.effectiveIoConcurrency,
        walBuffers: db.postgres.walBuffers,
        checkpointCompletionTarget: db.postgres.checkpointCompletionTarget,
      },
      storage: db.postgres.storage,
      storageClass: k.storageClass,
    },
    opts,
  );
  return {
    outputs: {
      databaseService: pulumi.output(postgres.serviceName),
      databaseReplicaService: pulumi.output(null),
      backupClaim: pulumi.output(backups?.claimName ?? null),
    },
    ready: [postgres],
  };
}
