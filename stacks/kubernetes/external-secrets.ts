import { MONITORING_PATHS, POSTGRES_PORT } from "@mcp-stack/contract";
import type * as pulumi from "@pulumi/pulumi";
import {
  type ResolvedEnvironment,
  SECRET_KEYS,
  type SecretUse,
  type WorkloadSecretKey,
} from "../../environments/index.js";
import {
  ALERT_RECEIVER_SECRET,
  APP_SECRET_REFS,
  type CloudNativePgDatabaseArgs,
  CNPG_RELOAD_LABEL,
  cloudNativePgNames,
  type DatabaseEndpoint,
  ExternalSecrets,
  ExternalSecretsOperator,
  GRAFANA_ADMIN_PASSWORD_KEY,
  GRAFANA_ADMIN_SECRET,
  ROLE_SECRET_KEYS,
  type SecretKeyRef,
  type SecretStoreSettings,
  type TargetSecret,
} from "../../infra/index.js";
import { inClusterEndpoints } from "./database.js";

/**
 * The Secret name and key each workload secret is read from: where AppSecrets, Grafana and Alertmanager
 * put them with the pulumi backend, so External Secrets writes the same. A row added to the secrets
 * table needs its entry here (the type says so).
 */
const WORKLOAD_SECRET_REFS: Readonly<Record<WorkloadSecretKey, SecretKeyRef>> = {
  databaseUrl: APP_SECRET_REFS.databaseUrl,
  databaseReplicaUrl: APP_SECRET_REFS.databaseReplicaUrl,
  dbPassword: APP_SECRET_REFS.dbPassword,
  redisUrl: APP_SECRET_REFS.redisUrl,
  openaiApiKey: APP_SECRET_REFS.openaiApiKey,
  sentryDsn: APP_SECRET_REFS.sentryDsn,
  grafanaAdminPassword: { secretName: GRAFANA_ADMIN_SECRET, key: GRAFANA_ADMIN_PASSWORD_KEY },
  apiKeys: APP_SECRET_REFS.apiKeys,
  alertReceiver: { secretName: ALERT_RECEIVER_SECRET, key: MONITORING_PATHS.alertmanagerSecretKey },
};

/** The remote key that holds `/<keyPrefix>/dbUser`: the CloudNativePG role's name, beside its password. */
const DB_USER_KEY = "dbUser";

type Target = {
  name: string;
  keys: Record<string, { remoteKey: string }>;
  type?: string;
  labels?: Record<string, string>;
  templated?: Record<string, string>;
};

/**
 * A postgresql:// URL as an ESO v2 template over the target's fetched keys: the password always, the
 * user fetched too (CloudNativePG's role Secret) or a literal of the model (the statefulset engine).
 * Go's `urlquery` escapes everything but unreserved characters and writes a space as "+"; the URL's
 * userinfo needs "%20" (a literal "+" was already escaped to %2B, so every "+" left is a space).
 */
function urlTemplate(
  e: DatabaseEndpoint,
  user: { readonly key: string } | { readonly literal: string },
  passwordKey: string,
): string {
  const esc = (key: string) => `{{ .${key} | urlquery | replace "+" "%20" }}`;
  const u = "key" in user ? esc(user.key) : encodeURIComponent(user.literal);
  return `postgresql://${u}:${esc(passwordKey)}@${e.host}:${e.port ?? POSTGRES_PORT}/${e.database}`;
}

/**
 * Where the app reads its database URLs with External Secrets. CloudNativePG: the role's own Secret,
 * whose one ExternalSecret fetches the password once and renders the URLs from it in the same write,
 * so the role's password and the app's URL can never come from two different refreshes. Other
 * engines: db-credentials, as with the pulumi backend.
 */
export function externalDatabaseRefs(
  env: ResolvedEnvironment,
  cnpg: CloudNativePgDatabaseArgs | undefined,
): { databaseUrl: SecretKeyRef; databaseReplicaUrl: SecretKeyRef } {
  if (env.database.engine === "cloudnative-pg" && cnpg) {
    const secretName = cloudNativePgNames(cnpg).credentialsSecret;
    return {
      databaseUrl: { secretName, key: APP_SECRET_REFS.databaseUrl.key },
      databaseReplicaUrl: { secretName, key: APP_SECRET_REFS.databaseReplicaUrl.key },
    };
  }
  return { databaseUrl: APP_SECRET_REFS.databaseUrl, databaseReplicaUrl: APP_SECRET_REFS.databaseReplicaUrl };
}

/** Whether CloudNativePG's role Secret carries a secret (its password, and the URLs rendered from it). */
function inRoleSecret(use: SecretUse): boolean {
  return use.serviceUrl === "database" || use.key === SECRET_KEYS.dbPassword;
}

/**
 * CloudNativePG's role Secret as one ExternalSecret: the user and password fetched, the app's URLs
 * rendered from them in the same write.
 */
