import { execFileSync, spawnSync } from "node:child_process";
import { readdirSync, writeFileSync } from "node:fs";
import { cpus, loadavg } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import { VERSIONS } from "../../../engines/manifest.js";
import { enginePath, REPO_ROOT } from "../../../scripts/engines/build.js";
import { configureAsDocumented } from "../deploy-flow.js";
import { type Deployment, explain, startDeployment } from "../harness.js";
import { applyOperatorCrds, startControllerStandIns } from "../stand-ins.js";

/**
 * The figures of issue 23 from one run on one machine, as ratios: a no-change `pulumi preview -s prod`
 * against `kubectl apply --server-side --dry-run=server` of rendered/prod on the same API server (the goal:
 * within 3x), `pulumi up` of prod from empty, and `npm run engines` with everything cached. Written to
 * docs/benchmarks/deploy.json; docs/benchmarks.md quotes them.
 */
const RUNS = 5;
let d: Deployment;
let stop: (() => Promise<void>) | undefined;

beforeAll(async () => {
  d = await startDeployment("prod");
  applyOperatorCrds(d);
  stop = startControllerStandIns(d, "production");
});

afterAll(async () => {
  await stop?.();
  await d?.dispose();
});

const seconds = (start: bigint) => Number(process.hrtime.bigint() - start) / 1e9;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

it("times the real deploy path", async () => {
  await configureAsDocumented(d);
  await d.set("operators", "existing");
  await d.set("backups.objectStore.destinationPath", "s3://acme-backups/mcp-production", { path: true });
  await d.set("jaeger.collector.exportEndpoint", "tempo-distributor.tracing.svc:4317", { path: true });

  let t = process.hrtime.bigint();
  const up = await d.pulumi(["up", "--yes", "--skip-preview"]);
  const upSeconds = seconds(t);
  expect(up.code, explain(up)).toBe(0);

  const files = readdirSync(join(REPO_ROOT, "rendered/prod"))
    .filter((f) => f.endsWith(".yaml") && !f.startsWith("helmrelease-"))
    .flatMap((f) => ["-f", join(REPO_ROOT, "rendered/prod", f)]);
  const preview: number[] = [];
  const dryRun: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    // Alternate, so load on a shared machine falls on both alike.
    t = process.hrtime.bigint();
    const run = await d.pulumi(["preview", "--expect-no-changes"]);
    preview.push(seconds(t));
    expect(run.code, explain(run)).toBe(0);
    t = process.hrtime.bigint();
    execFileSync(
      enginePath("kubectl"),
      [
        "--kubeconfig",
        d.cluster.kubeconfig,
        "apply",
        "--server-side",
        "--dry-run=server",
        "--force-conflicts",
        "--field-manager=bench",
        ...files,
      ],
      { stdio: "ignore" },
    );
    dryRun.push(seconds(t));
  }

  const warm: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    t = process.hrtime.bigint();
    const r = spawnSync(
      process.execPath,
      ["--import", "./scripts/loader/register.ts", "scripts/engines/main.ts", "status"],
      {
        cwd: REPO_ROOT,
        stdio: "ignore",
      },
    );
    warm.push(seconds(t));
    expect(r.status).toBe(0);
  }

  const figures = {
    measuredOn: new Date().toISOString().slice(0, 10),
    machine: { cpus: cpus().length, loadAverageAtEnd: Number(loadavg()[0]!.toFixed(1)) },
    versions: VERSIONS,
    runs: RUNS,
    prodUpFromEmptySeconds: Number(upSeconds.toFixed(1)),
    noChangePreviewSeconds: {
      median: Number(median(preview).toFixed(2)),
      all: preview.map((x) => Number(x.toFixed(2))),
    },
    serverDryRunSeconds: {
      median: Number(median(dryRun).toFixed(2)),
      all: dryRun.map((x) => Number(x.toFixed(2))),
    },
    previewOverDryRun: Number((median(preview) / median(dryRun)).toFixed(2)),
    warmEnginesStatusSeconds: Number(median(warm).toFixed(2)),
  };
  writeFileSync(join(REPO_ROOT, "docs/benchmarks/deploy.json"), `${JSON.stringify(figures, null, 2)}\n`);
  console.log(figures);
});
