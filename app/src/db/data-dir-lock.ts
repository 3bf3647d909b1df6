/**
 * One owner per embedded (PGlite) data folder. Two processes on one folder each replay and write
 * the WAL as if alone, and the folder ends up losing one side's rows or failing to open at all, so
 * every opener (`PgliteDatabase.open`) first takes `<folder>/owner.lock`:
 *
 * - Created with link(2) from a fully written temp file: atomic, and never seen half-written. Of two
 *   starters racing, exactly one link succeeds.
 * - It records who holds it: pid, the process's start time in clock ticks since boot
 *   (`/proc/<pid>/stat`, field 22) and the boot id, the command line, and — once a server listens —
 *   its URL, which `npm run import` uses to send its batches there instead of opening the folder.
 * - A lock whose process is gone (kill -9, power loss, a crash) is stale: the pid no longer exists,
 *   is a zombie, or now belongs to another process (its start time differs: pid reuse), or the
 *   machine rebooted since. A stale lock is taken over through a claim named after that lock's
 *   token (link(2) again), so two starters that both found it stale cannot both take it.
 * - Released on close and, as a last resort, when the process exits; only by its owner (token).
 *
 * Inside the folder rather than beside it: the folder is the one place its owner can always write
 * (in the image, DATA_DIR is a volume under a read-only /var/lib). Postgres ignores a file it does
 * not know there, initdb runs beside it, and it is gone again when its process exits, so a damaged
 * folder is left with exactly its own files.
 */
import { randomBytes } from "node:crypto";
import { readFileSync, unlinkSync } from "node:fs";
import { link, mkdir, readFile, rename, stat, unlink, writeFile } from "node:fs/promises";
import path from "node:path";
import { z } from "zod";

const LockRecord = z.strictObject({
  pid: z.number().int().positive(),
  /** Field 22 of /proc/<pid>/stat; null where there is no /proc (then only the pid is checked). */
  startTicks: z.string().nullable(),
  bootId: z.string().nullable(),
  /** Wall-clock start of the holder, for people. */
  startedAt: z.string(),
  command: z.string(),
  /** Distinguishes this holding from any other, even by the same pid. */
  token: z.string(),
  /** Set by a listening server: where `npm run import` sends its batches. */
  url: z.string().optional(),
});
export type LockRecord = z.infer<typeof LockRecord>;

/** A takeover claim older than this is from a claimant that died mid-takeover (which takes microseconds). */
const CLAIM_EXPIRY_MS = 10_000;
const ATTEMPTS = 100;

const LOCK_NAME = "owner.lock";

export function lockPathOf(dataDir: string): string {
  return path.join(path.resolve(dataDir), LOCK_NAME);
}

/** The lock and its temporary and claim files: not part of the database. */
export function isLockFile(name: string): boolean {
  return name.startsWith(LOCK_NAME);
}

function readProc(file: string): string | undefined {
  try {
    return readFileSync(file, "utf8");
  } catch {
    return undefined;
  }
}

/** State and start time of `pid` from /proc, or undefined when /proc has no such process (or no /proc). */
function procStat(pid: number): { state: string; startTicks: string } | undefined {
  const text = readProc(`/proc/${pid}/stat`);
  if (!text) return undefined;
  // The command name (field 2) is in parentheses and may hold spaces or parentheses itself.
  const fields = text.slice(text.lastIndexOf(")") + 2).split(" ");
  const state = fields[0];
  const startTicks = fields[19];
  return state && startTicks ? { state, startTicks } : undefined;
}

const bootId = (): string | null => readProc("/proc/sys/kernel/random/boot_id")?.trim() ?? null;

function selfRecord(): LockRecord {
  return {
    pid: process.pid,
    startTicks: procStat(process.pid)?.startTicks ?? null,
    bootId: bootId(),
    startedAt: new Date(Date.now() - process.uptime() * 1000).toISOString(),
    command: [process.execPath, ...process.execArgv, ...process.argv.slice(1)].join(" "),
    token: randomBytes(12).toString("hex"),
  };
}

/** Whether the process that wrote `record` is still running (the same process, not a reused pid). */
export function holderAlive(record: LockRecord): boolean {
  const boot = bootId();
  if (record.bootId && boot && record.bootId !== boot) return false;
  try {
    process.kill(record.pid, 0);
  } catch (error) {
    // EPERM: it exists but belongs to another user.
    if ((error as NodeJS.ErrnoException).code !== "EPERM") return false;
  }
  const now = procStat(record.pid);
  if (!now) return readProc(`/proc/${process.pid}/stat`) === undefined; // no /proc: trust the pid
  if (now.state === "Z" || now.state === "X") return false;
  return record.startTicks === null || record.startTicks === now.startTicks;
}

