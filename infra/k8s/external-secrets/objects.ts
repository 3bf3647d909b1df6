import { PART_OF } from "@mcp-stack/contract";
import { plainItems } from "../../lib/plain-items.js";
import { MANAGED_BY } from "../lib/kube-parts.js";
import type { KubeObject } from "../lib/manifests.js";
import { assertValid } from "../lib/register.js";
import {
  EXTERNAL_SECRETS_DEFAULTS,
  type ExternalSecretsArgs,
  type SecretStoreProvider,
  validateExternalSecretsArgs,
} from "./args.js";
import {
  ESO_API_VERSION,
  type ExternalSecret,
  esoCrdIssues,
  type SecretStore,
  type StoreProvider,
} from "./crds.js";

/** Stakater Reloader's annotation naming the Secrets whose change rolls a workload. */
export const RELOADER_SECRET_ANNOTATION = "secret.reloader.stakater.com/reload";

const SHORT: Record<SecretStoreProvider, string> = {
  vault: "vault",
  "aws-secrets-manager": "aws-secrets-manager",
  "azure-key-vault": "azure-key-vault",
};

function labels(component: string): Record<string, string> {
  return {
    "app.kubernetes.io/name": "external-secrets",
    "app.kubernetes.io/component": component,
    "app.kubernetes.io/part-of": PART_OF,
    "app.kubernetes.io/managed-by": MANAGED_BY,
  };
}

/** Names of the store and the ServiceAccount (undefined when the store needs none). */
export function externalSecretsNames(args: ExternalSecretsArgs) {
  const p = args.store.provider;
  const needsServiceAccount = !(p === "aws-secrets-manager" && args.store.auth === "pod-identity");
  return {
    store: args.storeName ?? SHORT[p],
    storeKind: args.storeKind ?? EXTERNAL_SECRETS_DEFAULTS.storeKind,
    serviceAccount: needsServiceAccount
      ? (args.serviceAccountName ?? `external-secrets-${SHORT[p]}`)
      : undefined,
  };
}

function serviceAccount(args: ExternalSecretsArgs, name: string): KubeObject {
  const s = args.store;
  // The identity each cloud federates with; Vault binds its role to the ServiceAccount by name instead.
  const annotations: Record<string, string> = {};
  if (s.provider === "aws-secrets-manager" && s.roleArn)
    annotations["eks.amazonaws.com/role-arn"] = s.roleArn;
  if (s.provider === "azure-key-vault") {
    annotations["azure.workload.identity/client-id"] = s.clientId!;
    if (s.tenantId) annotations["azure.workload.identity/tenant-id"] = s.tenantId;
  }
  return {
    apiVersion: "v1",
    kind: "ServiceAccount",
    metadata: {
      name,
      labels: labels("store-identity"),
      ...(Object.keys(annotations).length > 0 ? { annotations } : {}),
    },
    // ESO requests tokens for it (TokenRequest); no pod runs as it, so nothing mounts a token.
    automountServiceAccountToken: false,
  };
}

/** The store's provider block; each provider's required fields were checked by the validation. */
function provider(args: ExternalSecretsArgs, saName: string | undefined, cluster: boolean): StoreProvider {
  const s = args.store;
  // In a ClusterSecretStore the reference must name the ServiceAccount's namespace.
  const saRef = (audiences?: readonly string[]) => ({
    name: saName!,
    ...(cluster ? { namespace: args.namespace } : {}),
    ...(audiences ? { audiences } : {}),
  });
  switch (s.provider) {
    case "vault":
      return {
        vault: {
          server: s.server!,
          path: s.path ?? EXTERNAL_SECRETS_DEFAULTS.vaultPath,
          version: s.version ?? EXTERNAL_SECRETS_DEFAULTS.vaultVersion,
          ...(s.vaultNamespace ? { namespace: s.vaultNamespace } : {}),
          auth: {
            kubernetes: {
              mountPath: s.mountPath ?? EXTERNAL_SECRETS_DEFAULTS.vaultMountPath,
              role: s.role!,
              serviceAccountRef: saRef(s.audiences ?? EXTERNAL_SECRETS_DEFAULTS.vaultAudiences),
            },
          },
        },
      };
    case "aws-secrets-manager":
      return {
        aws: {
          service: "SecretsManager",
          region: s.region!,
          ...(s.assumeRole ? { role: s.assumeRole } : {}),
          // Pod identity: no auth block, the SDK's default chain on the controller's pod.
          ...(saName ? { auth: { jwt: { serviceAccountRef: saRef() } } } : {}),
        },
      };
    case "azure-key-vault":
      return {
        azurekv: {
          vaultUrl: s.vaultUrl!,
          authType: "WorkloadIdentity",
          ...(s.tenantId ? { tenantId: s.tenantId } : {}),
          serviceAccountRef: saRef(),
        },
      };
  }
}

