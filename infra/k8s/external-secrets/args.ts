import type * as pulumi from "@pulumi/pulumi";
import { isPlain, notPlainIssues } from "../../lib/plain-items.js";
import { SECRET_KEY_PATTERN } from "./crds.js";

/** The secret manager a store reads from. */
export const SecretStoreProvider = {
  /** HashiCorp Vault, KV engine, authenticated with Vault's Kubernetes auth method. */
  Vault: "vault",
  /** AWS Secrets Manager, through IRSA or EKS Pod Identity. */
  AwsSecretsManager: "aws-secrets-manager",
  /** Azure Key Vault with workload identity. */
  AzureKeyVault: "azure-key-vault",
} as const;
export type SecretStoreProvider = (typeof SecretStoreProvider)[keyof typeof SecretStoreProvider];

/** Version of Vault's KV secrets engine. */
export const VaultKvVersion = { V1: "v1", V2: "v2" } as const;
export type VaultKvVersion = (typeof VaultKvVersion)[keyof typeof VaultKvVersion];

/** How an AWS Secrets Manager store authenticates. */
export const AwsStoreAuth = {
  /** A role on the store's own ServiceAccount (`eks.amazonaws.com/role-arn`). */
  Irsa: "irsa",
  /** EKS Pod Identity on the controller's ServiceAccount. */
  PodIdentity: "pod-identity",
} as const;
export type AwsStoreAuth = (typeof AwsStoreAuth)[keyof typeof AwsStoreAuth];

/** Kind of the store ESO reads through. */
export const SecretStoreKind = {
  /** Namespaced: only its namespace can use it. */
  SecretStore: "SecretStore",
  /** Cluster-scoped, restricted to the component's namespace by `spec.conditions`. */
  ClusterSecretStore: "ClusterSecretStore",
} as const;
export type SecretStoreKind = (typeof SecretStoreKind)[keyof typeof SecretStoreKind];

/**
 * The secret manager and how ESO authenticates to it. One shape for the three providers (so every
 * Pulumi language can pass it): `provider` says which, and only that provider's fields may be set
 * (checked with the rest of the Args, each problem naming its field).
 */
export interface SecretStoreSettings {
  /** Which secret manager. */
  readonly provider: SecretStoreProvider;
  /** Vault: its address, e.g. "https://vault.example.com:8200". Required for Vault. */
  readonly server?: string;
  /** Vault: mount path of the KV engine. Defaults to "secret". */
  readonly path?: string;
  /** Vault: KV engine version. Defaults to "v2". */
  readonly version?: VaultKvVersion;
  /** Vault: Enterprise namespace. Defaults to none. */
  readonly vaultNamespace?: string;
  /** Vault: mount path of the Kubernetes auth method. Defaults to "kubernetes". */
  readonly mountPath?: string;
  /** Vault: the role bound to the component's ServiceAccount (name and namespace). Required for Vault. */
  readonly role?: string;
  /**
   * Vault: audiences of the ServiceAccount token ESO requests; Vault 1.21+ rejects roles without one.
   * Defaults to ["vault"].
   */
  readonly audiences?: string[];
  /** AWS: region, e.g. "eu-central-1". Required for AWS. */
  readonly region?: string;
  /**
   * AWS: "irsa": the component's ServiceAccount carries `eks.amazonaws.com/role-arn` and the store
   * authenticates with its token (`auth.jwt.serviceAccountRef`), so the controller itself holds no AWS
   * rights and only this store gets the role. "pod-identity": EKS Pod Identity on the controller's own
   * ServiceAccount; no auth block and no ServiceAccount here (ESO cannot impersonate a ServiceAccount
   * bound with pod identity), so every store in the cluster shares the controller's role — pair it
   * with `assumeRole`. Defaults to "irsa".
   */
  readonly auth?: AwsStoreAuth;
  /** AWS: IAM role of the ServiceAccount (IRSA). Required with auth "irsa"; forbidden with "pod-identity". */
  readonly roleArn?: string;
  /** AWS: a role the store assumes after authenticating (`spec.provider.aws.role`). Defaults to none. */
  readonly assumeRole?: string;
  /** Azure: the vault's URL, e.g. "https://my-vault.vault.azure.net". Required for Azure. */
  readonly vaultUrl?: string;
  /**
   * Azure: client ID of the federated identity (the ServiceAccount's `azure.workload.identity/client-id`).
   * Required for Azure.
   */
  readonly clientId?: string;
  /** Azure: Entra tenant; also set as `azure.workload.identity/tenant-id`. Defaults to the cluster's. */
  readonly tenantId?: string;
}

/** The fields of each provider: any other provider's field set on a store is a mistake. */
const PROVIDER_FIELDS: Record<SecretStoreProvider, readonly (keyof SecretStoreSettings)[]> = {
  vault: ["server", "path", "version", "vaultNamespace", "mountPath", "role", "audiences"],
  "aws-secrets-manager": ["region", "auth", "roleArn", "assumeRole"],
  "azure-key-vault": ["vaultUrl", "clientId", "tenantId"],
};

