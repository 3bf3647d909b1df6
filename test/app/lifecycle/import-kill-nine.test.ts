/**
 * The import racing a live server on one PGlite folder with `kill -9` at random points (issue 22):
 * nothing acknowledged is lost, nothing half-written, the folder always reopens, and a server
 * started while the import owns the folder is refused. Three seeded runs here (each kind at least
 * once); `npm run test:reliability` runs hundreds of the same code (`import-kill-nine.ts`).
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { PgliteDatabase } from "../../../app/src/db/pglite-database.js";
import type { ChildApp } from "./child-app.js";
import { type RunKind, type RunReport, SCENARIO, scenarioRun, seedDataDir } from "./import-kill-nine.js";
import { TORN_SQL } from "./kill-nine.js";

const RUNS: RunKind[] = ["server owns", "import owns", "server owns"];

describe("import and server on one data folder, kill -9 at random points", () => {
  it("loses no acknowledged conversation, half-writes none, and the folder always reopens", {
    timeout: 300_000,
  }, async () => {
    const workDir = await mkdtemp(path.join(tmpdir(), "mcp-import-kill-"));
    const dataDir = path.join(workDir, "data");
    const env = await seedDataDir(dataDir);
    const reports: RunReport[] = [];
    let server: ChildApp | undefined;
    try {
      for (const [i, kind] of RUNS.entries()) {
        const run = await scenarioRun(server, { env, workDir, ...SCENARIO }, 2200 + i, kind);
        reports.push(run.report);
        server = run.server;
        if (!server) break;
      }
      if (server) {
        server.child.kill("SIGTERM");
        await server.exited;
      }
      const db = await PgliteDatabase.open(dataDir);
      try {
        const [row] = await db.query<{ torn: number }>(TORN_SQL);
        expect(row?.torn).toBe(0);
      } finally {
        await db.close();
      }
    } finally {
      server?.kill();
      await rm(workDir, { recursive: true, force: true });
    }
    expect(reports.map((r) => r.reopenFailure)).toEqual(RUNS.map(() => undefined));
    expect(reports.flatMap((r) => [...r.lost, ...r.halfWritten])).toEqual([]);
    const importOwns = reports.find((r) => r.kind === "import owns");
    expect(importOwns?.refusedStart, importOwns?.startAttempt).toBe(true);
    // The server-owns runs sent the import's batches to the live server, and something was acknowledged.
    expect(reports.filter((r) => r.kind === "server owns").map((r) => r.importVia)).toEqual([
      "server",
      "server",
    ]);
    expect(reports.filter((r) => r.kind === "server owns" && r.acknowledged === 0)).toEqual([]);
  });
});
