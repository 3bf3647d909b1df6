import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { hostname, tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { describe, expect, it } from "vitest";
import {
  type Cli,
  type CliRun,
  nextUp,
  parseLocks,
  RecoverError,
  recoverStack,
  repairFileBackend,
} from "../../../scripts/recover/recover.js";

/**
 * The recovery's decisions about a stack lock, with the CLI's lock message as backend/diy/lock.go
 * (checkForLock) prints it. The whole recovery against the real CLI after a real kill -9 is
 * test/deploy/faults/staging-faults.test.ts.
 */
const lockMessage = (host: string, pid: number) =>
  "error: the stack is currently locked by 1 lock(s). Either wait for the other process(es) to end or delete the lock file with `pulumi cancel`.\n" +
  `  file:///state/.pulumi/locks/organization/mcp-stack/staging/3206430d.json: created by root@${host} (pid ${pid}) at 2026-12-04T15:01:06Z\n`;

const noPending = JSON.stringify({ deployment: { resources: [] } });
const pending = JSON.stringify({
  deployment: {
    resources: [],
    pending_operations: [
      {
        type: "creating",
        resource: {
          urn: "urn:pulumi:staging::mcp-stack::kubernetes:core/v1:Service::redis",
          type: "kubernetes:core/v1:Service",
        },
      },
    ],
  },
});

/** A CLI that answers from a script and records what it was asked. */
function scripted(answers: ((args: readonly string[]) => CliRun | undefined)[]): {
  cli: Cli;
  calls: string[];
} {
  const calls: string[] = [];
  const cli: Cli = async (args) => {
    calls.push(args.join(" "));
    for (const answer of answers) {
      const run = answer(args);
      if (run) return run;
    }
    throw new Error(`unexpected pulumi ${args.join(" ")}`);
  };
  return { cli, calls };
}

const ok = (stdout = ""): CliRun => ({ code: 0, stdout, stderr: "" });

describe("npm run deploy:recover", () => {
  it("reads the lock lines the DIY backend prints", () => {
    expect(parseLocks(lockMessage("ci-runner-7", 4242))).toEqual([
      { user: "root", host: "ci-runner-7", pid: 4242 },
    ]);
    expect(parseLocks("error: something else")).toBeUndefined();
  });

  it("a lock of a process that is gone: pulumi cancel, then the refresh that clears pending creates", async () => {
    let locked = true;
    let exports = 0;
    const { cli, calls } = scripted([
      (a) => (a[0] === "stack" ? ok(exports++ === 0 ? pending : noPending) : undefined),
      (a) => {
        if (a[0] !== "refresh") return undefined;
        return locked ? { code: 255, stdout: "", stderr: lockMessage(hostname(), 2 ** 22 + 1) } : ok();
      },
      (a) => {
        if (a[0] !== "cancel") return undefined;
        locked = false;
        return ok();
      },
    ]);
    const report = await recoverStack(cli, { stack: "staging" });
    expect(report.pending.map((p) => p.type)).toEqual(["creating"]);
    expect(report.unlocked).toHaveLength(1);
    expect(calls).toEqual([
      "stack export --stack staging",
      "refresh --stack staging --yes --skip-preview --clear-pending-creates",
      "cancel --stack staging --yes",
      "refresh --stack staging --yes --skip-preview --clear-pending-creates",
      "stack export --stack staging",
    ]);
  });

  it("a lock whose pulumi still runs here is a deploy in progress: refused, never cancelled", async () => {
    const { cli, calls } = scripted([
      (a) => (a[0] === "stack" ? ok(noPending) : undefined),
      (a) =>
        a[0] === "refresh"
          ? { code: 255, stdout: "", stderr: lockMessage(hostname(), process.pid) }
          : undefined,
    ]);
    await expect(recoverStack(cli, { stack: "staging" })).rejects.toThrow(
      new RecoverError(
        `pulumi (pid ${process.pid}) is still deploying staging on this machine: wait for it to end, or stop it, then run this again`,
      ),
    );
    expect(calls.some((c) => c.startsWith("cancel"))).toBe(false);
  });

  it("a lock taken on another machine is removed only with --force-unlock", async () => {
    const answers = () =>
      scripted([
        (a) => (a[0] === "stack" ? ok(noPending) : undefined),
        (a) => (a[0] === "cancel" ? ok() : undefined),
        (a) =>
          a[0] === "refresh" ? { code: 255, stdout: "", stderr: lockMessage("elsewhere", 17) } : undefined,
      ]);
    await expect(recoverStack(answers().cli, { stack: "staging" })).rejects.toThrow(/--force-unlock/);
    const forced = answers();
    // The scripted refresh stays locked: the recovery reports the refresh's failure after cancelling once.
    await expect(recoverStack(forced.cli, { stack: "staging", forceUnlock: true })).rejects.toThrow(
      /refresh/,
    );
    expect(forced.calls.filter((c) => c.startsWith("cancel"))).toHaveLength(1);
  });
});

describe("nextUp", () => {
  const op = (type: string, resourceType: string) => ({
    type,
    resource: { urn: "urn:x", type: resourceType },
  });

  it("forces the next up's applies once when the killed run was creating Kubernetes objects", () => {
    const next = nextUp(
      { pending: [op("creating", "kubernetes:apps/v1:StatefulSet")], unlocked: [] },
      "staging",
    );
    expect(next).toEqual({
      env: { PULUMI_K8S_ENABLE_PATCH_FORCE: "true" },
      command: "PULUMI_K8S_ENABLE_PATCH_FORCE=true pulumi up --stack staging",
    });
  });

  it("is a plain up otherwise: no pending create, or one of another provider", () => {
    for (const pending of [
      [],
      [op("updating", "kubernetes:core/v1:Service")],
      [op("creating", "random:index:RandomPassword")],
    ])
      expect(nextUp({ pending, unlocked: [] }, "prod")).toEqual({
        env: {},
        command: "pulumi up --stack prod",
      });
  });
});

describe("a checkpoint whose attribute file the kill left empty", () => {
  it("removes the empty .attrs files of a file backend, then recovers as usual", async () => {
    const backend = mkdtempSync(join(tmpdir(), "recover-backend-"));
    const stacks = join(backend, ".pulumi", "stacks", "mcp-stack");
    mkdirSync(stacks, { recursive: true });
    const checkpoint = join(stacks, "staging.json");
    writeFileSync(checkpoint, noPending);
    writeFileSync(`${checkpoint}.attrs`, ""); // what a kill between os.Create and the write leaves
    writeFileSync(join(backend, ".pulumi", "meta.yaml.attrs"), '{"user.content_type":"text/plain"}\n');
    const sidecarEmpty = () => existsSync(`${checkpoint}.attrs`);
    try {
      const { cli, calls } = scripted([
        (a) =>
          a[0] === "stack"
            ? sidecarEmpty()
              ? { code: 255, stdout: "", stderr: "error: failed to load checkpoint: EOF\n" }
              : ok(noPending)
            : undefined,
        (a) =>
          a[0] === "whoami"
            ? ok(JSON.stringify({ user: "root", url: pathToFileURL(backend).href }))
            : undefined,
        (a) => (a[0] === "refresh" ? ok() : undefined),
      ]);
      const lines: string[] = [];
      const report = await recoverStack(cli, { stack: "staging", log: (l) => lines.push(l) });
      expect(report.pending).toEqual([]);
      expect(sidecarEmpty()).toBe(false);
      // Only the empty sidecar goes; the checkpoint and the other attributes stay.
      expect(readFileSync(checkpoint, "utf8")).toBe(noPending);
      expect(existsSync(join(backend, ".pulumi", "meta.yaml.attrs"))).toBe(true);
      expect(lines.join("\n")).toContain(
        `removed an empty attribute file the killed run left: ${checkpoint}.attrs`,
      );
      expect(calls[0]).toBe("stack export --stack staging");
      expect(calls[1]).toBe("whoami --json");
    } finally {
      rmSync(backend, { recursive: true, force: true });
    }
  });

  it("stops with the CLI's error when there is nothing to repair", async () => {
    const backend = mkdtempSync(join(tmpdir(), "recover-backend-"));
    mkdirSync(join(backend, ".pulumi"));
    try {
      const { cli } = scripted([
        (a) =>
          a[0] === "stack"
            ? { code: 255, stdout: "", stderr: "error: failed to load checkpoint: EOF\n" }
            : undefined,
        (a) => (a[0] === "whoami" ? ok(JSON.stringify({ url: pathToFileURL(backend).href })) : undefined),
      ]);
      await expect(recoverStack(cli, { stack: "staging" })).rejects.toThrow(
        /holds no empty attribute file to repair/,
      );
      expect(repairFileBackend("s3://bucket")).toEqual([]);
    } finally {
      rmSync(backend, { recursive: true, force: true });
    }
  });
});
