export {
  AppImage,
  type AppImageArgs,
  type RegistryCredentials,
  validateAppImageArgs,
} from "./app-image/component.js";
export { type BindMount, DevApp, type DevAppArgs, validateDevAppArgs } from "./dev-app/component.js";
export {
  DevDatabase,
  type DevDatabaseArgs,
  POSTGRES_HEALTHCHECK_TIMING,
  pgIsReady,
  validateDevDatabaseArgs,
} from "./dev-database/component.js";
export { RestartPolicy } from "./lib/restart-policy.js";