/** The lock file's record and token; no record when it is unreadable (then nobody holds it). */
async function readRecord(lockFile: string): Promise<{ record?: LockRecord; token: string } | undefined> {
  let raw: string;
  try {
    raw = await readFile(lockFile, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw error;
  }
  try {
    const record = LockRecord.parse(JSON.parse(raw));
    return { record, token: record.token };
  } catch {
    // Not written by this module (link(2) only publishes whole files): nobody holds it.
    return { token: `unreadable-${Buffer.from(raw).toString("hex").slice(0, 32)}` };
  }
}

export class DataDirLockedError extends Error {
  readonly dataDir: string;
  readonly holder: LockRecord;

  constructor(dataDir: string, holder: LockRecord) {
    const self = holder.pid === process.pid;
    super(
      [
        `The data folder ${dataDir} is in use by ${self ? "this same process (opened twice)" : "another process"}:`,
        `  pid ${holder.pid}, started ${holder.startedAt}: ${holder.command}`,
        ...(holder.url ? [`  a server listening on ${holder.url}`] : []),
        "Only one process may open an embedded (PGlite) data folder at a time: two would each write it as if alone and lose data.",
        "What to do: stop that process first (Ctrl-C in its terminal, or kill -TERM " +
          `${holder.pid}), or point this one at another folder with DATA_DIR. To load data into a running server, use npm run import: it sends its batches to the server that owns the folder.`,
        `The lock is ${lockPathOf(dataDir)}; it is taken over automatically once its process has exited, so do not delete it by hand.`,
      ].join("\n"),
    );
    this.name = "DataDirLockedError";
    this.dataDir = dataDir;
    this.holder = holder;
  }
}

export interface DataDirLock {
  readonly dataDir: string;
  release(): Promise<void>;
}

/** Locks held by this process, released at exit if nobody closed them. */
const held = new Map<string, LockRecord>();
let exitHook = false;

function releaseAllSync(): void {
  for (const [lockFile, record] of held) {
    try {
      const now = LockRecord.safeParse(JSON.parse(readFileSync(lockFile, "utf8")));
      if (now.success && now.data.token === record.token) unlinkSync(lockFile);
    } catch {
      // Gone already, or unreadable: nothing of ours to remove.
    }
  }
  held.clear();
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function removeQuietly(file: string): Promise<void> {
  await unlink(file).catch(() => {});
}

async function writeTemp(lockFile: string, record: LockRecord): Promise<string> {
  const tmp = `${lockFile}.${process.pid}.${randomBytes(4).toString("hex")}.tmp`;
  await writeFile(tmp, `${JSON.stringify(record)}\n`, { flag: "wx" });
  return tmp;
}

/**
 * Removes the stale lock whose token is `token`, unless another starter is doing so. The claim is a
 * second name for whatever `lockFile` is right now: if it is still the stale record, only this
 * process holds the claim, and the record cannot change under it (its writer is dead).
 */
async function takeOver(lockFile: string, token: string): Promise<void> {
  const claim = `${lockFile}.takeover-${token.replace(/[^A-Za-z0-9-]/g, "")}`;
  try {
    await link(lockFile, claim);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "EEXIST") {
      const age = await stat(claim).then(
        (s) => Date.now() - s.mtimeMs,
        () => 0,
      );
      if (age > CLAIM_EXPIRY_MS) await removeQuietly(claim);
      else await sleep(20);
      return;
    }
    if (code === "ENOENT") return;
    throw error;
  }
  try {
    const claimed = await readRecord(claim);
    if (claimed?.token === token) await unlink(lockFile);
  } finally {
    await removeQuietly(claim);
  }
}

/** Takes the folder's lock or throws {@link DataDirLockedError} naming its live holder. */
export async function lockDataDir(dataDir: string): Promise<DataDirLock> {
  const resolved = path.resolve(dataDir);
  const lockFile = lockPathOf(resolved);
  const record = selfRecord();
  await mkdir(resolved, { recursive: true });
  for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
    const tmp = await writeTemp(lockFile, record);
    try {
      await link(tmp, lockFile);
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
    } finally {
      await removeQuietly(tmp);
    }
    const existing = await readRecord(lockFile);
    if (!existing) continue;
    if (existing.record && holderAlive(existing.record))
      throw new DataDirLockedError(resolved, existing.record);
    await takeOver(lockFile, existing.token);
    if (attempt === ATTEMPTS - 1) {
      throw new Error(
        `could not take the lock ${lockFile} after ${ATTEMPTS} attempts; is something recreating it?`,
      );
    }
  }
  held.set(lockFile, record);
  if (!exitHook) {
    exitHook = true;
    process.on("exit", releaseAllSync);
  }
  return {
    dataDir: resolved,
    release: async () => {
      if (!held.delete(lockFile)) return;
      const now = await readRecord(lockFile);
      if (now?.token === record.token) await removeQuietly(lockFile);
    },
  };
}

/** The live process holding `dataDir`, if any (a stale lock counts as none). */
export async function dataDirOwner(dataDir: string): Promise<LockRecord | undefined> {
  const existing = await readRecord(lockPathOf(dataDir));
  return existing?.record && holderAlive(existing.record) ? existing.record : undefined;
}

/** Records in this process's lock on `dataDir` where its server listens, for `npm run import`. */
export async function advertiseServer(dataDir: string, url: string): Promise<void> {
  const lockFile = lockPathOf(dataDir);
  const record = held.get(lockFile);
  if (!record) return;
  const next = { ...record, url };
  const tmp = await writeTemp(lockFile, next);
  // rename(2) replaces the file whole: a reader sees the old record or the new one.
  await rename(tmp, lockFile);
  held.set(lockFile, next);
}
