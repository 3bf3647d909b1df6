import { spawn } from "node:child_process";
import { readdirSync, rmSync, statSync } from "node:fs";
import { hostname } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { z } from "zod";

/**
 * `npm run deploy:recover -- <stack>`: after a `pulumi up` that died (killed runner, closed laptop,
 * lost network), bring the stack's state back to what the cluster holds, so the next `pulumi up`
 * converges. docs/deploy.md, "When a deploy is interrupted", says what each step is for; the engine
 * behaviour each relies on is cited where the step is.
 */

/** One failure of the recovery; the message says what was found and what to do. */
export class RecoverError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "RecoverError";
  }
}

export interface CliRun {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}
export type Cli = (args: readonly string[]) => Promise<CliRun>;

/** The CLI from PATH, in the current folder (the project), as a user's shell would run it. */
export const pulumiFromPath: Cli = (args) =>
  new Promise((resolve, reject) => {
    const child = spawn("pulumi", [...args, "--non-interactive"], { stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (c: Buffer) => {
      stdout += c.toString("utf8");
    });
    child.stderr.on("data", (c: Buffer) => {
      stderr += c.toString("utf8");
    });
    child.on("error", (error) =>
      reject(new RecoverError(`could not run pulumi (${error.message}): is the Pulumi CLI on PATH?`)),
    );
    child.on("close", (code) => resolve({ code: code ?? -1, stdout, stderr }));
  });

/**
 * The part of `pulumi stack export` read here. The CLI owns the format (apitype.DeploymentV3), so keys
 * this script does not read are let through rather than refused.
 */
const exported = z.object({
  deployment: z.object({
    resources: z.array(z.object({ urn: z.string(), type: z.string() })).optional(),
    pending_operations: z
      .array(z.object({ type: z.string(), resource: z.object({ urn: z.string(), type: z.string() }) }))
      .optional(),
  }),
});
export type PendingOperation = NonNullable<
  z.infer<typeof exported>["deployment"]["pending_operations"]
>[number];

/** What `pulumi stack export` prints when a blob's attributes sidecar is empty (see repairFileBackend). */
const EMPTY_SIDECAR = /failed to load checkpoint: EOF/;

/**
 * A file backend's blobs (gocloud.dev blob/fileblob) each have a `<key>.attrs` sidecar, and fileblob
 * writes it in place (attrs.go, setAttrs: os.Create, then the JSON), while the blob itself goes
 * through a temporary file and a rename. A `pulumi` killed between the two leaves an empty sidecar
 * beside an intact checkpoint, and every later read fails with "failed to load checkpoint: EOF"
 * (getAttrs decodes nothing). fileblob reads a missing sidecar as default attributes, so removing
 * the empty ones is the repair. Found by `npm run test:faults`: 3 of 40 kill points.
 */
export function repairFileBackend(backendUrl: string): string[] {
  if (!backendUrl.startsWith("file://")) return [];
  const root = join(fileURLToPath(backendUrl), ".pulumi");
  const removed: string[] = [];
  const walk = (dir: string): void => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (entry.name.endsWith(".attrs") && statSync(path).size === 0) {
        rmSync(path);
        removed.push(path);
      }
    }
  };
  walk(root);
  return removed;
}

/** The backend the CLI uses (`pulumi whoami --json`: `url`). */
async function backendUrl(cli: Cli): Promise<string> {
  const run = await cli(["whoami", "--json"]);
  const parsed = z.object({ url: z.string() }).safeParse(run.code === 0 ? JSON.parse(run.stdout) : undefined);
  if (!parsed.success)
    throw new RecoverError(`pulumi whoami --json did not name the backend:\n${run.stderr.trim()}`);
  return parsed.data.url;
}

const EXPORT = (stack: string) => ["stack", "export", "--stack", stack];

export async function pendingOperations(cli: Cli, stack: string): Promise<PendingOperation[]> {
  return pendingIn(await cli(EXPORT(stack)), stack);
}

function pendingIn(run: CliRun, stack: string): PendingOperation[] {
  if (run.code !== 0)
    throw new RecoverError(`pulumi stack export --stack ${stack} failed:\n${run.stderr.trim()}`);
  const parsed = exported.safeParse(JSON.parse(run.stdout));
  if (!parsed.success)
    throw new RecoverError(
      `pulumi stack export --stack ${stack} printed a deployment this script does not understand: ${parsed.error.message}`,
    );
  return parsed.data.deployment.pending_operations ?? [];
}

/** A lock the backend reported, as its message prints it (backend/diy/lock.go, checkForLock). */
export interface StackLock {
  readonly user: string;
  readonly host: string;
  readonly pid: number;
}

const LOCKED = /the stack is currently locked by \d+ lock\(s\)/;

export function parseLocks(stderr: string): StackLock[] | undefined {
  if (!LOCKED.test(stderr)) return undefined;
  return [...stderr.matchAll(/created by (\S+)@(\S+) \(pid (\d+)\)/g)].map((m) => ({
    user: m[1]!,
    host: m[2]!,
    pid: Number(m[3]),
  }));
}

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