/** Where one key of a target Secret comes from. */
export interface RemoteKey {
  /** Key (name or path) of the secret in the store. */
  readonly remoteKey: string;
  /** A property of a JSON secret (or a field of a Vault KV secret). Defaults to the whole value. */
  readonly property?: string;
}

/** A Kubernetes Secret to produce, with exactly these keys. */
export interface TargetSecret {
  /** Secret name, as the workloads read it (e.g. "db-credentials"). */
  readonly name: string;
  /** Secret key → its remote source. At least one. */
  readonly keys: Record<string, RemoteKey>;
  /** Secret type. Defaults to "Opaque". */
  readonly type?: string;
  /** Extra labels of the Secret (e.g. CloudNativePG's `cnpg.io/reload`). Defaults to none. */
  readonly labels?: Readonly<Record<string, string>>;
  /**
   * More keys, rendered from `keys`' values by ESO's v2 template engine (Go text/template with sprig;
   * `{{ .password }}` is the fetched key `password`). They are written in the same reconcile as the
   * fetched keys, so values derived from one secret (a URL from a password) never disagree.
   * Defaults to none.
   */
  readonly templated?: Readonly<Record<string, string>>;
}

/**
 * Known plain strings only (the items of `secrets` are typed as Inputs for the Go SDK, and must still be
 * known values), and no secret values anywhere, by design: the values stay in the store and the cluster.
 */
export interface ExternalSecretsArgs {
  /** Namespace of the store, the ServiceAccount, the ExternalSecrets and the Secrets. */
  readonly namespace: string;
  /** The secret manager and how ESO authenticates to it. */
  readonly store: SecretStoreSettings;
  /**
   * "SecretStore" (namespaced; only this namespace can use it) or "ClusterSecretStore" (restricted to
   * `namespace` by `spec.conditions`). Defaults to "SecretStore".
   */
  readonly storeKind?: SecretStoreKind;
  /** Name of the store. Defaults to "<provider>" (e.g. "vault"). */
  readonly storeName?: string;
  /** Name of the ServiceAccount the store authenticates as. Defaults to "external-secrets-<provider>". */
  readonly serviceAccountName?: string;
  /** How often ESO re-reads the store and updates the Secrets (a Go duration). Defaults to "1h". */
  readonly refreshInterval?: string;
  // Items typed as Inputs for the Go SDK's sake (infra/lib/plain-items.ts); the values must be known.
  /** The Secrets to produce. At least one; names unique. Each a known value, not an output. */
  readonly secrets: pulumi.Input<TargetSecret>[];
}

export const EXTERNAL_SECRETS_DEFAULTS = {
  storeKind: "SecretStore",
  refreshInterval: "1h",
  vaultPath: "secret",
  vaultVersion: "v2",
  vaultMountPath: "kubernetes",
  vaultAudiences: ["vault"],
  awsAuth: "irsa",
} as const;

const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const GO_DURATION = /^(\d+(\.\d+)?(ns|us|µs|ms|s|m|h))+$/;
const AWS_REGION = /^[a-z]{2}(-[a-z]+)+-\d+$/;
const ROLE_ARN = /^arn:aws[a-z-]*:iam::\d{12}:role\/.+$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function isUrl(v: string | undefined): boolean {
  try {
    return v !== undefined && ["https:", "http:"].includes(new URL(v).protocol);
  } catch {
    return false;
  }
}

