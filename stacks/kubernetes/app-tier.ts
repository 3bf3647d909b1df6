import { DATA_SERVICES, HTTP_PATHS, SERVICE_NAME } from "@mcp-stack/contract";
import * as pulumi from "@pulumi/pulumi";
import type { AppSecretKey, ResolvedEnvironment } from "../../environments/index.js";
import {
  APP_SECRET_REFS,
  type AppSecretEnv,
  type AppSecretEnvNames,
  AppSecrets,
  type AppSecretsArgs,
  McpBackend,
  type McpBackendArgs,
  type MeshRendering,
  NetworkPolicies,
  Redis,
  type RedisArgs,
  type SecretKeyRef,
} from "../../infra/index.js";
import type { StackSecrets } from "../stack-config.js";
import { kubernetesAppConfig } from "./app-config.js";
import { appTierNetwork } from "./app-network.js";
import { cloudNativePgArgs, databaseConnection, deployDatabase } from "./database.js";
import { deployExternalSecrets, externalAppSecretEnv } from "./external-secrets.js";

export interface AppTierInputs {
  readonly env: ResolvedEnvironment;
  readonly secrets: StackSecrets;
  readonly namespace: pulumi.Output<string>;
  readonly image: pulumi.Output<string>;
  readonly parent: pulumi.Resource;
  /** The Namespace object itself, for resources whose namespace is a plain string. */
  readonly namespaceResource: pulumi.Resource;
  /** The service mesh's settings for the workloads; undefined with `mesh: none`. */
  readonly mesh?: MeshRendering;
}

/** The app workload and its data tier (McpBackend, Secrets, Redis, the database engine, policies). */
export function deployAppTier(inputs: AppTierInputs): Record<string, pulumi.Output<unknown>> {
  const { env, secrets, namespace } = inputs;
  const opts = { parent: inputs.parent };
  const k = env.kubernetes;
  // The mesh's pod settings (Istio: probe rewrite, no metrics merging, native sidecar); none on Linkerd,
  // whose namespace annotations every pod inherits.
  const meshPods = Object.keys(inputs.mesh?.podAnnotations ?? {}).length
    ? { podAnnotations: { ...inputs.mesh!.podAnnotations } }
    : {};
  // external-secrets: a secret manager holds every value; the stack creates ExternalSecrets instead.
  const external = env.secrets.backend === "external-secrets";
  const cnpg =
    env.database.engine === "cloudnative-pg" && (external || secrets.dbPassword !== undefined)
      ? {
          ...cloudNativePgArgs(env, namespace, external ? undefined : secrets.dbPassword, secrets),
          ...meshPods,
        }
      : undefined;
  const redis = env.derived.redisInCluster
    ? new Redis(DATA_SERVICES.redis, redisArgs(env, namespace), opts)
    : undefined;

  const appSecrets = external
    ? undefined
    : new AppSecrets(
        "app-secrets",
        {
          namespace,
          database: databaseConnection(env, secrets, cnpg),
          ...appSecretValues(env, secrets, { redisUrl: redis?.url }),
        },
        opts,
      );
  const externalSecrets = external
    ? deployExternalSecrets(env, cnpg, { ...opts, dependsOn: [inputs.namespaceResource] })
    : undefined;
  const podAnnotations =
    externalSecrets || meshPods.podAnnotations
      ? { ...externalSecrets?.podAnnotations, ...meshPods.podAnnotations }
      : undefined;
  const database = deployDatabase({
    env,
    secrets,
    namespace,
    cnpg,
    opts: externalSecrets ? { ...opts, dependsOn: externalSecrets.ready } : opts,
    passwordSecret: APP_SECRET_REFS.dbPassword,
    secretVersion: appSecrets?.version,
    podAnnotations,
    jobAnnotations: meshPods.podAnnotations,
  });

  const backend = new McpBackend(
    SERVICE_NAME,
    backendArgs(inputs, {
      secretEnv: appSecrets?.secretEnv ?? externalAppSecretEnv(env, cnpg),
      secretVersion: appSecrets?.version,
      podAnnotations,
    }),
    // Created once the database answers: a dependency on a component waits for every resource under
    // it, and the Cluster and Poolers are awaited to Ready (AWAIT_ANNOTATIONS). Without it the app's
    // pods start against a database that is still initialising.
    { ...opts, dependsOn: database.ready },
  );

  if (k.networkPolicies) new NetworkPolicies("network-policies", { namespace, ...appTierNetwork(env) }, opts);

  return {
    appService: pulumi.output(backend.serviceName),
    appUrl: backend.url,
    // The LoadBalancer's address once the cloud assigned it (prod); null for a ClusterIP Service.
    appExternalAddress: backend.externalAddress.apply((a) => a ?? null),
    ...database.outputs,
    redisService: pulumi.output(redis?.serviceName ?? null),
    // Composed by the stack (pulumi backend); the secret manager's alone with external-secrets.
    databaseUrl: appSecrets?.databaseUrl ?? pulumi.output(null),
  };
}

