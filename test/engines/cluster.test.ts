import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { VERSIONS } from "../../engines/manifest.js";
import {
  ClusterError,
  COMPONENTS,
  clustersRoot,
  down,
  isAlive,
  kubectl,
  pruneOrphans,
  readState,
  selfRecord,
  up,
  ZONES,
} from "../../scripts/cluster/cluster.js";
import { enginePath } from "../../scripts/engines/build.js";

/**
 * The local control plane of `npm run cluster`, started from the real engines. Its folder is in a
 * clusters root of its own: every `up` prunes the orphans of the shared root, so in the shared root a
 * parallel test file's `up` could prune the cluster this file orphans on purpose before its own
 * pruneOrphans call does (seen in CI while other runs started clusters).
 */
const ownRoot = mkdtempSync(join(tmpdir(), "mcp-stack-cluster-test-"));
const ownEnv = { ...process.env, MCP_STACK_ENGINES_CACHE: join(ownRoot, "engines") };
const dir = join(clustersRoot(ownEnv), `test-cluster-${process.pid}`);

afterAll(async () => {
  await down(dir);
  rmSync(ownRoot, { recursive: true, force: true });
});

describe("npm run cluster", { timeout: 30 * 60_000 }, () => {
  it("up starts etcd, the API server, the controllers, the scheduler and KWOK, with Ready Nodes over three zones", async () => {
    const state = await up({ dir, owner: selfRecord(), nodes: 3 });
    for (const c of COMPONENTS) expect(isAlive(state.processes[c]), c).toBe(true);
    const version = JSON.parse(kubectl(state, ["version", "-o", "json"])) as {
      serverVersion: { gitVersion: string };
    };
    // Built with the version ldflags: the provider reads this to judge the cluster.
    expect(version.serverVersion.gitVersion).toBe(`v${VERSIONS.kubernetes}`);
    const zones = kubectl(state, [
      "get",
      "nodes",
      "-o",
      "jsonpath={.items[*].metadata.labels.topology\\.kubernetes\\.io/zone}",
    ]);
    expect(new Set(zones.split(" "))).toEqual(new Set(ZONES));
    expect(existsSync(state.kubeconfig)).toBe(true);
  });

  it("a Deployment becomes Available and a claim binds: the real controllers, the scheduler and KWOK at work", async () => {
    const state = readState(dir)!;
    kubectl(state, [
      "create",
      "deployment",
      "probe",
      `--image=registry.local/probe@sha256:${"0".repeat(64)}`,
      "--replicas=2",
    ]);
    kubectl(state, ["rollout", "status", "deployment/probe", "--timeout=120s"]);
    const claim = {
      apiVersion: "v1",
      kind: "PersistentVolumeClaim",
      metadata: { name: "probe" },
      spec: { accessModes: ["ReadWriteOnce"], resources: { requests: { storage: "1Gi" } } },
    };
    kubectl(state, ["apply", "-f", "-"], JSON.stringify(claim));
    kubectl(state, ["wait", "--for=jsonpath={.status.phase}=Bound", "pvc/probe", "--timeout=120s"]);
    kubectl(state, ["delete", "deployment/probe", "pvc/probe", "--wait=true"]);
  });

  it("RBAC is on: the scheduler's identity may not read Secrets", async () => {
    const state = readState(dir)!;
    const r = await new Promise<string>((resolve) => {
      const child = spawn(enginePath("kubectl"), [
        "--kubeconfig",
        join(dir, "scheduler.kubeconfig"),
        "auth",
        "can-i",
        "list",
        "secrets",
        "-A",
      ]);
      let out = "";
      child.stdout.on("data", (c: Buffer) => (out += c.toString()));
      child.on("close", () => resolve(out.trim()));
    });
    expect(r).toBe("no");
    expect(state.server.startsWith("https://127.0.0.1:")).toBe(true);
  });

  it("up twice does not start a second set", async () => {
    const before = readState(dir)!;
    const again = await up({ dir, owner: selfRecord() });
    expect(again.processes).toEqual(before.processes);
  });

  it("a taken port stops up with the port and the way out", async () => {
    const server = createServer();
    const port = await new Promise<number>((r) =>
      server.listen(0, "127.0.0.1", () => r((server.address() as { port: number }).port)),
    );
    const other = join(clustersRoot(), `test-port-${process.pid}`);
    await expect(up({ dir: other, apiserverPort: port })).rejects.toThrow(
      new RegExp(`port ${port} on 127.0.0.1 is taken.*leave --port out`),
    );
    await expect(up({ dir: other, apiserverPort: port })).rejects.toBeInstanceOf(ClusterError);
    server.close();
    expect(existsSync(join(other, "state.json"))).toBe(false);
  });

  it("the cluster of a run that died is stopped by the next run; down stops every process and removes the state", async () => {
    const state = readState(dir)!;
    // Hand the cluster to a process that then dies, as a crashed test run would.
    const child = spawn("sleep", ["0.2"]);
    const owner = { pid: child.pid!, startTicks: "" };
    await new Promise((r) => child.on("close", r));
    const { writeFileSync } = await import("node:fs");
    writeFileSync(join(dir, "state.json"), JSON.stringify({ ...state, owner }));
    const pruned = await pruneOrphans(ownEnv);
    expect(pruned.map((p) => p.dir)).toContain(dir);
    // Every process stops on SIGTERM when the order is kept; signalled together the API server
    // outlived etcd and the grace period, and only SIGKILL stopped it.
    const report = pruned.find((p) => p.dir === dir)!;
    expect(report.stopped).toEqual([...COMPONENTS].reverse());
    expect(report.killed).toEqual([]);
    for (const c of COMPONENTS) expect(isAlive(state.processes[c]), `${c} still running`).toBe(false);
    expect(existsSync(dir)).toBe(false);
  });
});
