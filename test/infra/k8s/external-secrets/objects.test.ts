import * as pulumi from "@pulumi/pulumi";
import { describe, expect, it } from "vitest";
import {
  esoCrdIssues,
  externalSecretSchema,
  externalSecretsObjects,
  reloaderAnnotations,
  secretStoreSchema,
  validateExternalSecretsArgs,
} from "../../../../infra/index.js";
import { APP_SECRETS, AWS, AZURE, args, VAULT } from "./fixtures.js";

describe("externalSecretsObjects", () => {
  it("authenticates to Vault with its Kubernetes auth role, as a ServiceAccount with an audience", () => {
    const o = externalSecretsObjects(args(VAULT));
    expect(o.store).toMatchObject({
      apiVersion: "external-secrets.io/v1",
      kind: "SecretStore",
      metadata: { name: "vault" },
    });
    expect(o.store.spec.provider).toEqual({
      vault: {
        server: "https://vault.example.com:8200",
        path: "secret",
        version: "v2",
        auth: {
          kubernetes: {
            mountPath: "kubernetes",
            role: "mcp-prod",
            serviceAccountRef: { name: "external-secrets-vault", audiences: ["vault"] },
          },
        },
      },
    });
    expect(o.serviceAccount).toMatchObject({
      kind: "ServiceAccount",
      metadata: { name: "external-secrets-vault" },
    });
    expect(o.serviceAccount?.metadata.annotations).toBeUndefined();
  });

  it("authenticates to AWS with IRSA: the role ARN on the ServiceAccount, auth.jwt on the store", () => {
    const o = externalSecretsObjects(args(AWS));
    expect(o.serviceAccount?.metadata).toMatchObject({
      name: "external-secrets-aws-secrets-manager",
      annotations: { "eks.amazonaws.com/role-arn": "arn:aws:iam::123456789012:role/mcp-prod-secrets" },
    });
    expect(o.store.spec.provider).toEqual({
      aws: {
        service: "SecretsManager",
        region: "eu-central-1",
        auth: { jwt: { serviceAccountRef: { name: "external-secrets-aws-secrets-manager" } } },
      },
    });
  });

  it("uses EKS pod identity with no auth block and no ServiceAccount", () => {
    const o = externalSecretsObjects(
      args({
        provider: "aws-secrets-manager",
        region: "us-east-1",
        auth: "pod-identity",
        assumeRole: "arn:aws:iam::123456789012:role/scoped",
      }),
    );
    expect(o.serviceAccount).toBeUndefined();
    expect(o.store.spec.provider).toEqual({
      aws: { service: "SecretsManager", region: "us-east-1", role: "arn:aws:iam::123456789012:role/scoped" },
    });
  });

  it("authenticates to Azure Key Vault with workload identity", () => {
    const o = externalSecretsObjects(args(AZURE));
    expect(o.serviceAccount?.metadata.annotations).toEqual({
      "azure.workload.identity/client-id": "7d8cdf74-1111-2222-3333-274d963d358b",
      "azure.workload.identity/tenant-id": "5a02a20e-4444-5555-6666-0ad5b634c5d8",
    });
    expect(o.store.spec.provider.azurekv).toEqual({
      vaultUrl: "https://mcp-prod.vault.azure.net",
      authType: "WorkloadIdentity",
      tenantId: "5a02a20e-4444-5555-6666-0ad5b634c5d8",
      serviceAccountRef: { name: "external-secrets-azure-key-vault" },
    });
  });

  it("restricts a ClusterSecretStore to the namespace and names the ServiceAccount's namespace", () => {
    const o = externalSecretsObjects(args(VAULT, { storeKind: "ClusterSecretStore" }));
    expect(o.store.kind).toBe("ClusterSecretStore");
    expect(o.store.spec.conditions).toEqual([{ namespaces: ["production"] }]);
    expect(o.store.spec.provider.vault?.auth.kubernetes.serviceAccountRef?.namespace).toBe("production");
    for (const es of o.externalSecrets)
      expect(es.spec.secretStoreRef).toEqual({ name: "vault", kind: "ClusterSecretStore" });
  });

  it("produces exactly the requested Secret names and keys, owned, refreshed hourly by default", () => {
    for (const store of [VAULT, AWS, AZURE]) {
      const { externalSecrets } = externalSecretsObjects(args(store));
      const produced = Object.fromEntries(
        externalSecrets.map((es) => [es.spec.target.name, es.spec.data.map((d) => d.secretKey).sort()]),
      );
      expect(produced).toEqual(
        Object.fromEntries(APP_SECRETS.map((s) => [s.name, Object.keys(s.keys).sort()])),
      );
      for (const es of externalSecrets) {
        expect(es.spec.target.creationPolicy).toBe("Owner");
        expect(es.spec.refreshInterval).toBe("1h");
        expect(es.spec.refreshPolicy).toBe("Periodic");
      }
    }
    const db = externalSecretsObjects(args(VAULT)).externalSecrets.find(
      (e) => e.metadata.name === "db-credentials",
    )!;
    expect(db.spec.data).toContainEqual({
      secretKey: "replica-url",
      remoteRef: { key: "mcp/prod/db", property: "replica-url" },
    });
    const sentry = externalSecretsObjects(args(VAULT, { refreshInterval: "15m" })).externalSecrets[2]!;
    expect(sentry.spec).toMatchObject({
      refreshInterval: "15m",
      data: [{ secretKey: "dsn", remoteRef: { key: "mcp/prod/sentry-dsn" } }],
    });
  });

  it("names every produced Secret in the Reloader annotation", () => {
    expect(reloaderAnnotations(["redis-credentials", "db-credentials"])).toEqual({
      "secret.reloader.stakater.com/reload": "db-credentials,redis-credentials",
    });
  });

  it("renders objects that pass their schemas for each provider", () => {
    for (const store of [VAULT, AWS, AZURE]) {
      const o = externalSecretsObjects(args(store));
      expect([o.store, ...o.externalSecrets].flatMap(esoCrdIssues)).toEqual([]);
    }
  });
});

