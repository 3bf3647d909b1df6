/**
 * The long version of `test/app/lifecycle/import-kill-nine.test.ts` (issue 22): the import and the
 * server on one PGlite folder with kill -9 at random points, RELIABILITY_IMPORT_RUNS runs (200 by
 * default) or RELIABILITY_IMPORT_MINUTES minutes (30 by default), whichever comes first — the figure
 * says which and how many runs were done.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { rng as prng } from "../../app/bench/corpus.js";
import { PgliteDatabase } from "../../app/src/db/pglite-database.js";
import type { ChildApp } from "../app/lifecycle/child-app.js";
import { type RunKind, SCENARIO, scenarioRun, seedDataDir } from "../app/lifecycle/import-kill-nine.js";
import { TORN_SQL } from "../app/lifecycle/kill-nine.js";
import { record } from "./support.js";

const RUNS = Number(process.env.RELIABILITY_IMPORT_RUNS ?? 200);
const MINUTES = Number(process.env.RELIABILITY_IMPORT_MINUTES ?? 30);
/** One run in four: the import owns the folder (the server is killed first). */
const IMPORT_OWNS_EVERY = 4;

describe("import + server on one folder, kill -9, long", () => {
  it(`up to ${RUNS} runs or ${MINUTES} minutes`, { timeout: (MINUTES + 10) * 60_000 }, async () => {
    const workDir = await mkdtemp(path.join(tmpdir(), "mcp-import-kill-long-"));
    const dataDir = path.join(workDir, "data");
    const env = await seedDataDir(dataDir);
    const random = prng(2222);
    const started = performance.now();
    const totals = {
      runs: 0,
      serverOwns: 0,
      importOwns: 0,
      acknowledged: 0,
      lost: 0,
      halfWritten: 0,
      reopenFailures: 0,
      refused: 0,
      via: { server: 0, "in process": 0, killed: 0 },
      torn: -1,
    };
    const samples: string[] = [];
    let server: ChildApp | undefined;
    try {
      while (totals.runs < RUNS && performance.now() - started < MINUTES * 60_000) {
        const kind: RunKind = Math.floor(random() * IMPORT_OWNS_EVERY) === 0 ? "import owns" : "server owns";
        const run = await scenarioRun(server, { env, workDir, ...SCENARIO }, 30_000 + totals.runs, kind);
        const r = run.report;
        totals.runs++;
        if (kind === "server owns") totals.serverOwns++;
        else totals.importOwns++;
        totals.acknowledged += r.acknowledged;
        totals.lost += r.lost.length;
        totals.halfWritten += r.halfWritten.length;
        totals.via[r.importVia]++;
        if (r.refusedStart) totals.refused++;
        if (r.reopenFailure !== undefined) totals.reopenFailures++;
        const problem = r.lost.length + r.halfWritten.length > 0 || r.reopenFailure !== undefined;
        if ((problem || (kind === "import owns" && !r.refusedStart)) && samples.length < 3) {
          samples.push(JSON.stringify(r).slice(0, 300));
        }
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
        totals.torn = row?.torn ?? -1;
      } finally {
        await db.close();
      }
    } finally {
      server?.kill();
      await rm(workDir, { recursive: true, force: true });
    }
    const minutes = ((performance.now() - started) / 60_000).toFixed(1);
    const bound = totals.runs >= RUNS ? `all ${RUNS} runs` : `stopped by the ${MINUTES}-minute bound`;
    await record("3-loss-fuzz", [
      {
        name: `npm run import and the server on one PGlite folder, kill -9 at a random point, ${totals.runs} runs`,
        value:
          `${totals.runs} runs in ${minutes} min (${bound}): ${totals.serverOwns} with the server owning the folder, ${totals.importOwns} with the import owning it; ` +
          `${totals.acknowledged} conversations acknowledged, lost ${totals.lost}, half-written ${totals.halfWritten}, torn (SQL) ${totals.torn}; ` +
          `folder reopened ${totals.runs - totals.reopenFailures} of ${totals.runs}; server start refused while the import owned the folder ${totals.refused} of ${totals.importOwns}; ` +
          `import batches via the server ${totals.via.server}, in process ${totals.via["in process"]}, import killed ${totals.via.killed}` +
          (samples.length ? `; first problems: ${samples.join(" / ")}` : ""),
        how: `import-kill.run.ts, runs of test/app/lifecycle/import-kill-nine.ts (${SCENARIO.importConversations} conversations imported in batches of ${SCENARIO.batchSize}, ${SCENARIO.clients} clients, kill within ${SCENARIO.maxKillDelayMs / 1000} s), one folder throughout`,
      },
    ]);
    expect(totals).toMatchObject({
      lost: 0,
      halfWritten: 0,
      reopenFailures: 0,
      torn: 0,
      refused: totals.importOwns,
    });
  });
});
