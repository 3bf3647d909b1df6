/**
 * Reusable building blocks for other infra repos: `import { McpBackend } from "mcp-stack/infra"`.
 * One component per concept; each file documents its Args and defaults.
 */

export * from "./docker/index.js";
export * from "./k8s/index.js";
export * from "./lib/component-type.js";
export * from "./lib/validation.js";
export * from "./monitoring/index.js";
