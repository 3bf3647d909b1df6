import { DATA_SERVICES, ENV, HTTP_PATHS, SERVICE_NAME, usesOpenAi } from "@mcp-stack/contract";
import * as pulumi from "@pulumi/pulumi";
import type { ResolvedEnvironment } from "../../environments/index.js";
import {
  APP_SECRET_REFS,
  AppSecrets,
  McpBackend,
  type McpBackendArgs,
  type MeshRendering,
  NetworkPolicies,
  Redis,
  type RedisArgs,
  type SecretKeyRef,
} from "../../infra/index.js";
import type { StackSecrets } from "../config.js";
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
  const openAi = usesOpenAi({ embedding: env.llm.embeddingProvider, answer: env.llm.answerProvider });
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
  const inCluster = env.redis.enabled && env.redis.engine === "statefulset";
  const redis = inCluster ? new Redis(DATA_SERVICES.redis, redisArgs(env, namespace), opts) : undefined;
  const redisUrl = env.redis.enabled ? (redis?.url ?? secrets.redisUrl) : undefined;

  const appSecrets = external
    ? undefined
    : new AppSecrets(
        "app-secrets",
        {
          namespace,
          database: databaseConnection(env, secrets, cnpg),
          redisUrl,
          sentryDsn: env.observability.sentry.enabled ? secrets.sentryDsn : undefined,
          openaiApiKey: openAi ? secrets.openaiApiKey : undefined,
          apiKeys: env.runtime.requireApiKeys ? secrets.apiKeys : undefined,
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
  // The database URLs go in as files the app re-reads for each new connection, so a rotated password
  // reaches running pods (the kubelet updates the mounted Secret) and no login waits on a restart.
  const asFiles = [
    [ENV.DATABASE_URL, ENV.DATABASE_URL_FILE],
    [ENV.DATABASE_REPLICA_URL, ENV.DATABASE_REPLICA_URL_FILE],
  ] as const;
  const secretEnv = { ...given.secretEnv };
  const secretFiles: Record<string, SecretKeyRef> = {};
  for (const [name, fileVar] of asFiles) {
    const ref = secretEnv[name];
    if (ref === undefined) continue;
    secretFiles[fileVar] = ref;
    delete secretEnv[name];
  }
  const secrets = { ...given, secretEnv, secretFiles };
  const { env, namespace } = inputs;
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