export interface RecoverOptions {
  readonly stack: string;
  /** Remove a lock held by another machine: only once its run is known to be over. */
  readonly forceUnlock?: boolean;
  readonly log?: (line: string) => void;
}

export interface RecoverReport {
  readonly pending: readonly PendingOperation[];
  readonly unlocked: readonly StackLock[];
}

const REFRESH = (stack: string) => [
  "refresh",
  "--stack",
  stack,
  "--yes",
  "--skip-preview",
  // pkg/cmd/pulumi/operations/refresh.go: drops every pending CREATE from the state (filterMapPendingCreates).
  // Without it a non-interactive refresh keeps them, and every later update warns about them again
  // (backend/snapshot.go carries pending creates over from the base snapshot).
  "--clear-pending-creates",
];

export async function recoverStack(cli: Cli, options: RecoverOptions): Promise<RecoverReport> {
  const { stack } = options;
  const log = options.log ?? (() => {});
  let probe = await cli(EXPORT(stack));
  if (probe.code !== 0 && EMPTY_SIDECAR.test(probe.stderr)) {
    const url = await backendUrl(cli);
    const removed = repairFileBackend(url);
    if (removed.length === 0)
      throw new RecoverError(
        `pulumi stack export --stack ${stack} failed to read the checkpoint, and ${url} holds no empty attribute file to repair:\n${probe.stderr.trim()}`,
      );
    for (const path of removed) log(`removed an empty attribute file the killed run left: ${path}`);
    probe = await cli(EXPORT(stack));
  }
  const pending = pendingIn(probe, stack);
  for (const op of pending) log(`interrupted while ${op.type}: ${op.resource.urn}`);
  if (pending.length === 0) log("no pending operations in the state");

  let run = await cli(REFRESH(stack));
  const unlocked: StackLock[] = [];
  const locks = run.code === 0 ? undefined : parseLocks(run.stderr);
  if (locks) {
    // The killed run's lock stays behind (a DIY backend deletes it only on a clean exit). A lock whose
    // process still runs here is a deploy in progress: never taken away.
    for (const lock of locks) {
      const here = lock.host === hostname();
      if (here && pidAlive(lock.pid))
        throw new RecoverError(
          `pulumi (pid ${lock.pid}) is still deploying ${stack} on this machine: wait for it to end, or stop it, then run this again`,
        );
      if (!here && !options.forceUnlock)
        throw new RecoverError(
          `${stack} is locked by ${lock.user}@${lock.host} (pid ${lock.pid}): once that run is over (its runner stopped), ` +
            `run this again with --force-unlock`,
        );
    }
    // backend/diy/backend.go CancelCurrentUpdate deletes every lock file of the stack; on Pulumi Cloud
    // it cancels the update that holds the lock.
    const cancel = await cli(["cancel", "--stack", stack, "--yes"]);
    if (cancel.code !== 0)
      throw new RecoverError(`pulumi cancel --stack ${stack} failed:\n${cancel.stderr.trim()}`);
    unlocked.push(...locks);
    log(`removed ${locks.length} stale lock(s) of ${locks.map((l) => `pid ${l.pid}@${l.host}`).join(", ")}`);
    run = await cli(REFRESH(stack));
  }
  if (run.code !== 0)
    throw new RecoverError(
      `pulumi ${REFRESH(stack).join(" ")} failed:\n${run.stderr.trim() || run.stdout.trim().split("\n").slice(-20).join("\n")}`,
    );
  log("refreshed the state from the cluster; pending operations cleared");
  const left = await pendingOperations(cli, stack);
  if (left.length)
    throw new RecoverError(
      `pending operations remain after the refresh: ${left.map((o) => `${o.type} ${o.resource.urn}`).join(", ")}`,
    );
  return { pending, unlocked };
}

/**
 * The provider's switch that lets an apply take over fields another field manager owns
 * (provider/pkg/await/await.go, patchForce): the next up after a killed create, and `up --refresh`
 * after a hand change (docs/deploy.md, sections 5 and 7).
 */
export const PATCH_FORCE = { PULUMI_K8S_ENABLE_PATCH_FORCE: "true" } as const;

/**
 * The `pulumi up` to run after the recovery. The refresh drops pending creates from the state, but the
 * killed run may have created those objects already, applied under its own server-side apply field
 * manager (the provider names one per create: provider/pkg/provider/provider.go, fieldManagerName,
 * "pulumi-kubernetes-<random>"). The next up creates them again under a new name, and the API server
 * refuses the apply as a field conflict with the old one. Patch force lets the new manager take the
 * fields over (provider/pkg/await/await.go, patchForce, PULUMI_K8S_ENABLE_PATCH_FORCE), once.
 */
export function nextUp(
  report: RecoverReport,
  stack: string,
): { env: Record<string, string>; command: string } {
  const interruptedCreates = report.pending.some(
    (op) => op.type === "creating" && op.resource.type.startsWith("kubernetes:"),
  );
  const env: Record<string, string> = interruptedCreates ? { ...PATCH_FORCE } : {};
  const prefix = Object.entries(env)
    .map(([k, v]) => `${k}=${v} `)
    .join("");
  return { env, command: `${prefix}pulumi up --stack ${stack}` };
}
