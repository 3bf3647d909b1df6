import { defaultServerConditions } from "vite";
import { defineConfig } from "vitest/config";

// Workspace packages (`@mcp-stack/contract`) resolve to their TypeScript sources in the repo; a
// published install resolves the same exports to the built JavaScript. Vitest also passes these
// conditions to its worker processes, so "module" stays out as in Vitest's own default (it would
// send Node to ESM builds with extensionless imports).
const conditions = ["@mcp-stack/source", ...defaultServerConditions.filter((c) => c !== "module")];

export default defineConfig({
  ssr: { resolve: { conditions } },
  test: {
    include: ["test/**/*.test.ts"],
    // Pulumi mocks and PGlite are process-global; forks keep test files isolated from each other.
    pool: "forks",
    testTimeout: 60_000,
    hookTimeout: 120_000,
  },
});
