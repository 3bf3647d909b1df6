import { afterAll, describe, expect, it } from "vitest";
import { explain, exportState } from "../harness.js";
import { faultSeed, killPoints } from "./points.js";
import {
  type CleanRun,
  cleanUp,
  compare,
  killAndRecover,
  type OpenStack,
  openStack,
  STACKS,
} from "./scenarios.js";

/**
 * Issue 26's kill -9, short, on prod, where the data is protected: one kill point of a first `pulumi
 * up`, the project's recovery and `up`, compared with a clean first `up` on a cluster of its own (prod
 * cannot be destroyed and redeployed in place: its data is protected). The other faults run on staging
 * here (staging-faults.test.ts) and on both in `npm run test:faults`.
 */
const seed = faultSeed();
const opened: OpenStack[] = [];
let clean: CleanRun;

afterAll(async () => {
  for (const o of opened) await o.close();
});

describe(`prod's first deploy survives kill -9 (FAULTS_SEED=${seed})`, { timeout: 40 * 60_000 }, () => {
  it("a clean first up: the reference", async () => {
    const o = await openStack("prod");
    opened.push(o);
    clean = await cleanUp(o);
    expect(clean.creates).toBeGreaterThan(20);
    const { resources } = await exportState(o.d);
    expect(resources.some((r) => r.protect && r.type === "kubernetes:postgresql.cnpg.io/v1:Cluster")).toBe(
      true,
    );
    await o.close();
    opened.pop();
  });

  it("kill -9 of pulumi at a random point, npm run deploy:recover, up: the clean run's objects, nothing orphaned, the data untouched", async () => {
    const o = await openStack("prod");
    opened.push(o);
    const [point] = killPoints(clean.creates, 1, seed);
    const r = await killAndRecover(o, point!.afterCreated, point!.jitterMs);
    expect(r.finishedFirst, "the kill landed inside the update").toBe(false);
    expect(r.recover.code, explain(r.recover)).toBe(0);
    // kill -9 always leaves the killed run's lock: the recovery had to find its process gone and remove it.
    expect(r.recover.stderr).toMatch(/removed 1 stale lock/);
    expect(r.up.code, explain(r.up)).toBe(0);
    expect(r.dataTouched).toEqual([]);
    const verdict = compare(clean.snapshot, r.final);
    expect({ ...verdict, at: point }).toEqual({
      converged: true,
      orphans: [],
      missing: [],
      duplicates: [],
      stateDiffers: [],
      pending: 0,
      at: point,
    });
    const cnpg = o.d.kubectl(["get", "clusters.postgresql.cnpg.io", "-n", STACKS.prod, "-o", "name"]).trim();
    expect(cnpg).not.toBe("");
  });
});
