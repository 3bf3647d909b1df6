export { type AppImageArgs, type RegistryCredentials, validateAppImageArgs } from "./args.js";
export { AppImage } from "./component.js";