/** The values AppSecrets takes besides the database, whose URLs it composes itself. */
type AppSecretValues = Omit<AppSecretsArgs, "namespace" | "database" | "envNames">;

/** AppSecrets' field for an app secret of the table: a row it cannot deliver fails to compile here. */
function appSecretsField(key: AppSecretKey): AppSecretEnv {
  return key;
}

/**
 * The app's secret values and variable names for AppSecrets, from the rows of the secrets table the
 * environment reads: a composed value (Redis' URL when it runs in the cluster) from `composed`, the
 * others from the stack's secrets.
 */
function appSecretValues(
  env: ResolvedEnvironment,
  secrets: StackSecrets,
  composed: Partial<Record<AppSecretKey, pulumi.Input<string>>>,
): AppSecretValues & Pick<AppSecretsArgs, "envNames"> {
  const values: Record<string, pulumi.Input<string> | undefined> = {};
  const envNames: Partial<Record<AppSecretEnv, string>> = {};
  for (const use of env.derived.secrets) {
    if (!use.appEnv) continue;
    // Only the app's secrets have an appEnv.
    const key = use.key as AppSecretKey;
    envNames[appSecretsField(key)] = use.appEnv;
    if (use.serviceUrl !== "database") values[key] = use.composed ? composed[key] : secrets[key];
  }
  return { ...(values as AppSecretValues), envNames: envNames satisfies AppSecretEnvNames };
}

/** Redis's Args from the model. */
function redisArgs(env: ResolvedEnvironment, namespace: pulumi.Input<string>): RedisArgs {
  return {
    namespace,
    image: env.redis.image,
    exporterImage: env.redis.exporterImage,
    maxmemory: env.redis.maxmemory,
    maxmemoryPolicy: env.redis.maxmemoryPolicy,
    rdbSaves: env.redis.rdbSaves,
    aof: env.redis.aof,
    resources: env.redis.resources,
    storage: env.redis.storage,
    storageClass: env.kubernetes.storageClass,
  };
}

/** McpBackend's Args from the model; how its secrets reach it depends on the secrets backend. */
function backendArgs(
  inputs: AppTierInputs,
  given: Pick<McpBackendArgs, "secretEnv" | "secretVersion" | "podAnnotations">,
): McpBackendArgs {
  const { env, namespace } = inputs;
  // The database URLs go in as files the app re-reads for each new connection (the table's appFile),
  // so a rotated password reaches running pods (the kubelet updates the mounted Secret) and no login
  // waits on a restart.
  const secretEnv = { ...given.secretEnv };
  const secretFiles: Record<string, SecretKeyRef> = {};
  for (const { appEnv, appFile } of env.derived.secrets) {
    const ref = appEnv === undefined ? undefined : secretEnv[appEnv];
    if (appEnv === undefined || appFile === undefined || ref === undefined) continue;
    secretFiles[appFile] = ref;
    delete secretEnv[appEnv];
  }
  const secrets = { ...given, secretEnv, secretFiles };
  const k = env.kubernetes;
  return {
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
    config: kubernetesAppConfig(env),
    ...secrets,
    metricsPath: HTTP_PATHS.metrics,
  };
}
