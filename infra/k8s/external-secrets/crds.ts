/**
 * Typed custom resources of the External Secrets Operator, API `external-secrets.io/v1`: TypeScript
 * interfaces and strict zod schemas of exactly the fields this project sets.
 *
 * Checked against the CRDs' `openAPIV3Schema` (version v1) of external-secrets/external-secrets
 * v2.9.0 (378bdb62), config/crds/bases/external-secrets.io_{secretstores,clustersecretstores,
 * externalsecrets}.yaml — the operator the pinned chart external-secrets 2.9.0 ships. Strict: the API
 * server prunes unknown fields of a structural CRD silently, so a misspelt field would vanish.
 *
 * Hand-written, not generated like ../crds/generated/: the module
 * github.com/external-secrets/external-secrets keeps that path for its v2 tags (no /v2 suffix), so the
 * Go module proxy serves only v0.16.2 and v1.3.2 and refuses v2.9.0 and its commit; `npm run
 * crds:generate` has no v2.9.0 CRD to read.
 */
import { z } from "zod";
import { type CrMetadata, metadataSchema } from "../lib/crds/metadata.js";
import type { KubeObject } from "../lib/manifests.js";
import { schemaIssues } from "../lib/schema-issues.js";

export const ESO_API_VERSION = "external-secrets.io/v1";

// The CRD's patterns for object names, namespaces and Secret keys.
const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
export const SECRET_KEY_PATTERN = /^[-._a-zA-Z0-9]+$/;
export const objectName = z.string().min(1).max(253).regex(DNS_SUBDOMAIN, "not a DNS subdomain");
const namespaceName = z.string().min(1).max(63).regex(DNS_LABEL, "not a DNS label");

/** `ServiceAccountSelector`: the ServiceAccount ESO requests a token for. */
export interface ServiceAccountSelector {
  readonly name: string;
  /** Only in a ClusterSecretStore (the namespace of the ServiceAccount). */
  readonly namespace?: string;
  readonly audiences?: readonly string[];
}

/** `spec.provider.vault`, with Kubernetes auth only. */
export interface VaultProvider {
  readonly server: string;
  /** Mount path of the KV engine, e.g. "secret". */
  readonly path?: string;
  /** KV engine version; CRD default "v2". */
  readonly version?: "v1" | "v2";
  /** Vault Enterprise namespace. */
  readonly namespace?: string;
  readonly auth: {
    readonly kubernetes: {
      /** CRD default "kubernetes". */
      readonly mountPath: string;
      readonly role: string;
      readonly serviceAccountRef?: ServiceAccountSelector;
    };
  };
}

/** `spec.provider.aws`: Secrets Manager, IRSA (`auth.jwt`) or the controller's pod identity (no auth). */
export interface AwsProvider {
  readonly service: "SecretsManager";
  readonly region: string;
  /** A role to assume (sts:AssumeRole) after authenticating. */
  readonly role?: string;
  readonly auth?: { readonly jwt: { readonly serviceAccountRef: ServiceAccountSelector } };
}

/** `spec.provider.azurekv` with workload identity. */
export interface AzureKeyVaultProvider {
  readonly vaultUrl: string;
  readonly authType: "WorkloadIdentity";
  readonly tenantId?: string;
  readonly serviceAccountRef: ServiceAccountSelector;
}

export interface StoreProvider {
  readonly vault?: VaultProvider;
  readonly aws?: AwsProvider;
  readonly azurekv?: AzureKeyVaultProvider;
}

/** `SecretStore` (namespaced) or `ClusterSecretStore`. */
export interface SecretStore {
  readonly apiVersion: typeof ESO_API_VERSION;
  readonly kind: "SecretStore" | "ClusterSecretStore";
  readonly metadata: CrMetadata;
  readonly spec: {
    /** Exactly one provider. */
    readonly provider: StoreProvider;
    /** ClusterSecretStore only: the namespaces allowed to use it. */
    readonly conditions?: readonly { readonly namespaces: readonly string[] }[];
  };
}

/** `spec.data[].remoteRef`. */
export interface RemoteRef {
  readonly key: string;
  readonly property?: string;
  readonly version?: string;
}

/** `ExternalSecret`: one target Secret, each key from one remote reference. */
export interface ExternalSecret {
  readonly apiVersion: typeof ESO_API_VERSION;
  readonly kind: "ExternalSecret";
  readonly metadata: CrMetadata;
  readonly spec: {
    readonly secretStoreRef: { readonly name: string; readonly kind: "SecretStore" | "ClusterSecretStore" };
    /** A Go duration ("1h", "15m"); CRD default "1h0m0s". */
    readonly refreshInterval: string;
    readonly refreshPolicy?: "CreatedOnce" | "Periodic" | "OnChange";
    readonly target: {
      readonly name: string;
      /** CRD default "Owner". */
      readonly creationPolicy: "Owner" | "Orphan" | "Merge" | "None" | "CreateOrMerge";
      /** CRD default "Retain". */
      readonly deletionPolicy?: "Delete" | "Merge" | "Retain";
      readonly template?: {
        readonly type?: string;
        readonly engineVersion?: "v2";
        /** Replace (CRD default) or Merge the template with the fetched data. */
        readonly mergePolicy?: "Replace" | "Merge";
        readonly metadata?: {
          readonly labels?: Readonly<Record<string, string>>;
          readonly annotations?: Readonly<Record<string, string>>;
        };
        /** Secret key → template (ExternalSecretTemplate.Data). */
        readonly data?: Readonly<Record<string, string>>;
      };
    };
    readonly data: readonly { readonly secretKey: string; readonly remoteRef: RemoteRef }[];
  };
}

