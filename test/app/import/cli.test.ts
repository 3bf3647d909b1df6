/**
 * `npm run import` end to end: the entry point spawned as npm runs it (`--conditions` for the
 * contract), on embedded PGlite in a temp DATA_DIR, with a file that has a malformed line, again
 * (resumable: what is stored is skipped), and from stdin with --defer-index.
 */
import { spawn } from "node:child_process";
import { writeFile } from "node:fs/promises";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PgliteDatabase } from "../../../app/src/db/pglite-database.js";
import { hasVectorIndex } from "../../../app/src/db/vector-index.js";
import { CORPUS } from "../corpus.js";
import { TEST_DIMENSIONS, tempDir } from "../helpers.js";

const REPO = path.resolve(import.meta.dirname, "../../..");
const CLI = path.join(REPO, "app/src/cli/import.ts");

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

describe("npm run import", () => {
  let dir: { dir: string; remove(): Promise<void> };
  let file: string;
  const good = CORPUS.slice(0, 3);
  beforeAll(async () => {
    dir = await tempDir();
    file = path.join(dir.dir, "conversations.ndjson");
    const lines = [
      JSON.stringify(good[0]),
      JSON.stringify({ id: "bad", messages: [{ role: "robot", content: "hi" }] }),
      JSON.stringify(good[1]),
      "",
      JSON.stringify(good[2]),
    ];
    await writeFile(file, `${lines.join("\n")}\n`);
  });
  afterAll(async () => {
    await dir?.remove();
  });

  const importer = (args: string[], stdin?: string) =>
    new Promise<Run>((resolve, reject) => {
      const { DATABASE_URL: _url, DATABASE_REPLICA_URL: _replica, ...env } = process.env;
      const child = spawn(
        process.execPath,
        ["--conditions=@mcp-stack/source", "--import", "tsx", CLI, ...args],
        {
          cwd: REPO,
          env: {
            ...env,
            DATA_DIR: path.join(dir.dir, "data"),
            EMBEDDING_DIMENSIONS: String(TEST_DIMENSIONS),
          },
          stdio: ["pipe", "pipe", "pipe"],
        },
      );
      let stdout = "";
      let stderr = "";
      child.stdout.on("data", (d: Buffer) => {
        stdout += d;
      });
      child.stderr.on("data", (d: Buffer) => {
        stderr += d;
      });
      child.on("error", reject);
      child.on("close", (code) => resolve({ code, stdout, stderr }));
      child.stdin.end(stdin ?? "");
    });

  it("imports the valid lines, reports the malformed one by line, field and fix, and exits 1", {
    timeout: 120_000,
  }, async () => {
    const run = await importer([file]);
    expect(run.stderr).toContain(
      'line 2: messages.0.role: Invalid option: expected one of "user"|"assistant"|"system"|"tool"; fix: use one of "user", "assistant", "system", "tool"',
    );
    // Not a terminal: plain progress lines, no bar.
    expect(run.stderr).toMatch(/^import: 100%, 4 lines: 3 ingested, 0 unchanged, 1 failed$/m);
    expect(run.stderr).not.toContain("\r");
    expect(run.stdout).toMatch(/^imported 4 lines in [\d.]+ s: 3 ingested, 0 unchanged, 1 failed$/m);
    expect(run.code).toBe(1);
  });

  it("skips what is stored on a re-run (without touching the index)", { timeout: 120_000 }, async () => {
    const run = await importer([file, "--defer-index"]);
    expect(run.stdout).toContain("4 lines in");
    expect(run.stdout).toContain("0 ingested, 3 unchanged, 1 failed");
    expect(run.stderr).not.toContain("rebuilding");
    expect(run.code).toBe(1);
  });

  it("reads stdin, defers the index when asked, and exits 0 when every line went in", {
    timeout: 120_000,
  }, async () => {
    const lines = [...good, CORPUS[3]].map((c) => JSON.stringify(c)).join("\n");
    const run = await importer(["-", "--defer-index", "--batch-size", "2"], lines);
    expect(run.stdout).toContain("1 ingested, 3 unchanged, 0 failed");
    expect(run.stderr).toContain("rebuilding the vector index");
    expect(run.code).toBe(0);

    const db = await PgliteDatabase.open(path.join(dir.dir, "data"));
    try {
      const ids = await db.query<{ id: string }>("SELECT id FROM conversations ORDER BY id");
      expect(ids.map((r) => r.id)).toEqual([...good, CORPUS[3]!].map((c) => c.id).sort());
      expect(await hasVectorIndex(db)).toBe(true);
    } finally {
      await db.close();
    }
  });

  it("refuses bad options before opening the database", { timeout: 60_000 }, async () => {
    const run = await importer([file, "--batch-size", "0"]);
    expect(run.stderr).toContain("--batch-size: give a whole number from 1 to 100");
    expect(run.code).toBe(2);
  });
});
