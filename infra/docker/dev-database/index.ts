export { type DevDatabaseArgs, validateDevDatabaseArgs } from "./args.js";
export { DevDatabase } from "./component.js";
export { POSTGRES_HEALTHCHECK_TIMING, pgIsReady } from "./objects.js";
