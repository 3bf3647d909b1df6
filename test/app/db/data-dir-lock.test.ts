/**
 * One owner per PGlite data folder (issue 22): a second opener is refused at once with the folder,
 * the holder and what to do; a lock left by a dead process (kill -9, or a pid now reused by another
 * process) is taken over; of several starters racing for a stale lock exactly one wins.
 */
import { type ChildProcessWithoutNullStreams, spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdir, readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { PgliteDatabase } from "../../../app/src/db/pglite-database.js";
import { tempDir } from "../helpers.js";

const REPO = path.resolve(import.meta.dirname, "../../..");
const CHILD = path.join(import.meta.dirname, "lock-child.ts");

interface Child {
  process: ChildProcessWithoutNullStreams;
  output(): string;
  /** Resolves once stdout holds `text`; rejects if the child exits first. */
  said(text: string): Promise<void>;
  exited: Promise<void>;
}

function child(...args: string[]): Child {
  const proc = spawn(
    process.execPath,
    ["--conditions=@mcp-stack/source", "--import", "tsx", CHILD, ...args],
    {
      cwd: REPO,
      stdio: ["pipe", "pipe", "pipe"],
    },
  );
  let out = "";
  const listeners: (() => void)[] = [];
  proc.stdout.on("data", (d: Buffer) => {
    out += d;
    for (const l of listeners) l();
  });
  proc.stderr.on("data", (d: Buffer) => {
    out += d;
  });
  const exited = new Promise<void>((resolve) => proc.once("close", () => resolve()));
  return {
    process: proc,
    output: () => out,
    exited,
    said: (text) =>
      Promise.race([
        new Promise<void>((resolve) => {
          const check = () => out.includes(text) && resolve();
          listeners.push(check);
          check();
        }),
        exited.then(() => {
          if (!out.includes(text)) throw new Error(`the child exited without saying ${text}:\n${out}`);
        }),
      ]),
  };
}

/** A start time in /proc's clock ticks that no live process has (the lock's pid-reuse check). */
const NEVER_STARTED = "1";

describe("one owner per PGlite data folder", () => {
  let dir: { dir: string; remove(): Promise<void> };
  let dataDir: string;
  let lockFile: string;
  const children: Child[] = [];
  beforeEach(async () => {
    dir = await tempDir();
    dataDir = path.join(dir.dir, "data");
    lockFile = path.join(dataDir, "owner.lock");
  });
  afterEach(async () => {
    for (const c of children.splice(0)) {
      c.process.kill("SIGKILL");
      await c.exited;
    }
    await dir.remove();
  });

  it("refuses a second opener in another process at once, naming the folder, the holder and what to do", {
    timeout: 120_000,
  }, async () => {
    const holder = child("hold", dataDir);
    children.push(holder);
    await holder.said("holding");
    const error = await PgliteDatabase.open(dataDir).then(
      async (db) => {
        await db.close();
        return undefined;
      },
      (e: unknown) => e as Error,
    );
    expect(error?.name).toBe("DataDirLockedError");
    const message = error?.message ?? "";
    expect(message).toContain(`The data folder ${dataDir} is in use by another process`);
    expect(message).toMatch(
      new RegExp(
        `pid ${holder.process.pid}, started \\d{4}-\\d\\d-\\d\\dT[\\d:.]+Z: \\S*node .*lock-child\\.ts hold ${dataDir}`,
      ),
    );
    expect(message).toContain(`kill -TERM ${holder.process.pid}`);
    expect(message).toContain("npm run import");
    expect(message).toContain(`The lock is ${lockFile}`);
    // The holder still has it.
    expect(JSON.parse(await readFile(lockFile, "utf8")).pid).toBe(holder.process.pid);
  });

  it("refuses a second open in the same process", { timeout: 60_000 }, async () => {
    const db = await PgliteDatabase.open(dataDir);
    try {
      await expect(PgliteDatabase.open(dataDir)).rejects.toThrow("is in use by this same process");
    } finally {
      await db.close();
    }
    expect(existsSync(lockFile)).toBe(false);
  });

  it("takes over the lock of a holder killed with SIGKILL, and releases it on close", {
    timeout: 120_000,
  }, async () => {
    const holder = child("hold", dataDir);
    await holder.said("holding");
    holder.process.kill("SIGKILL");
    await holder.exited;
    // Left behind by the dead process.
    expect(JSON.parse(await readFile(lockFile, "utf8")).pid).toBe(holder.process.pid);
    const db = await PgliteDatabase.open(dataDir);
    try {
      expect(JSON.parse(await readFile(lockFile, "utf8")).pid).toBe(process.pid);
      const [row] = await db.query<{ one: number }>("SELECT 1 AS one");
      expect(row?.one).toBe(1);
    } finally {
      await db.close();
    }
    expect(existsSync(lockFile)).toBe(false);
  });

  it("treats a live pid with another start time (a reused pid) and an unreadable lock file as stale", {
    timeout: 60_000,
  }, async () => {
    await mkdir(dataDir, { recursive: true });
    const stale = {
      pid: process.pid,
      startTicks: NEVER_STARTED,
      bootId: null,
      startedAt: "2020-01-01T00:00:00.000Z",
      command: "node gone.js",
      token: "0123456789abcdef",
    };
    for (const content of [JSON.stringify(stale), "{not json"]) {
      await writeFile(lockFile, content);
      const db = await PgliteDatabase.open(dataDir);
      const record = JSON.parse(await readFile(lockFile, "utf8"));
      expect(record.pid).toBe(process.pid);
      expect(record.token).not.toBe(stale.token);
      await db.close();
      expect(existsSync(lockFile)).toBe(false);
    }
  });

  it("lets exactly one of six starters racing for a stale lock win, three times over", {
    timeout: 180_000,
  }, async () => {
    await mkdir(dataDir, { recursive: true });
    for (let round = 0; round < 3; round++) {
      await writeFile(
        lockFile,
        JSON.stringify({
          pid: process.pid,
          startTicks: NEVER_STARTED,
          bootId: null,
          startedAt: "2020-01-01T00:00:00.000Z",
          command: "node gone.js",
          token: `stale${round}`,
        }),
      );
      const goFile = path.join(dir.dir, `go-${round}`);
      const racers = Array.from({ length: 6 }, () => child("race", dataDir, goFile));
      children.push(...racers);
      // Every racer is polling for the go file before it appears (tsx start-up takes a while).
      await new Promise((r) => setTimeout(r, 4000));
      await writeFile(goFile, "");
      const outcomes = await Promise.all(
        racers.map(async (r) => {
          await Promise.race([r.said("won"), r.said("refused"), r.said("error")]).catch(() => {});
          return r.output().trim();
        }),
      );
      expect(outcomes.filter((o) => o === "won")).toHaveLength(1);
      expect(outcomes.filter((o) => o === "refused")).toHaveLength(5);
      for (const r of racers) r.process.stdin.end();
      await Promise.all(racers.map((r) => r.exited));
      expect(existsSync(lockFile)).toBe(false);
    }
  });
});