/** The ServiceAccount (when the store authenticates as one), the store, and one ExternalSecret per Secret. */
export function externalSecretsObjects(args: ExternalSecretsArgs): {
  serviceAccount?: KubeObject;
  store: SecretStore;
  externalSecrets: ExternalSecret[];
} {
  assertValid("ExternalSecrets", validateExternalSecretsArgs(args));
  const n = externalSecretsNames(args);
  const cluster = n.storeKind === "ClusterSecretStore";
  const store: SecretStore = {
    apiVersion: ESO_API_VERSION,
    kind: n.storeKind,
    metadata: { name: n.store, labels: labels("store") },
    spec: {
      provider: provider(args, n.serviceAccount, cluster),
      ...(cluster ? { conditions: [{ namespaces: [args.namespace] }] } : {}),
    },
  };
  const refreshInterval = args.refreshInterval ?? EXTERNAL_SECRETS_DEFAULTS.refreshInterval;
  const externalSecrets = plainItems(args.secrets).map(
    (t): ExternalSecret => ({
      apiVersion: ESO_API_VERSION,
      kind: "ExternalSecret",
      metadata: { name: t.name, labels: labels("external-secret") },
      spec: {
        secretStoreRef: { name: n.store, kind: n.storeKind },
        refreshInterval,
        refreshPolicy: "Periodic",
        target: {
          name: t.name,
          // The ExternalSecret owns the Secret: deleting it removes the Secret; no other writer.
          creationPolicy: "Owner",
          template: {
            type: t.type ?? "Opaque",
            engineVersion: "v2",
            metadata: {
              labels: { ...labels("credentials"), "app.kubernetes.io/name": t.name, ...t.labels },
            },
            // With template data, ESO writes only the templated keys unless told to merge the fetched
            // ones (pkg/controllers/externalsecret/externalsecret_controller_template.go, ApplyTemplate).
            ...(t.templated ? { mergePolicy: "Merge" as const, data: { ...t.templated } } : {}),
          },
        },
        data: Object.entries(t.keys).map(([secretKey, ref]) => ({
          secretKey,
          remoteRef: {
            key: ref.remoteKey,
            ...(ref.property !== undefined ? { property: ref.property } : {}),
          },
        })),
      },
    }),
  );
  assertValid("ExternalSecrets", [store, ...externalSecrets].flatMap(esoCrdIssues));
  return {
    serviceAccount: n.serviceAccount ? serviceAccount(args, n.serviceAccount) : undefined,
    store,
    externalSecrets,
  };
}

/**
 * Annotations for the pod template of every Deployment/StatefulSet that reads these Secrets (Reloader
 * reads them on the pod template as well as on the workload's own metadata).
 *
 * Rotation reaches the pods through Stakater Reloader, not a checksum: a checksum of the values in the
 * pod template would need the values in Pulumi, which is exactly what this backend avoids, and ESO's
 * own `reconcile.external-secrets.io/data-hash` sits on the Secret, where pods never see it. Reloader
 * watches the named Secrets and rolls the workload when ESO rewrites one. Named (`secret.…/reload`)
 * rather than `reloader.stakater.com/auto`, so only these Secrets roll the pods: ConfigMaps already
 * roll them through the stack's `checksum/config`, and `auto` would roll them a second time.
 */
export function reloaderAnnotations(secretNames: readonly string[]): Record<string, string> {
  return { [RELOADER_SECRET_ANNOTATION]: [...secretNames].sort().join(",") };
}
