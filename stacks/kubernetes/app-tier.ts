import * as pulumi from "@pulumi/pulumi";
import { HTTP_PATHS, SERVICE_NAME } from "../../app/src/contract.js";
import type { ResolvedEnvironment } from "../../environments/index.js";
import {
  AppSecrets,
  Backups,
  type DatabaseEndpoint,
  McpBackend,
  NetworkPolicies,
  PgBouncer,
  PgvectorPostgres,
  Redis,
} from "../../infra/index.js";
import type { StackSecrets } from "../config.js";
import { StackConfigError } from "../errors.js";
import { appSettings } from "./app-config.js";
import { appTierNetwork } from "./app-network.js";

export interface AppTierInputs {
  readonly env: ResolvedEnvironment;
  readonly secrets: StackSecrets;
  readonly namespace: pulumi.Output<string>;
  readonly image: pulumi.Output<string>;
  readonly parent: pulumi.Resource;
}

/**
 * Where DATABASE_URL points: PgBouncer's database when pooled, else Postgres. No DATABASE_REPLICA_URL:
 * the statefulset engine runs no replica (`database.readReplica` is not read until another engine does).
 */
export function databaseEndpoints(env: ResolvedEnvironment): {
  primary: DatabaseEndpoint;
  replica?: DatabaseEndpoint;
} {
  const db = env.database;
  return { primary: { host: db.pooler.enabled ? "pgbouncer" : "postgres", database: db.name } };
}

/** The app workload and its data tier (McpBackend, Secrets, Redis, Postgres, PgBouncer, backups, policies). */
export function deployAppTier(inputs: AppTierInputs): Record<string, pulumi.Output<unknown>> {
  const { env, secrets, namespace } = inputs;
  const opts = { parent: inputs.parent };
  const k = env.kubernetes;
  const db = env.database;
  const dbPassword = secrets.dbPassword;
  if (dbPassword === undefined) throw new StackConfigError(`${env.name}: the dbPassword secret is required`);
  const usesOpenAi = env.llm.embeddingProvider === "openai" || env.llm.answerProvider === "openai";
  const endpoints = databaseEndpoints(env);
  const redis = env.redis.enabled
    ? new Redis(
        "redis",
        {
          namespace,
          image: env.redis.image,
          exporterImage: env.redis.exporterImage,
          maxmemory: env.redis.maxmemory,
          maxmemoryPolicy: env.redis.maxmemoryPolicy,
          rdbSaves: env.redis.rdbSaves,
          aof: env.redis.aof,
          resources: env.redis.resources,
          storage: env.redis.storage,
          storageClass: k.storageClass,
        },
        opts,
      )
    : undefined;
  const redisUrl = redis?.url;

  const appSecrets = new AppSecrets(
    "app-secrets",
    {
      namespace,
      dbUser: db.user,
      dbPassword,
      primary: endpoints.primary,
      replica: endpoints.replica,
      redisUrl,
      sentryDsn: env.observability.sentry.enabled ? secrets.sentryDsn : undefined,
      openaiApiKey: usesOpenAi ? secrets.openaiApiKey : undefined,
      apiKeys: env.runtime.requireApiKeys ? secrets.apiKeys : undefined,
    },
    opts,
  );

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
          host: "postgres",
          database: db.name,
          user: db.user,
          passwordSecret: appSecrets.passwordRef,
        },
        opts,
      )
    : undefined;

  const postgres = new PgvectorPostgres(
    "postgres",
    {
      namespace,
      image: db.image,
      database: db.name,
      user: db.user,
      passwordSecret: appSecrets.passwordRef,
      secretVersion: appSecrets.version,
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

  const pgbouncer = db.pooler.enabled
    ? new PgBouncer(
        "pgbouncer",
        {
          namespace,
          databases: [{ name: db.name, host: postgres.serviceName, dbname: db.name }],
          user: db.user,
          password: dbPassword,
          maxClientConnections: db.pooler.maxClientConnections,
          defaultPoolSize: db.pooler.defaultPoolSize,
          reservePoolSize: db.pooler.reservePoolSize,
          replicas: db.pooler.replicas,
          poolMode: "transaction",
        },
        opts,
      )
    : undefined;

  const backend = new McpBackend(
    SERVICE_NAME,
    {
      namespace,
      image: inputs.image,
      version: env.version,
      name: SERVICE_NAME,
      instance: `${SERVICE_NAME}-${env.name}`,
      replicas: k.replicas,
      autoscaling: k.hpa.enabled
        ? {
            minReplicas: k.hpa.minReplicas,
            maxReplicas: k.hpa.maxReplicas,
            cpuUtilization: k.hpa.cpuUtilization,
            memoryUtilization: k.hpa.memoryUtilization,
            behavior: k.hpa.behavior,
          }
        : undefined,
      maxSurge: k.rollingUpdate.maxSurge,
      maxUnavailable: k.rollingUpdate.maxUnavailable,
      resources: k.resources,
      livenessProbe: k.livenessProbe,
      readinessProbe: k.readinessProbe,
      preStopSleepSeconds: k.preStopSleepSeconds,
      terminationGracePeriodSeconds: k.terminationGracePeriodSeconds,
      serviceType: k.serviceType,
      pdbMinAvailable: k.pdbMinAvailable,
      config: appSettings(env),
      secretEnv: appSecrets.secretEnv,
      secretVersion: appSecrets.version,
      metricsPath: HTTP_PATHS.metrics,
    },
    opts,
  );

  if (k.networkPolicies) new NetworkPolicies("network-policies", { namespace, ...appTierNetwork(env) }, opts);

  return {
    appService: pulumi.output(backend.serviceName),
    appUrl: backend.url,
    // The LoadBalancer's address once the cloud assigned it (prod); null for a ClusterIP Service.
    appExternalAddress: backend.externalAddress.apply((a) => a ?? null),
    databaseService: pulumi.output(pgbouncer?.serviceName ?? postgres.serviceName),
    databaseReplicaService: pulumi.output(null),
    redisService: pulumi.output(redis?.serviceName ?? null),
    backupClaim: pulumi.output(backups?.claimName ?? null),
    databaseUrl: appSecrets.databaseUrl,
  };
}
