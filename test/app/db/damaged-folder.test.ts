/**
 * A damaged data folder says so (issue 22): copies of a real PGlite folder, each damaged one way
 * (a truncated WAL segment, a garbled pg_control, PG_VERSION gone), are opened by the real entry
 * point and by `npm run import`. Each prints one message with the cause, the folder and the ways
 * out, exits non-zero without a stack trace, and leaves every byte of the folder as it was.
 */
import { spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync } from "node:fs";
import { cp, open, readdir, readFile, rm, truncate } from "node:fs/promises";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PgliteDatabase } from "../../../app/src/db/pglite-database.js";
import { openTestPglite, TEST_DIMENSIONS, tempDir } from "../helpers.js";
import { startChildApp } from "../lifecycle/child-app.js";

const REPO = path.resolve(import.meta.dirname, "../../..");
const IMPORT_CLI = path.join(REPO, "app/src/cli/import.ts");

/** Every file under `dir` with the sha-256 of its bytes. */
async function fingerprint(dir: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const entry of await readdir(dir, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const file = path.join(entry.parentPath, entry.name);
    out[path.relative(dir, file)] = createHash("sha256")
      .update(await readFile(file))
      .digest("hex");
  }
  return out;
}

async function firstWalSegment(dataDir: string): Promise<string> {
  const names = (await readdir(path.join(dataDir, "pg_wal"))).filter((n) => /^[0-9A-F]{24}$/.test(n)).sort();
  return path.join("pg_wal", names[0]!);
}

const DAMAGES: {
  name: string;
  damage(dir: string): Promise<void>;
  cause: (dir: string) => Promise<RegExp>;
}[] = [
  {
    name: "a truncated WAL segment",
    damage: async (dir) => truncate(path.join(dir, await firstWalSegment(dir)), 0),
    cause: async (dir) =>
      new RegExp(
        `Cause: WAL segment ${(await firstWalSegment(dir)).replace("/", "\\/")} is 0 bytes, not 16777216 \\(truncated\\)`,
      ),
  },
  {
    name: "a garbled pg_control",
    damage: async (dir) => {
      const file = await open(path.join(dir, "global/pg_control"), "r+");
      await file.write(Buffer.alloc(64, 0xa5), 0, 64, 0);
      await file.close();
    },
    cause: async () =>
      /Cause: its files have their expected sizes, so the contents of pg_control or the WAL are corrupt; PGlite said: PGlite failed to initialize properly/,
  },
  {
    name: "PG_VERSION gone",
    damage: (dir) => rm(path.join(dir, "PG_VERSION")),
    cause: async () =>
      /Cause: PG_VERSION is missing: the folder is not empty but is not a PGlite data folder/,
  },
];

describe("a damaged data folder", () => {
  let work: { dir: string; remove(): Promise<void> };
  let pristine: string;
  beforeAll(async () => {
    work = await tempDir();
    pristine = path.join(work.dir, "pristine");
    const template = await openTestPglite();
    const dump = await template.pglite.dumpDataDir("none");
    await template.close();
    // A real folder, closed cleanly.
    await (await PgliteDatabase.open(pristine, { loadDataDir: dump })).close();
  }, 120_000);
  afterAll(async () => {
    await work?.remove();
  });

  const expectTheMessage = (output: string, dir: string, cause: RegExp) => {
    expect(output).toContain(`The data folder ${dir} cannot be opened: it looks damaged.`);
    expect(output).toMatch(cause);
    expect(output).toContain("Nothing in it was changed.");
    expect(output).toContain(`restore from a dump: start on a new folder (DATA_DIR=${dir}-restored)`);
    expect(output).toContain(`move it aside and start fresh: mv ${dir} ${dir}.damaged`);
    // One message, not PGlite's minified source and a stack trace.
    expect(output).not.toMatch(/^\s+at /m);
    expect(output).not.toContain("Build with -sASSERTIONS");
  };

  for (const { name, damage, cause } of DAMAGES) {
    it(`${name}: the app says so, exits 1, and the folder is byte for byte untouched`, {
      timeout: 120_000,
    }, async () => {
      const dir = path.join(work.dir, name.replace(/\W+/g, "-"));
      await cp(pristine, dir, { recursive: true });
      await damage(dir);
      const before = await fingerprint(dir);
      const app = await startChildApp({
        DATA_DIR: dir,
        EMBEDDING_DIMENSIONS: String(TEST_DIMENSIONS),
        LOG_LEVEL: "warn",
      });
      const code = await app.exited;
      expect(code).toBe(1);
      expectTheMessage(app.output(), dir, await cause(dir));
      expect(await fingerprint(dir)).toEqual(before);
      expect(existsSync(path.join(dir, "owner.lock"))).toBe(false);
    });
  }

  it("npm run import on a damaged folder gives the same message, exits 2 and changes nothing", {
    timeout: 120_000,
  }, async () => {
    const [{ damage, cause }] = DAMAGES as [(typeof DAMAGES)[number]];
    const dir = path.join(work.dir, "import-target");
    await cp(pristine, dir, { recursive: true });
    await damage(dir);
    const before = await fingerprint(dir);
    const run = await new Promise<{ code: number | null; output: string }>((resolve, reject) => {
      const child = spawn(
        process.execPath,
        ["--conditions=@mcp-stack/source", "--import", "tsx", IMPORT_CLI, "-"],
        {
          cwd: REPO,
          env: {
            PATH: process.env.PATH ?? "",
            HOME: process.env.HOME ?? "",
            DATA_DIR: dir,
            EMBEDDING_DIMENSIONS: String(TEST_DIMENSIONS),
          },
          stdio: ["pipe", "pipe", "pipe"],
        },
      );
      let output = "";
      child.stdout.on("data", (d: Buffer) => {
        output += d;
      });
      child.stderr.on("data", (d: Buffer) => {
        output += d;
      });
      child.on("error", reject);
      child.on("close", (code) => resolve({ code, output }));
      child.stdin.end(`${JSON.stringify({ id: "x", messages: [{ role: "user", content: "hello" }] })}\n`);
    });
    expect(run.code).toBe(2);
    expectTheMessage(run.output, dir, await cause(dir));
    expect(await fingerprint(dir)).toEqual(before);
  });
});
