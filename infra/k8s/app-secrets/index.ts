export * from "./args.js";
export * from "./component.js";
export { APP_SECRET_REFS, type AppSecretEnv, appSecretEnv, postgresUrl } from "./objects.js";