describe("schemas", () => {
  const o = externalSecretsObjects(args(VAULT));

  it("reject an unknown field (the API server would prune it silently)", () => {
    const typo = { ...o.store, spec: { ...o.store.spec, refreshIntervall: 60 } };
    expect(secretStoreSchema.safeParse(typo).success).toBe(false);
    expect(esoCrdIssues(typo)).toEqual([
      expect.stringMatching(/^SecretStore vault: spec: Unrecognized key: "refreshIntervall"/),
    ]);
    const es = o.externalSecrets[0]!;
    const bad = { ...es, spec: { ...es.spec, target: { ...es.spec.target, creationPolcy: "Owner" } } };
    expect(externalSecretSchema.safeParse(bad).error!.issues.map((i) => i.path.join("."))).toEqual([
      "spec.target",
    ]);
  });

  it("reject two providers in one store, a bad Secret key and a non-duration interval", () => {
    const two = {
      ...o.store,
      spec: {
        provider: {
          ...o.store.spec.provider,
          aws: { service: "SecretsManager" as const, region: "eu-west-1" },
        },
      },
    };
    expect(esoCrdIssues(two).join()).toMatch(/spec.provider: exactly one provider/);
    const es = o.externalSecrets[0]!;
    const bad = {
      ...es,
      spec: { ...es.spec, refreshInterval: "hourly", data: [{ secretKey: "a b", remoteRef: { key: "k" } }] },
    };
    expect(
      externalSecretSchema
        .safeParse(bad)
        .error!.issues.map((i) => i.path.join("."))
        .sort(),
    ).toEqual(["spec.data.0.secretKey", "spec.refreshInterval"]);
  });
});

describe("validateExternalSecretsArgs", () => {
  it("lists every problem with its path", () => {
    expect(
      validateExternalSecretsArgs({
        namespace: "production",
        store: { provider: "aws-secrets-manager", region: "" },
        refreshInterval: "1 hour",
        secrets: [
          { name: "db-credentials", keys: { url: { remoteKey: "" } } },
          { name: "db-credentials", keys: {} },
          { name: "Bad_Name", keys: { "bad key": { remoteKey: "x", property: "" } } },
        ],
      }),
    ).toEqual([
      "store.region is required (e.g. eu-central-1)",
      'store.roleArn is required with store.auth "irsa" (the ServiceAccount\'s eks.amazonaws.com/role-arn)',
      'refreshInterval "1 hour" must be a Go duration (e.g. 1h, 15m)',
      'secrets[0].keys["url"].remoteKey is required',
      'secrets[1].name "db-credentials" is listed twice',
      // The webhook's rule: validateExternalSecret in external-secrets'
      // apis/externalsecrets/v1/externalsecret_validator.go refuses len(data) == 0 && len(dataFrom) == 0.
      'secrets[1].keys must hold at least one key: External Secrets refuses an ExternalSecret that fetches nothing ("either data or dataFrom should be specified"), templated keys alone included',
      'secrets[2].name "Bad_Name" is not a valid Secret name',
      'secrets[2].keys["bad key"] is not a valid Secret key',
      'secrets[2].keys["bad key"].property must not be empty; omit it for the whole value',
    ]);
  });

  it("requires Vault's role and URL, and Azure's client ID", () => {
    expect(validateExternalSecretsArgs(args({ provider: "vault", server: "vault:8200", role: "" }))).toEqual([
      'store.server "vault:8200" must be the Vault URL (https://…)',
      "store.role is required: the Vault Kubernetes auth role of the ServiceAccount",
    ]);
    expect(
      validateExternalSecretsArgs(
        args({ provider: "azure-key-vault", vaultUrl: "https://v.vault.azure.net", clientId: "" }),
      ),
    ).toEqual(["store.clientId is required: the client ID of the federated identity"]);
  });

  it("rejects a role ARN with pod identity", () => {
    expect(validateExternalSecretsArgs(args({ ...AWS, auth: "pod-identity" } as typeof AWS))).toEqual([
      'store.roleArn conflicts with store.auth "pod-identity": associate the role with the controller\'s ServiceAccount instead, or use "irsa"',
    ]);
  });

  it("refuses a Secret given as an Output or a Promise (its name names objects), still checking the rest", () => {
    const valid = { name: "db-credentials", keys: { url: { remoteKey: "db/url" } } };
    expect(
      validateExternalSecretsArgs({
        ...args(VAULT),
        secrets: [
          pulumi.output(valid),
          Promise.resolve(valid),
          { name: "Bad_Name", keys: { url: { remoteKey: "x" } } },
        ],
      }),
    ).toEqual([
      "secrets[0] must be a plain value, not an Output or a Promise: its name names the ExternalSecret and the Secret",
      "secrets[1] must be a plain value, not an Output or a Promise: its name names the ExternalSecret and the Secret",
      'secrets[2].name "Bad_Name" is not a valid Secret name',
    ]);
  });

  it("throws before rendering anything", () => {
    expect(() => externalSecretsObjects(args({ provider: "vault", server: "https://v", role: "" }))).toThrow(
      /store.role is required/,
    );
  });
});
