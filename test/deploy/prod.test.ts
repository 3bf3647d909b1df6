import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  assertSecretsStayed,
  assertStateMatchesCluster,
  assertWorkloadsReady,
  changed,
  configureProdAsDocumented,
  previewSteps,
  urnName,
  urnType,
} from "./deploy-flow.js";
import { type Deployment, explain, exportState, startDeployment, uniqueSecret } from "./harness.js";
import { applyOperatorCrds, startControllerStandIns } from "./stand-ins.js";

/**
 * docs/deploy.md for prod with the real engines, with `operators: existing` (the Helm charts of
 * `operators: install` come from chart repositories this machine cannot reach) and the operators' CRDs
 * applied first. Where a controller that cannot run here would write status, test/deploy/stand-ins.ts
 * writes it, and says so.
 */
const NAMESPACE = "production";
let d: Deployment;
let stopStandIns: (() => Promise<void>) | undefined;

beforeAll(async () => {
  d = await startDeployment("prod");
  applyOperatorCrds(d);
  stopStandIns = startControllerStandIns(d, NAMESPACE);
}, 60 * 60_000);

afterAll(async () => {
  await stopStandIns?.();
  await d?.dispose();
});

describe("prod under the real engines", { timeout: 20 * 60_000 }, () => {
  it("configured as docs/deploy.md says, up deploys every object and the workloads roll out", async () => {
    await configureProdAsDocumented(d);
    await d.set("backupAccessKeyId", uniqueSecret("AKIA"), { secret: true });
    await d.set("backupSecretAccessKey", uniqueSecret("backup"), { secret: true });
    const run = await d.pulumi(["up", "--yes"]);
    expect(run.code, explain(run)).toBe(0);
    await assertStateMatchesCluster(d);
    assertWorkloadsReady(d, NAMESPACE);
  });

  it("a second preview finds nothing to change", async () => {
    const run = await d.pulumi(["preview", "--expect-no-changes", "--diff"]);
    expect(run.code, explain(run)).toBe(0);
  });

  it("the data is protected in the state", async () => {
    const { resources } = await exportState(d);
    const protectedTypes = new Set(resources.filter((r) => r.protect).map((r) => r.type));
    expect(protectedTypes.has("kubernetes:postgresql.cnpg.io/v1:Cluster")).toBe(true);
  });

  it("an autoscaling change is an in-place update", async () => {
    await d.set("kubernetes.hpa.maxReplicas", "30", { path: true });
    const steps = changed(await previewSteps(d));
    const bad = steps.filter((s) => s.op !== "update");
    expect(bad.map((s) => `${s.op} ${urnType(s.urn)} ${urnName(s.urn)}`)).toEqual([]);
  });

  it("no value set with --secret is in plain text in the state, the CLI's output or a non-Secret object", async () => {
    await assertSecretsStayed(d);
  });

  it("destroy stops on the protected data and leaves it in place", async () => {
    const run = await d.pulumi(["destroy", "--yes", "--skip-preview"]);
    expect(run.code).not.toBe(0);
    expect(`${run.stdout}${run.stderr}`).toMatch(/protected/);
    expect(d.kubectl(["get", "clusters.postgresql.cnpg.io", "-n", NAMESPACE, "-o", "name"]).trim()).not.toBe(
      "",
    );
  });
});
