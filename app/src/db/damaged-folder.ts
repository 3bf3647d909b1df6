/**
 * A PGlite data folder that PGlite cannot open (a truncated WAL segment, a garbled pg_control, a
 * folder that is not a data folder at all). PGlite only says "PGlite failed to initialize properly"
 * or "Aborted()", and a retry could make things worse, so the app names the likely cause from the
 * files themselves, leaves the folder exactly as it found it, and says how to get out.
 */
import { readdir, readFile, rm, stat, writeFile } from "node:fs/promises";
import path from "node:path";
import { isLockFile } from "./data-dir-lock.js";

/** Postgres's fixed sizes: pg_control is one 8 KiB page; PGlite keeps the default 16 MiB segments. */
const PG_CONTROL_BYTES = 8192;
const WAL_SEGMENT_BYTES = 16 * 1024 * 1024;
const WAL_SEGMENT_NAME = /^[0-9A-F]{24}$/;

export class DataDirDamagedError extends Error {
  readonly dataDir: string;
  readonly reason: string;

  constructor(dataDir: string, reason: string) {
    super(
      [
        `The data folder ${dataDir} cannot be opened: it looks damaged.`,
        `Cause: ${reason}`,
        'Nothing in it was changed. Ways out (docs/app.md, "Damaged data folder"):',
        `  - restore from a dump: start on a new folder (DATA_DIR=${dataDir}-restored) and load your latest dump into it, as the restore drill does;`,
        `  - or move it aside and start fresh: mv ${dataDir} ${dataDir}.damaged, start again (a new empty folder is created), then re-import your data (npm run import).`,
        "Keep the damaged folder until you no longer need anything from it.",
      ].join("\n"),
    );
    this.name = "DataDirDamagedError";
    this.dataDir = dataDir;
    this.reason = reason;
  }
}

async function size(file: string): Promise<number | undefined> {
  return stat(file).then(
    (s) => s.size,
    () => undefined,
  );
}

/** True when `dataDir` is missing or empty but for its lock: PGlite may run initdb there. */
export async function isFresh(dataDir: string): Promise<boolean> {
  const entries = await readdir(dataDir).catch(() => []);
  return entries.every(isLockFile);
}

/** What is visibly wrong with the folder's files, or undefined when they look whole. */
export async function diagnose(dataDir: string): Promise<string | undefined> {
  if ((await size(path.join(dataDir, "PG_VERSION"))) === undefined) {
    return "PG_VERSION is missing: the folder is not empty but is not a PGlite data folder (or lost its top-level files)";
  }
  const control = await size(path.join(dataDir, "global", "pg_control"));
  if (control === undefined) return "global/pg_control is missing";
  if (control !== PG_CONTROL_BYTES) {
    return `global/pg_control is ${control} bytes, not ${PG_CONTROL_BYTES} (truncated or overwritten)`;
  }
  const wal = path.join(dataDir, "pg_wal");
  const segments = (await readdir(wal).catch(() => [])).filter((n) => WAL_SEGMENT_NAME.test(n)).sort();
  if (segments.length === 0) return "pg_wal holds no WAL segment";
  for (const name of segments) {
    const bytes = await size(path.join(wal, name));
    if (bytes !== WAL_SEGMENT_BYTES) {
      return `WAL segment pg_wal/${name} is ${bytes} bytes, not ${WAL_SEGMENT_BYTES} (truncated)`;
    }
  }
  return undefined;
}

/**
 * Postgres writes postmaster.pid into the folder as it starts and leaves it when start-up fails:
 * `restore()` puts it back as it was, so a failed open leaves the folder byte for byte unchanged.
 */
export async function rememberPidFile(dataDir: string): Promise<{ restore(): Promise<void> }> {
  const file = path.join(dataDir, "postmaster.pid");
  const before = await readFile(file).catch(() => undefined);
  return {
    restore: async () => {
      if (before === undefined) await rm(file, { force: true });
      else await writeFile(file, before);
    },
  };
}
