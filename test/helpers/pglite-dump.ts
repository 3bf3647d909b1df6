/**
 * `pgDump` from `@electric-sql/pglite-tools`: pg_dump compiled to WASM, run against a PGlite instance
 * (Debian's pg_dump is 15; PGlite is Postgres 17, and a dump needs a pg_dump at least as new).
 *
 * Why it is not a devDependency: pglite-tools 0.4.8 declares an exact peer `@electric-sql/pglite@0.5.8`
 * while the app uses a newer 0.5.x, so `npm install` into the workspace fails with ERESOLVE, and a
 * lockfile written with `--legacy-peer-deps` breaks `npm ci`. Its `dist/pg_dump.js` has no runtime
 * import of pglite (it only drives the instance it is given), so scripts/test-all.sh installs it
 * outside the lockfile, under `.tools/pglite-tools` (gitignored), and tests load it from there by path.
 */
import { readFile } from "node:fs/promises";
import path from "node:path";
import { pathToFileURL } from "node:url";
import type { PGlite } from "@electric-sql/pglite";

export const PGLITE_TOOLS_VERSION = "0.4.8";

const PREFIX = path.resolve(import.meta.dirname, "../../.tools/pglite-tools");
const PACKAGE = path.join(PREFIX, "node_modules/@electric-sql/pglite-tools");

export const PGLITE_TOOLS_INSTALL = `npm install --prefix .tools/pglite-tools --no-save --no-package-lock --legacy-peer-deps --no-audit --no-fund @electric-sql/pglite-tools@${PGLITE_TOOLS_VERSION}`;

/** The part of pglite-tools' pg_dump the tests use (its own .d.ts cannot resolve from .tools/). */
export interface PgDumpOptions {
  pg: PGlite;
  /** Extra pg_dump arguments. */
  args?: string[];
  fileName?: string;
}
export type PgDump = (options: PgDumpOptions) => Promise<{ text(): Promise<string> }>;

function isPgDumpModule(value: unknown): value is { pgDump: PgDump } {
  return typeof value === "object" && value !== null && typeof Reflect.get(value, "pgDump") === "function";
}

/** Loads `pgDump`, or throws naming the command (run from the repo root) that installs it. */
export async function loadPgDump(): Promise<PgDump> {
  const hint = `@electric-sql/pglite-tools@${PGLITE_TOOLS_VERSION} is not installed under .tools/pglite-tools (scripts/test-all.sh installs it); run from the repo root: ${PGLITE_TOOLS_INSTALL}`;
  let version: unknown;
  try {
    version = (
      JSON.parse(await readFile(path.join(PACKAGE, "package.json"), "utf8")) as { version?: unknown }
    ).version;
  } catch {
    throw new Error(hint);
  }
  if (version !== PGLITE_TOOLS_VERSION) throw new Error(`found version ${String(version)}; ${hint}`);
  const loaded: unknown = await import(pathToFileURL(path.join(PACKAGE, "dist/pg_dump.js")).href);
  if (!isPgDumpModule(loaded)) throw new Error(`${PACKAGE}/dist/pg_dump.js does not export pgDump`);
  return loaded.pgDump;
}
