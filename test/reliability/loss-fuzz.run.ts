/**
 * The long versions of the CI's kill -9 and fuzz tests (issue 15, point 1): more rounds and more
 * cases over the same code (`test/app/lifecycle/kill-nine.ts`, `test/app/fuzz/requests.ts`).
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { PgliteDatabase } from "../../app/src/db/pglite-database.js";
import { mcpRequest, mcpViolation, restRequest, restViolation } from "../app/fuzz/requests.js";
import { openTestPglite, startApp, TEST_DIMENSIONS } from "../app/helpers.js";
import { startChildApp } from "../app/lifecycle/child-app.js";
import { checkAfterRestart, ingestUntilKilled, TORN_SQL } from "../app/lifecycle/kill-nine.js";
import { record } from "./support.js";

const ROUNDS = 4;
const ROUND = { concurrency: 12, acknowledgements: 60 };
const FUZZ_RUNS = 5000;

describe("nothing lost, long", () => {
  it(`kill -9 during ${ROUND.concurrency} concurrent ingests, ${ROUNDS} rounds on one PGlite data directory`, async () => {
    const dir = await mkdtemp(path.join(tmpdir(), "mcp-loss-"));
    const env = {
      DATA_DIR: dir,
      EMBEDDING_DIMENSIONS: String(TEST_DIMENSIONS),
      RATE_LIMIT_PER_MINUTE: "0",
      LOG_LEVEL: "warn",
    };
    const totals = { acknowledged: 0, cut: 0, lost: 0, halfWritten: 0, torn: 0 };
    try {
      for (let round = 0; round < ROUNDS; round++) {
        const first = await startChildApp(env);
        await first.listening();
        const run = await ingestUntilKilled(first, { seed: 100 + round, ...ROUND });
        const second = await startChildApp(env);
        await second.listening();
        const report = await checkAfterRestart(second.baseUrl, run);
        second.child.kill("SIGTERM");
        await second.exited;
        const db = await PgliteDatabase.open(dir);
        const [torn] = await db.query<{ torn: number }>(TORN_SQL);
        await db.close();
        // Earlier rounds' conversations are on the same directory: only this round's count here.
        totals.acknowledged += report.acknowledged;
        totals.cut += run.unacknowledged;
        totals.lost += report.lost.length;
        totals.halfWritten += report.halfWritten.length;
        totals.torn = Math.max(totals.torn, torn?.torn ?? 0);
      }
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
    await record("3-loss-fuzz", [
      {
        name: `kill -9 during concurrent ingests, PGlite data directory, ${ROUNDS} rounds`,
        value: `${totals.acknowledged} acknowledged, ${totals.cut} cut by the kill; lost ${totals.lost}, half-written ${totals.halfWritten}, torn (SQL) ${totals.torn}`,
        how: `loss-fuzz.run.ts, ${ROUND.concurrency} clients, SIGKILL after ${ROUND.acknowledgements} acknowledgements, restart, checks of kill-nine.ts`,
      },
    ]);
    expect(totals).toMatchObject({ lost: 0, halfWritten: 0, torn: 0 });
  });
});

describe("fuzz, long", () => {
  it(`${FUZZ_RUNS} REST requests and ${FUZZ_RUNS} MCP tool calls`, async () => {
    const db = await openTestPglite();
    const app = await startApp({ primary: db, replica: db }, { env: { RATE_LIMIT_PER_MINUTE: "0" } });
    const statuses = new Map<number, number>();
    const count = (status: number) => statuses.set(status, (statuses.get(status) ?? 0) + 1);
    let failure = "none";
    try {
      await fc.assert(
        fc.asyncProperty(restRequest, async (request) => {
          const res = await app.inject(request);
          count(res.statusCode);
          expect(restViolation(res)).toBeUndefined();
        }),
        { seed: 1015, numRuns: FUZZ_RUNS },
      );
      await fc.assert(
        fc.asyncProperty(mcpRequest, async (request) => {
          const res = await app.inject(request);
          count(res.statusCode);
          expect(mcpViolation(res)).toBeUndefined();
        }),
        { seed: 1015, numRuns: FUZZ_RUNS },
      );
    } catch (error) {
      failure = String(error).split("\n", 1)[0] ?? "failed";
      throw error;
    } finally {
      await app.close();
      await db.close();
      const tally = [...statuses]
        .sort(([a], [b]) => a - b)
        .map(([s, n]) => `${s}: ${n}`)
        .join(", ");
      await record("3-loss-fuzz", [
        {
          name: "fuzz over every REST route and MCP tool",
          value: `${2 * FUZZ_RUNS} cases; property failure: ${failure}; statuses ${tally}`,
          how: "loss-fuzz.run.ts, fast-check seed 1015, properties of test/app/fuzz/requests.ts (no 5xx, every 4xx names the field)",
        },
      ]);
    }
  });
});
