/**
 * Nothing lost (issue 15, point 1): `kill -9` the real entry point during concurrent ingests, restart
 * it on the same storage, and every acknowledged conversation is there whole while no stored one is
 * half-written. Seeded and small here; `npm run test:reliability` runs more rounds of the same code.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { PgliteDatabase } from "../../../app/src/db/pglite-database.js";
import { openTestPglite, TEST_DIMENSIONS } from "../helpers.js";
import { baseEnv, serveDatabase, startChildApp } from "./child-app.js";
import { checkAfterRestart, ingestUntilKilled, TORN_SQL } from "./kill-nine.js";

const SEED = 15;
const ROUND = { concurrency: 6, acknowledgements: 24 };

/** A PGlite data directory holding the migrated test template (no initdb in the child). */
async function templateDataDir(): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), "mcp-kill9-"));
  const template = await openTestPglite();
  const dump = await template.pglite.dumpDataDir("none");
  await template.close();
  const seeded = await PgliteDatabase.open(dir, { loadDataDir: dump });
  await seeded.close();
  return dir;
}

describe("kill -9 during concurrent ingests", () => {
  it("loses no acknowledged conversation and half-writes none on PGlite with a data directory", async () => {
    const dir = await templateDataDir();
    const env = {
      DATA_DIR: dir,
      EMBEDDING_DIMENSIONS: String(TEST_DIMENSIONS),
      RATE_LIMIT_PER_MINUTE: "0",
      LOG_LEVEL: "warn",
    };
    try {
      const first = await startChildApp(env);
      await first.listening();
      const run = await ingestUntilKilled(first, { seed: SEED, ...ROUND });
      // Killed by the signal with ingests in flight, not exited by itself between them.
      expect(first.child.signalCode).toBe("SIGKILL");
      expect(run.unacknowledged).toBeGreaterThan(0);
      const second = await startChildApp(env);
      try {
        await second.listening();
        const report = await checkAfterRestart(second.baseUrl, run);
        expect(report.acknowledged).toBeGreaterThanOrEqual(ROUND.acknowledgements);
        expect(report).toMatchObject({ lost: [], halfWritten: [], unknown: [] });
        expect(report.stored).toBeGreaterThanOrEqual(report.acknowledged);
      } finally {
        second.child.kill("SIGTERM");
        await second.exited;
      }
      // The restarted app exited cleanly: check the tables under it directly.
      const db = await PgliteDatabase.open(dir);
      try {
        const rows = await db.query<{ torn: number }>(TORN_SQL);
        expect(rows[0]?.torn).toBe(0);
      } finally {
        await db.close();
      }
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it("loses no acknowledged conversation and half-writes none on Postgres over pglite-socket", async () => {
    // One pooled connection, as everywhere over pglite-socket (child-app.ts); the ingests queue on it.
    const wire = await serveDatabase(2);
    const env = { ...baseEnv(wire.url()), LOG_LEVEL: "warn" };
    try {
      const first = await startChildApp(env);
      await first.listening();
      const run = await ingestUntilKilled(first, { seed: SEED + 1, ...ROUND });
      expect(first.child.signalCode).toBe("SIGKILL");
      expect(run.unacknowledged).toBeGreaterThan(0);
      const second = await startChildApp(env);
      try {
        await second.listening();
        const report = await checkAfterRestart(second.baseUrl, run);
        expect(report.acknowledged).toBeGreaterThanOrEqual(ROUND.acknowledgements);
        expect(report).toMatchObject({ lost: [], halfWritten: [], unknown: [] });
      } finally {
        second.kill();
        await second.exited;
      }
      const rows = await wire.db.query<{ torn: number }>(TORN_SQL);
      expect(rows[0]?.torn).toBe(0);
    } finally {
      await wire.stop();
    }
  });
});