function storeIssues(s: SecretStoreSettings): string[] {
  const issues: string[] = [];
  const blank = (v: string | undefined) => v === undefined || v.trim() === "";
  const own = PROVIDER_FIELDS[s.provider];
  if (own)
    for (const [p, fields] of Object.entries(PROVIDER_FIELDS))
      for (const f of fields)
        if (p !== s.provider && !own.includes(f) && s[f] !== undefined)
          issues.push(`store.${f} is a ${p} setting; drop it for provider "${s.provider}"`);
  switch (s.provider) {
    case "vault":
      if (!isUrl(s.server)) issues.push(`store.server "${s.server ?? ""}" must be the Vault URL (https://…)`);
      if (blank(s.role))
        issues.push("store.role is required: the Vault Kubernetes auth role of the ServiceAccount");
      if (s.audiences !== undefined && s.audiences.length === 0)
        issues.push(
          'store.audiences must not be empty (Vault 1.21+ requires an audience); omit it for ["vault"]',
        );
      break;
    case "aws-secrets-manager": {
      const auth = s.auth ?? EXTERNAL_SECRETS_DEFAULTS.awsAuth;
      if (blank(s.region)) issues.push("store.region is required (e.g. eu-central-1)");
      else if (!AWS_REGION.test(s.region ?? ""))
        issues.push(`store.region "${s.region}" is not an AWS region`);
      if (auth === "irsa" && blank(s.roleArn))
        issues.push(
          'store.roleArn is required with store.auth "irsa" (the ServiceAccount\'s eks.amazonaws.com/role-arn)',
        );
      if (!blank(s.roleArn) && !ROLE_ARN.test(s.roleArn ?? ""))
        issues.push(`store.roleArn "${s.roleArn}" is not an IAM role ARN`);
      if (auth === "pod-identity" && s.roleArn !== undefined)
        issues.push(
          'store.roleArn conflicts with store.auth "pod-identity": associate the role with the controller\'s ServiceAccount instead, or use "irsa"',
        );
      if (auth !== "irsa" && auth !== "pod-identity")
        issues.push(`store.auth "${auth}" must be "irsa" or "pod-identity"`);
      break;
    }
    case "azure-key-vault":
      if (!isUrl(s.vaultUrl))
        issues.push(`store.vaultUrl "${s.vaultUrl ?? ""}" must be the Key Vault URL (https://…)`);
      if (blank(s.clientId))
        issues.push("store.clientId is required: the client ID of the federated identity");
      else if (!UUID.test(s.clientId ?? ""))
        issues.push(`store.clientId "${s.clientId}" is not a client ID (UUID)`);
      if (s.tenantId !== undefined && !UUID.test(s.tenantId))
        issues.push(`store.tenantId "${s.tenantId}" is not a tenant ID (UUID)`);
      break;
    default:
      issues.push(
        `store.provider "${(s as { provider: string }).provider}" must be "vault", "aws-secrets-manager" or "azure-key-vault"`,
      );
  }
  return issues;
}

/** Invariants of {@link ExternalSecretsArgs}; [] when valid. Lists every problem with its path. */
export function validateExternalSecretsArgs(args: ExternalSecretsArgs): string[] {
  const issues = storeIssues(args.store);
  const interval = args.refreshInterval ?? EXTERNAL_SECRETS_DEFAULTS.refreshInterval;
  if (!GO_DURATION.test(interval))
    issues.push(`refreshInterval "${interval}" must be a Go duration (e.g. 1h, 15m)`);
  for (const [field, v] of [
    ["storeName", args.storeName],
    ["serviceAccountName", args.serviceAccountName],
  ] as const)
    if (v !== undefined && !DNS_SUBDOMAIN.test(v)) issues.push(`${field} "${v}" is not a valid object name`);
  if (args.secrets.length === 0) issues.push("secrets must list at least one Secret");
  issues.push(...notPlainIssues(args.secrets, "secrets", "its name names the ExternalSecret and the Secret"));
  const seen = new Set<string>();
  args.secrets.forEach((t, i) => {
    if (!isPlain(t)) return;
    const at = `secrets[${i}]`;
    if (!DNS_SUBDOMAIN.test(t.name)) issues.push(`${at}.name "${t.name}" is not a valid Secret name`);
    if (seen.has(t.name)) issues.push(`${at}.name "${t.name}" is listed twice`);
    seen.add(t.name);
    for (const key of Object.keys(t.templated ?? {})) {
      if (!SECRET_KEY_PATTERN.test(key)) issues.push(`${at}.templated["${key}"] is not a valid Secret key`);
      if (key in t.keys) issues.push(`${at}.templated["${key}"] is also fetched in keys; keep one`);
    }
    const keys = Object.entries(t.keys);
    // External Secrets' admission webhook refuses an ExternalSecret with neither data nor dataFrom
    // (validateExternalSecret, apis/externalsecrets/v1/externalsecret_validator.go), so a Secret of
    // templated constants alone cannot be made this way.
    if (keys.length === 0)
      issues.push(
        `${at}.keys must hold at least one key: External Secrets refuses an ExternalSecret that fetches nothing ("either data or dataFrom should be specified"), templated keys alone included`,
      );
    for (const [key, ref] of keys) {
      if (!SECRET_KEY_PATTERN.test(key)) issues.push(`${at}.keys["${key}"] is not a valid Secret key`);
      if (!ref.remoteKey || ref.remoteKey.trim() === "")
        issues.push(`${at}.keys["${key}"].remoteKey is required`);
      if (ref.property !== undefined && ref.property.trim() === "")
        issues.push(`${at}.keys["${key}"].property must not be empty; omit it for the whole value`);
    }
  });
  return issues;
}

// The names these types had before, kept for TypeScript programs that use them.
/** @deprecated Use SecretStoreSettings: under this name, the SDKs of other languages called its input type `SecretStoreArgsArgs`. */
export type SecretStoreArgs = SecretStoreSettings;
/** @deprecated Use RemoteKey: under this name, the SDKs of other languages called its input type `RemoteKeyArgsArgs`. */
export type RemoteKeyArgs = RemoteKey;
/** @deprecated Use TargetSecret: under this name, the SDKs of other languages called its input type `TargetSecretArgsArgs`. */
export type TargetSecretArgs = TargetSecret;
