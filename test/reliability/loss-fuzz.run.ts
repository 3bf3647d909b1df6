/**
 * The long versions of the CI's kill -9 and fuzz tests (issue 15, point 1): more rounds and more
 * cases over the same code (`test/app/lifecycle/kill-nine.ts`, `test/app/fuzz/requests.ts`).
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import fc from "fast-check";
import type { InjectOptions, LightMyRequestResponse } from "fastify";
import { describe, expect, it } from "vitest";
import { PgliteDatabase } from "../../app/src/db/pglite-database.js";
import { mcpRequest, mcpViolation, probeOf, restRequest, restViolation } from "../app/fuzz/requests.js";
import { openTestPglite, startApp, TEST_DIMENSIONS } from "../app/helpers.js";
import { startChildApp } from "../app/lifecycle/child-app.js";
import { checkAfterRestart, ingestUntilKilled, TORN_SQL } from "../app/lifecycle/kill-nine.js";
import { record } from "./support.js";

const ROUNDS = 4;
const ROUND = { concurrency: 12, acknowledgements: 60 };
const FUZZ_RUNS = 5000;

/** What each probe of the fuzz is, for the figures' "how" column. */
const PROBE_HOW = {
  deep: "objects or arrays nested 10-20,000 levels (3,000 and 5,000 included) in any field, metadata most",
  wide: "objects of 900-5,000 keys in any field (the limit is 1,000 entries)",
  "not UTF-8":
    "a Latin-1 byte, stray continuation, overlong, surrogate, cut-off or 0xF8+ sequence spliced into the body",
  "other charset":
    "Content-Type: application/json; charset= iso-8859-1, latin1, utf-16, windows-1252 or empty",
};

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
    /** Per limit probe and way in: how many were sent and what they were answered. */
    const probes = new Map<string, Map<string, number>>();
    const countProbe = (way: string, request: InjectOptions, res: LightMyRequestResponse) => {
      const probe = probeOf(request);
      if (!probe) return;
      const key = `${probe}, ${way}`;
      // An MCP tool refusing its arguments answers 200 with a tool error: say which.
      const toolError = way === "MCP" && res.statusCode === 200 && res.json().result?.isError === true;
      const outcome = toolError ? "200 tool error" : String(res.statusCode);
      const tally = probes.get(key) ?? new Map<string, number>();
      probes.set(key, tally.set(outcome, (tally.get(outcome) ?? 0) + 1));
    };
    let failure = "none";
    try {
      await fc.assert(
        fc.asyncProperty(restRequest, async (request) => {
          const res = await app.inject(request);
          count(res.statusCode);
          countProbe("REST", request, res);
          expect(restViolation(res)).toBeUndefined();
        }),
        { seed: 1015, numRuns: FUZZ_RUNS },
      );
      await fc.assert(
        fc.asyncProperty(mcpRequest, async (request) => {
          const res = await app.inject(request);
          count(res.statusCode);
          countProbe("MCP", request, res);
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
      const listed = (tally: Map<number | string, number>) =>
        [...tally]
          .sort(([a], [b]) => String(a).localeCompare(String(b)))
          .map(([s, n]) => `${s}: ${n}`)
          .join(", ");
      const tally = listed(statuses);
      await record("3-loss-fuzz", [
        {
          name: "fuzz over every REST route and MCP tool",
          value: `${2 * FUZZ_RUNS} cases; property failure: ${failure}; statuses ${tally}`,
          how: "loss-fuzz.run.ts, fast-check seed 1015, properties of test/app/fuzz/requests.ts (no 5xx, every 4xx names the field)",
        },
      ]);
      const sent = (tally: Map<string, number>) => [...tally.values()].reduce((a, b) => a + b, 0);
      const fivexx = (tally: Map<string, number>) =>
        [...tally].filter(([s]) => s.startsWith("5")).reduce((a, [, n]) => a + n, 0);
      await record(
        "5-bad-input",
        [...probes]
          .sort(([a], [b]) => a.localeCompare(b))
          .map(([key, t]) => ({
            name: `${key} (among the fuzz cases above)`,
            value: `${sent(t)} sent, ${fivexx(t)} answered 5xx; ${listed(t)}`,
            how: `loss-fuzz.run.ts, probes of test/app/fuzz/requests.ts: ${PROBE_HOW[key.split(",")[0] as keyof typeof PROBE_HOW]}`,
          })),
      );
    }
  });
});
