import { existsSync, truncateSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { explain } from "../harness.js";
import type { Snapshot, Verdict } from "./inventory.js";
import { faultSeed, killPoints } from "./points.js";
import {
  badConfig,
  type CleanRun,
  cleanUp,
  compare,
  concurrentUps,
  handChange,
  killAndRecover,
  namesObjectAndField,
  nextUpEnv,
  type OpenStack,
  openStack,
  runRecover,
  UP,
} from "./scenarios.js";

/**
 * Issue 26's faults, short: each of the five once on staging under the real engines (two kill points),
 * every result compared with a clean first `pulumi up` on the same cluster. `npm run test:faults` runs
 * them over staging and prod with twenty kill points each and writes the figures (docs/reliability.md).
 */
const seed = faultSeed();
let o: OpenStack;
let clean: CleanRun;

beforeAll(async () => {
  o = await openStack("staging");
  clean = await cleanUp(o);
}, 60 * 60_000);

afterAll(async () => {
  await o?.close();
});

function expectConverged(verdict: Verdict, context: string): void {
  expect({ ...verdict, context }).toEqual({
    converged: true,
    orphans: [],
    missing: [],
    duplicates: [],
    stateDiffers: [],
    pending: 0,
    context,
  });
}

/** Staging has no protection: destroy leaves the cluster as before the clean run, ready for a first up. */
async function destroyAll(): Promise<void> {
  const run = await o.d.pulumi(["destroy", "--yes", "--skip-preview"]);
  expect(run.code, explain(run)).toBe(0);
  expect(o.d.kubectl(["get", "namespace", o.namespace, "--ignore-not-found", "-o", "name"]).trim()).toBe("");
}

const baseline = (): Snapshot => clean.snapshot;

describe(`staging's deploys survive faults (FAULTS_SEED=${seed})`, { timeout: 40 * 60_000 }, () => {
  it("the clean run is a reference worth comparing with: the state knows its objects, and they are many", () => {
    expect(clean.creates).toBeGreaterThan(20);
    const known = [...baseline().managed].filter((k) => baseline().objects.has(k));
    expect(known.length).toBe(baseline().managed.size);
  });

  it("a hand change (scaled Deployment, edited ConfigMap, deleted Service) is shown by preview --refresh and undone by up --refresh (forcing the fields kubectl took over)", async () => {
    const r = await handChange(o);
    // Without forcing, the field kubectl scale took over stops the preview, naming the Deployment.
    expect(r.plainPreview.code).not.toBe(0);
    expect(`${r.plainPreview.stdout}${r.plainPreview.stderr}`).toContain(`${o.namespace}/${r.deployment}`);
    expect(`${r.plainPreview.stdout}${r.plainPreview.stderr}`).toContain("Server-Side Apply field conflict");
    expect(r.planned.deployment, `steps planned for Deployment ${r.deployment}`).not.toEqual([]);
    expect(r.planned.configMap, `steps planned for ConfigMap ${r.configMap}`).not.toEqual([]);
    expect(r.planned.service, `steps planned for Service ${r.service}`).toContain("create");
    expect(r.up.code, explain(r.up)).toBe(0);
    expect(r.restored).toEqual({ deployment: true, configMap: true, service: true });
    expectConverged(compare(baseline(), r.final), "after up --refresh");
  });

  it("a bad config fails the up naming the object and the field, and changes nothing that was healthy", async () => {
    const r = await badConfig(o);
    expect(r.run.code).not.toBe(0);
    expect(namesObjectAndField(`${r.run.stdout}\n${r.run.stderr}`), explain(r.run)).toBe(true);
    expect(r.touched, explain(r.run)).toBe(false);
    expect(r.changed).toEqual([]);
    expect(r.repaired.code, explain(r.repaired)).toBe(0);
    expectConverged(compare(baseline(), r.final), "after the config was repaired");
  });

  it("a second up while one runs is refused by the backend's lock and touches nothing", async () => {
    const r = await concurrentUps(o);
    expect(r.first.code, explain(r.first)).toBe(0);
    expect(r.second.code).not.toBe(0);
    expect(r.second.stderr).toMatch(/the stack is currently locked by 1 lock\(s\)/);
    expect(r.secondTouched).toBe(false);
    expectConverged(compare(baseline(), r.final), "after both runs");
  });

  // The API server and etcd restart (about ten minutes here, most of it the provider's retries) runs in
  // `npm run test:faults` (faults.run.ts) with the kill points, not in the test command.

  for (const [i, point] of killPoints(40, 1, seed).entries()) {
    it(`kill -9 of pulumi during a first up (point ${i + 1}), npm run deploy:recover, up: the clean run's objects, nothing orphaned`, async () => {
      await destroyAll();
      // The points above were drawn over 40 creations; scale them to this stack's own count.
      const afterCreated = Math.max(
        1,
        Math.min(clean.creates - 1, Math.round((point.afterCreated * clean.creates) / 40)),
      );
      const r = await killAndRecover(o, afterCreated, point.jitterMs);
      expect(r.finishedFirst, "the kill landed inside the update").toBe(false);
      expect(r.recover.code, explain(r.recover)).toBe(0);
      // kill -9 always leaves the killed run's lock: the recovery had to find its process gone and remove it.
      expect(r.recover.stderr).toMatch(/removed 1 stale lock/);
      expect(r.up.code, explain(r.up)).toBe(0);
      expect(r.dataTouched).toEqual([]);
      expectConverged(
        compare(baseline(), r.final),
        `killed after ${afterCreated} creates (+${point.jitterMs} ms)`,
      );
      const again = await o.d.pulumi([...UP, "--expect-no-changes"]);
      expect(again.code, explain(again)).toBe(0);
    });
  }

  it("a checkpoint a kill left unreadable (an empty .attrs sidecar): deploy:recover repairs it, and up finds nothing to change", async () => {
    // What a kill between fileblob's create and write of the sidecar leaves (gocloud.dev
    // blob/fileblob/attrs.go, setAttrs); npm run test:faults hit it at 3 of 40 kill points.
    const backend = fileURLToPath(o.d.env.PULUMI_BACKEND_URL!);
    const sidecar = join(backend, ".pulumi", "stacks", "mcp-stack", "staging.json.attrs");
    expect(existsSync(sidecar), sidecar).toBe(true);
    truncateSync(sidecar, 0);
    const broken = await o.d.pulumi(["stack", "export"]);
    expect(broken.code).not.toBe(0);
    expect(broken.stderr).toContain("failed to load checkpoint: EOF");
    const recover = await runRecover(o.d);
    expect(recover.code, explain(recover)).toBe(0);
    expect(recover.stderr).toContain(`removed an empty attribute file the killed run left: ${sidecar}`);
    const up = await o.d.pulumi([...UP, "--expect-no-changes"], { env: nextUpEnv(recover) });
    expect(up.code, explain(up)).toBe(0);
  });
});