const stringMap = z.record(z.string(), z.string());

const serviceAccountSelector: z.ZodType<ServiceAccountSelector> = z.strictObject({
  name: objectName,
  namespace: namespaceName.optional(),
  audiences: z.array(z.string().min(1)).optional(),
});

const vaultProvider: z.ZodType<VaultProvider> = z.strictObject({
  server: z.url(),
  path: z.string().min(1).optional(),
  version: z.enum(["v1", "v2"]).optional(),
  namespace: z.string().min(1).optional(),
  auth: z.strictObject({
    kubernetes: z.strictObject({
      mountPath: z.string().min(1),
      role: z.string().min(1),
      serviceAccountRef: serviceAccountSelector.optional(),
    }),
  }),
});

const awsProvider: z.ZodType<AwsProvider> = z.strictObject({
  service: z.literal("SecretsManager"),
  region: z.string().regex(/^[a-z]{2}(-[a-z]+)+-\d+$/, "not an AWS region"),
  role: z.string().min(1).optional(),
  auth: z.strictObject({ jwt: z.strictObject({ serviceAccountRef: serviceAccountSelector }) }).optional(),
});

const azureKeyVaultProvider: z.ZodType<AzureKeyVaultProvider> = z.strictObject({
  vaultUrl: z.url(),
  authType: z.literal("WorkloadIdentity"),
  tenantId: z.string().min(1).optional(),
  serviceAccountRef: serviceAccountSelector,
});

export const secretStoreSchema: z.ZodType<SecretStore> = z.strictObject({
  apiVersion: z.literal(ESO_API_VERSION),
  kind: z.enum(["SecretStore", "ClusterSecretStore"]),
  metadata: metadataSchema,
  spec: z.strictObject({
    provider: z
      .strictObject({
        vault: vaultProvider.optional(),
        aws: awsProvider.optional(),
        azurekv: azureKeyVaultProvider.optional(),
      })
      // minProperties/maxProperties 1 in the CRD.
      .refine((p) => Object.keys(p).length === 1, "exactly one provider"),
    conditions: z.array(z.strictObject({ namespaces: z.array(namespaceName).min(1) })).optional(),
  }),
});

// A Go duration as ESO parses it: one or more number+unit pairs.
const goDuration = z
  .string()
  .regex(/^(\d+(\.\d+)?(ns|us|µs|ms|s|m|h))+$/, "not a Go duration (e.g. 1h, 15m)");

export const externalSecretSchema: z.ZodType<ExternalSecret> = z.strictObject({
  apiVersion: z.literal(ESO_API_VERSION),
  kind: z.literal("ExternalSecret"),
  metadata: metadataSchema,
  spec: z.strictObject({
    secretStoreRef: z.strictObject({ name: objectName, kind: z.enum(["SecretStore", "ClusterSecretStore"]) }),
    refreshInterval: goDuration,
    refreshPolicy: z.enum(["CreatedOnce", "Periodic", "OnChange"]).optional(),
    target: z.strictObject({
      name: objectName,
      creationPolicy: z.enum(["Owner", "Orphan", "Merge", "None", "CreateOrMerge"]),
      deletionPolicy: z.enum(["Delete", "Merge", "Retain"]).optional(),
      template: z
        .strictObject({
          type: z.string().min(1).optional(),
          engineVersion: z.literal("v2").optional(),
          mergePolicy: z.enum(["Replace", "Merge"]).optional(),
          metadata: z
            .strictObject({ labels: stringMap.optional(), annotations: stringMap.optional() })
            .optional(),
          data: stringMap.optional(),
        })
        .optional(),
    }),
    data: z
      .array(
        z.strictObject({
          secretKey: z.string().min(1).max(253).regex(SECRET_KEY_PATTERN, "not a Secret key"),
          remoteRef: z.strictObject({
            key: z.string().min(1),
            property: z.string().min(1).optional(),
            version: z.string().min(1).optional(),
          }),
        }),
      )
      .min(1),
  }),
});

/** Any ESO custom resource this project renders. */
export type EsoObject = SecretStore | ExternalSecret;

const SCHEMAS: Readonly<Record<string, z.ZodType<EsoObject>>> = {
  [`${ESO_API_VERSION}/SecretStore`]: secretStoreSchema,
  [`${ESO_API_VERSION}/ClusterSecretStore`]: secretStoreSchema,
  [`${ESO_API_VERSION}/ExternalSecret`]: externalSecretSchema,
};

/** Problems of one object against its kind's schema, each with its property path; [] when valid. */
export function esoCrdIssues(obj: EsoObject | KubeObject): string[] {
  return schemaIssues(SCHEMAS, obj);
}
