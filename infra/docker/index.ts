export * from "./app-image/index.js";
export * from "./dev-app/index.js";
export * from "./dev-database/index.js";
export { RestartPolicy } from "./lib/restart-policy.js";
