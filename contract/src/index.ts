/**
 * `@mcp-stack/contract`: the names the app, infra, monitoring and stacks share. Pure data and tiny
 * pure functions; it imports nothing, so any of them (and the app image) can depend on it alone.
 */
export * from "./cloudnative-pg.js";
export * from "./cluster-dns.js";
export * from "./did-you-mean.js";
export * from "./metrics.js";
export * from "./monitoring-services.js";
export * from "./service.js";
