/**
 * Entry point of the Pulumi component package (PulumiPlugin.yaml; `main` of package.json): the components
 * `pulumi package add <this repo>` offers to Python, Go, C#, Java and YAML programs. The plugin host
 * serves every ComponentResource exported here and the SDK's analyzer infers their schema from the
 * Args interfaces, so only components whose Args it accepts are listed; test/package/component-schema.test.ts
 * pins the schema and says why each other component is not here yet. TypeScript consumers import
 * everything from `mcp-stack/infra` instead.
 */
export {
  Alertmanager,
  AppImage,
  AppSecrets,
  Backups,
  CloudNativePgDatabase,
  DataOperators,
  DevApp,
  DevDatabase,
  EnvironmentNamespace,
  ExternalSecrets,
  ExternalSecretsOperator,
  Grafana,
  Jaeger,
  McpBackend,
  NetworkPolicies,
  OperatorMonitoring,
  OtelCollector,
  PgvectorPostgres,
  Prometheus,
  Redis,
  ServiceMesh,
} from "./infra/index.js";
