/**
 * Reusable building blocks for other infra repos: `import { McpBackend } from "mcp-stack/infra"`.
 * One folder per component, each with its documented Args, objects and component (docs/infra-layout.md).
 */

export * from "./docker/index.js";
export * from "./k8s/index.js";
export * from "./lib/component-type.js";
export * from "./lib/validation.js";
export * from "./monitoring/index.js";