function roleTarget(
  env: ResolvedEnvironment,
  cnpg: CloudNativePgDatabaseArgs,
  endpoints: { primary: DatabaseEndpoint; replica?: DatabaseEndpoint },
  remote: (key: WorkloadSecretKey | typeof DB_USER_KEY) => { remoteKey: string },
): Target {
  const n = cloudNativePgNames(cnpg);
  const refs = externalDatabaseRefs(env, cnpg);
  const { primary, replica } = endpoints;
  const url = (e: DatabaseEndpoint) =>
    urlTemplate(e, { key: ROLE_SECRET_KEYS.username }, ROLE_SECRET_KEYS.password);
  return {
    name: n.credentialsSecret,
    keys: {
      [ROLE_SECRET_KEYS.username]: remote(DB_USER_KEY),
      [ROLE_SECRET_KEYS.password]: remote(SECRET_KEYS.dbPassword),
    },
    type: "kubernetes.io/basic-auth",
    labels: { ...CNPG_RELOAD_LABEL },
    templated: {
      [refs.databaseUrl.key]: url(primary),
      ...(replica ? { [refs.databaseReplicaUrl.key]: url(replica) } : {}),
    },
  };
}

/**
 * The Secrets External Secrets must write for this environment: exactly the names and keys the
 * workloads read with the pulumi backend (the secrets table's rows the environment reads), each key
 * from `<secrets.keyPrefix>/<config key>` in the store (the same key names as
 * `pulumi config set --secret`, so moving between backends is a copy).
 */
export function externalSecretTargets(
  env: ResolvedEnvironment,
  cnpg: CloudNativePgDatabaseArgs | undefined,
): TargetSecret[] {
  const remote = (key: WorkloadSecretKey | typeof DB_USER_KEY) => ({
    remoteKey: `${env.secrets.keyPrefix}/${key}`,
  });
  const targets = new Map<string, Target>();
  const endpoints = inClusterEndpoints(env, cnpg);
  const role =
    env.database.engine === "cloudnative-pg" && cnpg && endpoints
      ? roleTarget(env, cnpg, endpoints, remote)
      : undefined;
  if (role) targets.set(role.name, role);
  // Other database URLs the stack composes (the statefulset engine's): rendered from the fetched
  // password, as in CloudNativePG's role Secret, so the store holds no URL to keep in step with it.
  const composedUrls: Partial<Record<WorkloadSecretKey, DatabaseEndpoint | undefined>> = {};
  for (const use of env.derived.secrets) {
    if (role && inRoleSecret(use)) continue;
    if (use.composed && use.serviceUrl === "database") {
      composedUrls[use.key] = use.key === SECRET_KEYS.databaseUrl ? endpoints?.primary : endpoints?.replica;
      continue;
    }
    const ref = WORKLOAD_SECRET_REFS[use.key];
    const t = targets.get(ref.secretName) ?? { name: ref.secretName, keys: {} };
    t.keys[ref.key] = remote(use.key);
    targets.set(ref.secretName, t);
  }
  const { dbPassword } = APP_SECRET_REFS;
  for (const [key, endpoint] of Object.entries(composedUrls) as [WorkloadSecretKey, DatabaseEndpoint?][]) {
    const t = targets.get(dbPassword.secretName);
    if (!t || !endpoint)
      throw new Error(
        `${env.name}: ${key} is composed from dbPassword and the database's endpoints (the secrets table says so)`,
      );
    const ref = WORKLOAD_SECRET_REFS[key];
    t.templated = {
      ...t.templated,
      [ref.key]: urlTemplate(endpoint, { literal: env.database.user }, dbPassword.key),
    };
  }
  return [...targets.values()];
}

/** The app's secret env vars when External Secrets writes its Secrets (the same refs AppSecrets uses). */
export function externalAppSecretEnv(
  env: ResolvedEnvironment,
  cnpg: CloudNativePgDatabaseArgs | undefined,
): Record<string, SecretKeyRef> {
  const database: Partial<Record<WorkloadSecretKey, SecretKeyRef>> = externalDatabaseRefs(env, cnpg);
  const out: Record<string, SecretKeyRef> = {};
  for (const use of env.derived.secrets)
    if (use.appEnv) out[use.appEnv] = database[use.key] ?? WORKLOAD_SECRET_REFS[use.key];
  return out;
}

/** The model's store as the building block's Args. */
function storeArgs(env: ResolvedEnvironment): SecretStoreSettings {
  const s = env.secrets.store;
  if (s === undefined)
    throw new Error(`${env.name}: secrets.store is required (checked by the model's rules)`);
  return s;
}

/**
 * The External Secrets Operator (with Reloader, unless taken as present) and the ExternalSecrets of the
 * environment. Returns the pod annotations that make Reloader restart a workload when one of its
 * Secrets changes (there is no Pulumi-side version to hash: the stack never sees the values).
 */
export function deployExternalSecrets(
  env: ResolvedEnvironment,
  cnpg: CloudNativePgDatabaseArgs | undefined,
  opts: pulumi.ComponentResourceOptions,
): { podAnnotations: Record<string, string>; ready: pulumi.Resource[] } {
  const operator = new ExternalSecretsOperator("external-secrets-operator", { mode: env.operators }, opts);
  const external = new ExternalSecrets(
    "external-secrets",
    {
      namespace: env.kubernetes.namespace,
      store: storeArgs(env),
      refreshInterval: env.secrets.refreshInterval,
      secrets: externalSecretTargets(env, cnpg),
    },
    { ...opts, dependsOn: [operator] },
  );
  return { podAnnotations: external.podAnnotations, ready: [external] };
}
