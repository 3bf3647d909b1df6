import { describe, expect, it } from "vitest";
import type { Run } from "../harness.js";
import { recordFigure, SCENARIOS } from "./figures.js";
import type { Snapshot, Verdict } from "./inventory.js";
import { faultSeed, killPoints, spreadOrder } from "./points.js";
import {
  badConfig,
  cleanUp,
  compare,
  concurrentUps,
  handChange,
  killAndRecover,
  namesObjectAndField,
  openStack,
  restartDuringUp,
  type StackName,
} from "./scenarios.js";

/**
 * `npm run test:faults`: issue 26's five faults over staging and prod under the real engines, each run
 * compared with a clean first `pulumi up` of the same stack. Scenario 1 kills the CLI at FAULTS_POINTS
 * points (default 20) spread over the update, each on a fresh cluster; scenario 2 restarts the store
 * and API server FAULTS_RESTARTS times (default 2). FAULTS_STACKS=staging,prod picks the stacks, and
 * FAULTS_BUDGET_MINUTES (default 300, shared equally by the stacks) bounds the whole run: no new run
 * starts after a stack's share, and the figures say how many ran. Every run is recorded as it ends, then asserted.
 */
const seed = faultSeed();
const positive = (name: string, fallback: number): number => {
  const raw = process.env[name];
  if (raw === undefined || raw === "") return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1) throw new Error(`${name} takes a whole number above 0, not '${raw}'`);
  return n;
};
const POINTS = positive("FAULTS_POINTS", 20);
const RESTARTS = positive("FAULTS_RESTARTS", 2);
const BUDGET_MS = positive("FAULTS_BUDGET_MINUTES", 300) * 60_000;
const stacks = (process.env.FAULTS_STACKS || "staging,prod").split(",").map((s) => {
  if (s !== "staging" && s !== "prod") throw new Error(`FAULTS_STACKS takes staging and/or prod, not '${s}'`);
  return s as StackName;
});
// The budget bounds the suite, shared equally by the stacks; it is not a measurement: no figure
// depends on it.
const budgetFrom = (started: number) => () => Date.now() - started < BUDGET_MS / stacks.length;

const counts = (v: Verdict) => ({
  converged: v.converged,
  orphans: v.orphans.length,
  duplicates: v.duplicates.length,
});

const log = (line: string) => console.error(`faults: ${line}`);
const lastError = (run: Run) =>
  `${run.stdout}\n${run.stderr}`
    .split("\n")
    .filter((l) => /error:/.test(l))
    .at(-1)
    ?.trim()
    .slice(0, 200) ?? "no error line";
const failures: string[] = [];
/** A run that threw is a figure too: not converged, with what it threw. */
function failed(stack: StackName, scenario: 1 | 2, what: string, error: unknown): void {
  const message = error instanceof Error ? error.message : String(error);
  failures.push(`${stack} ${what}: ${message}`);
  recordFigure({
    stack,
    scenario,
    converged: false,
    orphans: 0,
    duplicates: 0,
    dataTouched: 0,
    note: `${what} threw: ${message.split("\n")[0]!.slice(0, 200)}`,
    seed,
  });
}

