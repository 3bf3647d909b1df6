import type { ExternalSecretsArgs, SecretStoreSettings, TargetSecret } from "../../../../infra/index.js";

/** The Secrets and keys the workloads read today (APP_SECRET_REFS, Grafana's admin Secret). */
export const APP_SECRETS: TargetSecret[] = [
  {
    name: "db-credentials",
    keys: {
      url: { remoteKey: "mcp/prod/db", property: "url" },
      "replica-url": { remoteKey: "mcp/prod/db", property: "replica-url" },
      username: { remoteKey: "mcp/prod/db", property: "username" },
      password: { remoteKey: "mcp/prod/db", property: "password" },
    },
  },
  { name: "redis-credentials", keys: { url: { remoteKey: "mcp/prod/redis", property: "url" } } },
  { name: "sentry-credentials", keys: { dsn: { remoteKey: "mcp/prod/sentry-dsn" } } },
  { name: "openai-credentials", keys: { "api-key": { remoteKey: "mcp/prod/openai-api-key" } } },
  { name: "mcp-backend-api-keys", keys: { keys: { remoteKey: "mcp/prod/api-keys" } } },
  {
    name: "grafana-admin",
    keys: {
      "admin-user": { remoteKey: "mcp/prod/grafana", property: "user" },
      "admin-password": { remoteKey: "mcp/prod/grafana", property: "password" },
    },
  },
];

export const VAULT: SecretStoreSettings = {
  provider: "vault",
  server: "https://vault.example.com:8200",
  role: "mcp-prod",
};
export const AWS: SecretStoreSettings = {
  provider: "aws-secrets-manager",
  region: "eu-central-1",
  roleArn: "arn:aws:iam::123456789012:role/mcp-prod-secrets",
};
export const AZURE: SecretStoreSettings = {
  provider: "azure-key-vault",
  vaultUrl: "https://mcp-prod.vault.azure.net",
  clientId: "7d8cdf74-1111-2222-3333-274d963d358b",
  tenantId: "5a02a20e-4444-5555-6666-0ad5b634c5d8",
};

export const args = (
  store: SecretStoreSettings,
  extra: Partial<ExternalSecretsArgs> = {},
): ExternalSecretsArgs => ({
  namespace: "production",
  store,
  secrets: APP_SECRETS,
  ...extra,
});
