export { AppImage, type AppImageArgs, type RegistryCredentials, validateAppImageArgs } from "./app-image.js";
export { type BindMount, DevApp, type DevAppArgs, validateDevAppArgs } from "./dev-app.js";
export {
  DevDatabase,
  type DevDatabaseArgs,
  POSTGRES_HEALTHCHECK_TIMING,
  pgIsReady,
  validateDevDatabaseArgs,
} from "./dev-database.js";
export { RestartPolicy } from "./restart-policy.js";