describe(`deploys survive faults (FAULTS_SEED=${seed})`, () => {
  for (const stack of stacks) {
    it(`${stack}: ${SCENARIOS[3]}; ${SCENARIOS[5]}; ${SCENARIOS[4]}; then ${SCENARIOS[1]} and ${SCENARIOS[2]}`, async () => {
      const withinBudget = budgetFrom(Date.now());
      const o = await openStack(stack);
      let creates: number;
      let clean: Snapshot;
      try {
        const c = await cleanUp(o);
        clean = c.snapshot;
        creates = c.creates;

        const hand = await handChange(o);
        const handVerdict = compare(clean, hand.final);
        const plainRefused =
          hand.plainPreview.code !== 0 &&
          /Server-Side Apply field conflict/.test(hand.plainPreview.stdout + hand.plainPreview.stderr);
        const handOk =
          hand.up.code === 0 &&
          Object.values(hand.restored).every(Boolean) &&
          Object.values(hand.planned).every((ops) => ops.length > 0);
        recordFigure({
          stack,
          scenario: 3,
          ...counts(handVerdict),
          converged: handVerdict.converged && handOk,
          dataTouched: 0,
          note: `plain preview --refresh stopped at the field conflict: ${plainRefused}; with patch force it planned ${JSON.stringify(hand.planned)}; up --refresh restored ${JSON.stringify(hand.restored)}`,
          seed,
        });
        if (!handOk || !handVerdict.converged)
          failures.push(`${stack} hand change: ${JSON.stringify({ hand: hand.restored, handVerdict })}`);

        const bad = await badConfig(o);
        const badVerdict = compare(clean, bad.final);
        const said = `${bad.run.stdout}\n${bad.run.stderr}`;
        const named = namesObjectAndField(said);
        recordFigure({
          stack,
          scenario: 5,
          ...counts(badVerdict),
          converged: badVerdict.converged && bad.run.code !== 0 && !bad.touched && bad.repaired.code === 0,
          dataTouched: bad.changed.length,
          note: `up exited ${bad.run.code}; the error names NetworkPolicies and dns.addresses[0]: ${named}; a resource step printed: ${bad.touched}; healthy objects changed: ${bad.changed.length}`,
          seed,
        });
        if (!named || bad.touched || bad.changed.length || !badVerdict.converged)
          failures.push(
            `${stack} bad config: ${JSON.stringify({ named, changed: bad.changed, badVerdict })}`,
          );

        const two = await concurrentUps(o);
        const twoVerdict = compare(clean, two.final);
        const refused = two.second.code !== 0 && /currently locked/.test(two.second.stderr);
        recordFigure({
          stack,
          scenario: 4,
          ...counts(twoVerdict),
          converged: twoVerdict.converged && refused && !two.secondTouched && two.first.code === 0,
          dataTouched: 0,
          note: `first exited ${two.first.code}; second refused by the lock: ${refused}; second printed a resource step: ${two.secondTouched}`,
          seed,
        });
        if (!refused || two.secondTouched || !twoVerdict.converged)
          failures.push(`${stack} two ups: ${JSON.stringify({ refused, twoVerdict })}`);
      } finally {
        await o.close();
      }

      const points = killPoints(creates, POINTS, seed + 1).map((point, i) => ({ ...point, i }));
      for (const { i, ...point } of spreadOrder(points)) {
        if (!withinBudget()) break;
        log(`${stack}: kill point ${i + 1} of ${POINTS}, after ${point.afterCreated} of ${creates} creates`);
        const k = await openStack(stack);
        try {
          const out = await killAndRecover(k, point.afterCreated, point.jitterMs);
          const v = compare(clean, out.final);
          const ok = v.converged && out.recover.code === 0 && out.up.code === 0;
          recordFigure({
            stack,
            scenario: 1,
            ...counts(v),
            converged: ok,
            dataTouched: out.dataTouched.length,
            note: `point ${i + 1}: after ${point.afterCreated} of ${creates} creates +${point.jitterMs} ms${out.finishedFirst ? " (the up had ended)" : ""}; pending at the kill ${out.pendingAtKill}; recover exited ${out.recover.code}`,
            seed,
          });
          if (!ok || out.dataTouched.length)
            failures.push(
              `${stack} kill ${i + 1}: ${JSON.stringify({ v, recover: out.recover.stderr.slice(-2000), up: out.up.stderr.slice(-2000) })}`,
            );
        } catch (error) {
          failed(stack, 1, `kill point ${i + 1}`, error);
        } finally {
          await k.close();
        }
      }
      for (let i = 0; i < RESTARTS && withinBudget(); i++) {
        log(`${stack}: restart ${i + 1} of ${RESTARTS}`);
        const r = await openStack(stack);
        try {
          const at = Math.max(1, Math.floor(((i + 1) * creates) / (RESTARTS + 1)));
          const out = await restartDuringUp(r, at, 3000);
          const v = compare(clean, out.final);
          recordFigure({
            stack,
            scenario: 2,
            ...counts(v),
            converged: v.converged && out.up.code === 0,
            dataTouched: out.dataTouched.length,
            note: `restarted after ${at} creates; the interrupted up exited ${out.during.code}${out.during.code ? ` (${lastError(out.during)})` : ""}; pending operations after it: ${out.pendingAfter}`,
            seed,
          });
          if (!v.converged || out.up.code !== 0 || out.dataTouched.length)
            failures.push(`${stack} restart ${i + 1}: ${JSON.stringify(v)}`);
        } catch (error) {
          failed(stack, 2, `restart ${i + 1}`, error);
        } finally {
          await r.close();
        }
      }

      expect(failures.filter((f) => f.startsWith(stack))).toEqual([]);
    });
  }
});
