/**
 * The Node.js release lines this project accepts, and the one it pins.
 *
 * The pin is `.node-version` (one exact version, e.g. 24.21.0): scripts/with-node.sh runs the tests and
 * `./scripts/start.sh` on it, and test/ checks that app/Dockerfile's base image, `engines.node` and
 * `@types/node` agree with it.
 *
 * Release facts from the Node.js release schedule, https://github.com/nodejs/Release (schedule.json):
 * `lts` is when the line became LTS, `end` its end of life. Only LTS lines belong here; odd-numbered lines
 * never become LTS. Update the table, and SCHEDULE_CHECKED_ON, whenever you bump `.node-version` or
 * re-read the schedule (at the latest when `node scripts/node-lts.ts` warns that the pinned line has less
 * than six months left).
 *
 * Runs as a plain script under Node's own type stripping (no imports outside node:), so with-node.sh can
 * call it before `npm ci`.
 */
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

export interface NodeLtsLine {
  readonly codename: string;
  /** First day as LTS (YYYY-MM-DD). */
  readonly lts: string;
  /** End of life (YYYY-MM-DD): no more security releases after this day. */
  readonly end: string;
}

export const NODE_LTS_LINES: Readonly<Record<number, NodeLtsLine>> = {
  22: { codename: "Jod", lts: "2024-10-29", end: "2027-04-30" },
  24: { codename: "Krypton", lts: "2025-10-28", end: "2028-04-30" },
};

/** The day the table above was last compared with https://github.com/nodejs/Release. */
export const SCHEDULE_CHECKED_ON = "2026-12-01";

const NODE_VERSION_FILE = new URL("../.node-version", import.meta.url);

/** The pinned exact version from `.node-version`, e.g. "24.21.0". */
export function pinnedNodeVersion(): string {
  const v = readFileSync(NODE_VERSION_FILE, "utf8").trim();
  if (!/^\d+\.\d+\.\d+$/.test(v)) throw new Error(`.node-version must hold one exact version, found '${v}'`);
  return v;
}

export function majorOf(version: string): number {
  return Number(/^v?(\d+)\./.exec(version)?.[1] ?? Number.NaN);
}

/** Whole days from `from` to `to` (both YYYY-MM-DD). */
export function daysBetween(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000);
}

/** A one-line status of the pinned line on `today`, and whether it calls for action. */
export function ltsStatus(version: string, today: string): { readonly line: string; readonly warn: boolean } {
  const major = majorOf(version);
  const lts = NODE_LTS_LINES[major];
  if (!lts) return { line: `node ${version}: line ${major} is not in the accepted LTS table`, warn: true };
  const left = daysBetween(today, lts.end);
  const base = `node ${version}: ${major} "${lts.codename}" LTS, end of life ${lts.end} (schedule checked ${SCHEDULE_CHECKED_ON})`;
  if (left < 0) return { line: `WARNING ${base}: past its end of life, bump .node-version`, warn: true };
  if (left < 183) return { line: `WARNING ${base}: ${left} days left, plan the bump`, warn: true };
  return { line: base, warn: false };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  // Informational only: the wall clock never fails a run; the tests check the pin against SCHEDULE_CHECKED_ON.
  console.log(ltsStatus(pinnedNodeVersion(), new Date().toISOString().slice(0, 10)).line);
}
