/**
 * `npm version <new>` at the root runs this (the `version` lifecycle script, after npm has bumped the
 * root package.json and before it commits): the contract workspace and mcp-stack's dependency on it
 * take the same version, and the lockfile follows. test/package/versions.test.ts fails if they drift.
 */
import { execFileSync } from "node:child_process";
import path from "node:path";
import { syncVersions } from "./versions.js";

const root = path.resolve(import.meta.dirname, "../..");
const changed = syncVersions(root);
if (changed.length > 0) {
  execFileSync("npm", ["install", "--package-lock-only", "--ignore-scripts", "--no-audit", "--no-fund"], {
    cwd: root,
    stdio: "inherit",
  });
}
console.log(changed.length > 0 ? `versions synced: ${changed.join(", ")}` : "versions already in sync");
