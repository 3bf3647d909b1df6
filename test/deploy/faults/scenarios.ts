import { spawn } from "node:child_process";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { restart } from "../../../scripts/cluster/cluster.js";
import { REPO_ROOT } from "../../../scripts/engines/build.js";
import { PATCH_FORCE } from "../../../scripts/recover/recover.js";
import {
  configureAsDocumented,
  configureProdAsDocumented,
  imageRef,
  type PlannedStep,
} from "../deploy-flow.js";
import { type Deployment, exportState, type Run, type StateResource, startDeployment } from "../harness.js";
import { applyOperatorCrds, startControllerStandIns } from "../stand-ins.js";
import {
  changedSince,
  compare,
  dataTouched,
  type Inventory,
  inventory,
  type Snapshot,
  snapshot,
  type Verdict,
} from "./inventory.js";

/**
 * The five faults of issue 26 as steps on a deployment under the real engines. Each returns what it
 * saw; the short tests and the long run (faults.run.ts) assert on it and count it. Nothing here
 * measures time: the kill points are counted in resources the CLI reported created.
 */

export const STACKS = { staging: "staging", prod: "production" } as const;
export type StackName = keyof typeof STACKS;

export const UP = ["up", "--yes", "--skip-preview"] as const;

export interface OpenStack {
  readonly stack: StackName;
  readonly namespace: string;
  readonly d: Deployment;
  close(): Promise<void>;
}

/** A fresh cluster and backend, configured as docs/deploy.md says; nothing deployed yet. */
export async function openStack(stack: StackName): Promise<OpenStack> {
  const d = await startDeployment(stack);
  let stop: (() => Promise<void>) | undefined;
  const close = async () => {
    await stop?.();
    await d.dispose();
  };
  try {
    if (stack === "prod") {
      applyOperatorCrds(d);
      stop = startControllerStandIns(d, STACKS.prod);
      await configureProdAsDocumented(d);
    } else {
      await configureAsDocumented(d);
    }
  } catch (error) {
    await close();
    throw error;
  }
  return { stack, namespace: STACKS[stack], d, close };
}

/** The non-interactive display's line for a finished create: `+  <type> <name> created (1s)`. */
const CREATED = /^\s*\+\s+\S+\s+\S+\s+created\b/gm;
export const createdCount = (output: string) => output.match(CREATED)?.length ?? 0;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function until(check: () => boolean, what: string, limitMs = 20 * 60_000): Promise<void> {
  // A bound against a hung engine, not a measurement: nothing asserts how long this took.
  const deadline = Date.now() + limitMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`gave up waiting for ${what}`);
    await sleep(100);
  }
}

/** Every process under `pid` (children, their children, ...), from /proc: ppid links. */
export function descendants(pid: number): number[] {
  const parent = new Map<number, number[]>();
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    let stat: string;
    try {
      stat = readFileSync(`/proc/${entry}/stat`, "utf8");
    } catch {
      continue; // gone since the listing
    }
    // "pid (comm) state ppid ...": comm may hold spaces and parentheses, so read after the last ")".
    const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
    parent.set(ppid, [...(parent.get(ppid) ?? []), Number(entry)]);
  }
  const out: number[] = [];
  for (let queue = [pid]; queue.length > 0; ) {
    const children = parent.get(queue.shift()!) ?? [];
    out.push(...children);
    queue.push(...children);
  }
  return out;
}

/** SIGKILL to the CLI alone, as a killed runner's `kill -9 <pid>`; then to what it left behind. */
async function killNine(running: ReturnType<Deployment["start"]>): Promise<Run> {
  // The CLI starts each plugin (language host, program, provider) in a process group of its own, so
  // neither the CLI's group nor its death reaches them: they are found by parentage before the kill.
  const left = descendants(running.pid);
  process.kill(running.pid, "SIGKILL");
  const run = await running.done;
  // The CLI can no longer stop them; a runner's teardown would.
  for (const pid of left) {
    try {
      process.kill(pid, "SIGKILL");
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "ESRCH") throw error;
    }
  }
  // A plugin still running would keep answering the next CLI's engine on a stale port: stop here.
  const deadline = Date.now() + 10_000;
  while (left.some(isRunning) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
  const survivors = left.filter(isRunning);
  if (survivors.length > 0)
    throw new Error(`kill -9 left processes of the CLI running: ${survivors.join(", ")}`);
  return run;
}

/** Alive and not a zombie (a container's PID 1 may never reap the orphans it adopts). */
function isRunning(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    return stat.slice(stat.lastIndexOf(")") + 2)[0] !== "Z";
  } catch {
    return false;
  }
}

/** `npm run deploy:recover -- <stack>` exactly as package.json says it, in the project folder. */
export function runRecover(d: Deployment): Promise<Run> {
  const pkg = JSON.parse(readFileSync(join(REPO_ROOT, "package.json"), "utf8")) as {
    scripts: Record<string, string>;
  };
  const [command, ...args] = pkg.scripts["deploy:recover"]!.split(" ");
  if (command !== "node") throw new Error(`deploy:recover runs ${command}, not node`);
  const full = [...args, d.stack];
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, full, { cwd: d.project, env: d.env });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (c: Buffer) => {
      stdout += c.toString("utf8");
    });
    child.stderr.on("data", (c: Buffer) => {
      stderr += c.toString("utf8");
    });
    child.on("error", reject);
    child.on("close", (code) =>
      resolve({ args: ["deploy:recover", d.stack], code: code ?? -1, stdout, stderr }),
    );
  });
}

/**
 * The environment of the `pulumi up` the recovery's last line says to run ("now run: [K=V ...] pulumi
 * up --stack <stack>"): the test runs what a user would copy.
 */
export function nextUpEnv(recover: Run): Record<string, string> {
  const line = /now run: (.*)$/m.exec(recover.stderr)?.[1];
  if (!line) throw new Error(`deploy:recover printed no "now run:" line:\n${recover.stderr}`);
  const words = line.trim().split(/\s+/);
  const env: Record<string, string> = {};
  for (const word of words.slice(0, words.indexOf("pulumi"))) {
    const [key, value] = word.split("=");
    env[key!] = value!;
  }
  return env;
}

/** A clean first `pulumi up`: the reference every fault run is compared with. */
export interface CleanRun {
  readonly snapshot: Snapshot;
  /** How many resources the CLI reported created: the kill points are spread over these. */
  readonly creates: number;
  readonly run: Run;
}

export async function cleanUp(o: OpenStack): Promise<CleanRun> {
  const run = await o.d.pulumi(UP);
  if (run.code !== 0)
    throw new Error(`the clean pulumi up failed:\n${run.stderr}\n${run.stdout.slice(-4000)}`);
  return { snapshot: await snapshot(o.d), creates: createdCount(run.stdout), run };
}

export interface KillOutcome {
  readonly afterCreated: number;
  /** The CLI exited on its own before the kill point (the update was already over). */
  readonly finishedFirst: boolean;
  readonly pendingAtKill: number;
  readonly recover: Run;
  readonly up: Run;
  readonly final: Snapshot;
  /** Data objects that existed at the kill and were deleted, re-created or changed by the recovery. */
  readonly dataTouched: readonly string[];
}

/**
 * Scenario 1: `kill -9` of the CLI once it reported `afterCreated` resources created (plus `jitterMs`,
 * so the kill lands inside an operation as often as between two), the project's recovery, `pulumi up`.
 */
export async function killAndRecover(
  o: OpenStack,
  afterCreated: number,
  jitterMs: number,
): Promise<KillOutcome> {
  const running = o.d.start(UP);
  let exited = false;
  void running.done.then(() => {
    exited = true;
  });
  await until(() => exited || createdCount(running.output()) >= afterCreated, `${afterCreated} creates`);
  if (!exited) await sleep(jitterMs);
  const finishedFirst = exited;
  if (!exited) await killNine(running);
  else await running.done;
  const atKill = inventory(o.d);
  const pendingAtKill = (await snapshot(o.d)).pending;
  const recover = await runRecover(o.d);
  const up = await o.d.pulumi(UP, { env: nextUpEnv(recover) });
  const final = await snapshot(o.d);
  return {
    afterCreated,
    finishedFirst,
    pendingAtKill,
    recover,
    up,
    final,
    dataTouched: dataTouched(atKill, final.objects),
  };
}

export interface RestartOutcome {
  /** The interrupted update's own result: 0 rode the restart out, anything else failed. */
  readonly during: Run;
  readonly pendingAfter: number;
  readonly recover?: Run;
  readonly up: Run;
  readonly final: Snapshot;
  readonly dataTouched: readonly string[];
}

/**
 * Scenario 2: etcd and the API server stopped and started again (same flags, ports and data) while
 * a first `pulumi up` runs, once it reported `afterCreated` creates. The recovery runs only when the
 * update left pending operations.
 */
export async function restartDuringUp(
  o: OpenStack,
  afterCreated: number,
  downForMs: number,
): Promise<RestartOutcome> {
  const running = o.d.start(UP);
  let exited = false;
  void running.done.then(() => {
    exited = true;
  });
  await until(() => exited || createdCount(running.output()) >= afterCreated, `${afterCreated} creates`);
  await restart(o.d.cluster.dir, ["etcd", "kube-apiserver"], { downForMs });
  const during = await running.done;
  const atEnd = inventory(o.d);
  const pendingAfter = (await snapshot(o.d)).pending;
  const recover = pendingAfter > 0 ? await runRecover(o.d) : undefined;
  const up = await o.d.pulumi(UP);
  const final = await snapshot(o.d);
  return {
    during,
    pendingAfter,
    ...(recover ? { recover } : {}),
    up,
    final,
    dataTouched: dataTouched(atEnd, final.objects),
  };
}

function urnOf(resources: readonly StateResource[], type: string, ns: string, name: string): string {
  const r = resources.find((r) => r.type === type && r.id === `${ns}/${name}`);
  if (!r) throw new Error(`no ${type} ${ns}/${name} in the state`);
  return r.urn;
}

interface Json {
  metadata: { name: string };
  spec?: { replicas?: number; type?: string; scaleTargetRef?: { kind: string; name: string } };
  data?: Record<string, string>;
}

/**
 * `kubectl scale` and `kubectl edit` take over the fields they change (server-side apply's field
 * managers), so the provider's next apply of them conflicts; this makes it force them back
 * (pulumi-kubernetes provider/pkg/await/await.go, patchForce). docs/deploy.md, section 5.
 */
export const FORCE_DECLARED = PATCH_FORCE;

export interface HandChangeOutcome {
  /** Plain `pulumi preview --refresh`: refused, and the message names the conflicting object. */
  readonly plainPreview: Run;
  readonly deployment: string;
  readonly configMap: string;
  readonly service: string;
  /** What `pulumi preview --refresh` planned for each of the three. */
  readonly planned: Readonly<Record<"deployment" | "configMap" | "service", string[]>>;
  readonly up: Run;
  readonly restored: Readonly<Record<"deployment" | "configMap" | "service", boolean>>;
  readonly final: Snapshot;
}

/**
 * Scenario 3 on a converged stack: a Deployment scaled by hand (one no HPA owns), a ConfigMap value
 * edited, a Service deleted; `pulumi preview --refresh` must plan a step for each, `pulumi up
 * --refresh` must put back what the program declares. Both run with FORCE_DECLARED; the plain preview
 * before them shows what a user sees without it.
 */
export async function handChange(o: OpenStack): Promise<HandChangeOutcome> {
  const { d, namespace } = o;
  const list = (kind: string) =>
    (JSON.parse(d.kubectl(["get", kind, "-n", namespace, "-o", "json"])) as { items: Json[] }).items;
  const { resources } = await exportState(d);
  const managed = (type: string) =>
    new Set(
      resources
        .filter((r) => r.type === type && r.id?.startsWith(`${namespace}/`))
        .map((r) => r.id!.split("/")[1]!),
    );
  const scaledByHpa = new Set(
    list("horizontalpodautoscalers")
      .filter((h) => h.spec?.scaleTargetRef?.kind === "Deployment")
      .map((h) => h.spec!.scaleTargetRef!.name),
  );
  const deploymentTypes = managed("kubernetes:apps/v1:Deployment");
  const deployment = list("deployments").find(
    (x) => deploymentTypes.has(x.metadata.name) && !scaledByHpa.has(x.metadata.name),
  );
  const configTypes = managed("kubernetes:core/v1:ConfigMap");
  const configMap = list("configmaps").find(
    (x) => configTypes.has(x.metadata.name) && Object.keys(x.data ?? {}).length > 0,
  );
  const serviceTypes = managed("kubernetes:core/v1:Service");
  const service = list("services").find(
    (x) => serviceTypes.has(x.metadata.name) && x.spec?.type === "ClusterIP",
  );
  if (!deployment || !configMap || !service)
    throw new Error(
      `${namespace} lacks a Deployment without HPA, a ConfigMap with data or a ClusterIP Service to change`,
    );
  const replicas = deployment.spec?.replicas ?? 1;
  const [dataKey, dataValue] = Object.entries(configMap.data!)[0]!;

  d.kubectl(["scale", "deployment", deployment.metadata.name, "-n", namespace, `--replicas=${replicas + 2}`]);
  d.kubectl([
    "patch",
    "configmap",
    configMap.metadata.name,
    "-n",
    namespace,
    "--type=merge",
    "-p",
    JSON.stringify({ data: { [dataKey]: `${dataValue}\n# edited by hand` } }),
  ]);
  d.kubectl(["delete", "service", service.metadata.name, "-n", namespace, "--wait=true"]);

  const urns = {
    deployment: urnOf(resources, "kubernetes:apps/v1:Deployment", namespace, deployment.metadata.name),
    configMap: urnOf(resources, "kubernetes:core/v1:ConfigMap", namespace, configMap.metadata.name),
    service: urnOf(resources, "kubernetes:core/v1:Service", namespace, service.metadata.name),
  };
  const plainPreview = await d.pulumi(["preview", "--refresh"]);
  const preview = await d.pulumi(["preview", "--refresh", "--json"], { env: FORCE_DECLARED });
  if (preview.code !== 0)
    throw new Error(`pulumi preview --refresh failed:\n${preview.stderr}\n${preview.stdout.slice(-6000)}`);
  const steps = ((JSON.parse(preview.stdout) as { steps?: PlannedStep[] }).steps ?? []).filter(
    (s) => s.op !== "same" && s.op !== "read",
  );
  const planned = {
    deployment: steps.filter((s) => s.urn === urns.deployment).map((s) => s.op),
    configMap: steps.filter((s) => s.urn === urns.configMap).map((s) => s.op),
    service: steps.filter((s) => s.urn === urns.service).map((s) => s.op),
  };
  const up = await d.pulumi([...UP, "--refresh"], { env: FORCE_DECLARED });
  const now = (kind: string, name: string) =>
    JSON.parse(d.kubectl(["get", kind, name, "-n", namespace, "-o", "json"])) as Json;
  const restored = {
    deployment: now("deployment", deployment.metadata.name).spec?.replicas === replicas,
    configMap: now("configmap", configMap.metadata.name).data?.[dataKey] === dataValue,
    service:
      d
        .kubectl([
          "get",
          "service",
          service.metadata.name,
          "-n",
          namespace,
          "--ignore-not-found",
          "-o",
          "name",
        ])
        .trim() !== "",
  };
  return {
    plainPreview,
    deployment: deployment.metadata.name,
    configMap: configMap.metadata.name,
    service: service.metadata.name,
    planned,
    up,
    restored,
    final: await snapshot(d),
  };
}

function lockFiles(d: Deployment): string[] {
  const root = join(new URL(d.env.PULUMI_BACKEND_URL!).pathname, ".pulumi", "locks");
  if (!existsSync(root)) return [];
  return readdirSync(root, { recursive: true, encoding: "utf8" }).filter((f) => f.endsWith(".json"));
}

/** The lines of the non-interactive display that say a resource step started or ended. */
const STEP_LINE =
  /^\s*[+~-]+\s+\S+\s+\S+\s+(creating|created|updating|updated|deleting|deleted|replacing|replaced)\b/m;

export interface ConcurrentOutcome {
  readonly first: Run;
  readonly second: Run;
  /** The second run printed a resource step: it got past the lock. */
  readonly secondTouched: boolean;
  readonly final: Snapshot;
}

/**
 * Scenario 4: a second `pulumi up` on the stack while the first (an image bump) holds the backend's
 * lock. The second starts once the first's lock file exists.
 */
export async function concurrentUps(o: OpenStack): Promise<ConcurrentOutcome> {
  const { d } = o;
  await d.set("image", imageRef("v2"));
  const running = d.start(UP);
  let exited = false;
  void running.done.then(() => {
    exited = true;
  });
  await until(() => exited || lockFiles(d).length > 0, "the first run's lock file");
  const second = await d.pulumi(UP);
  const first = await running.done;
  await d.set("image", imageRef("v1"));
  const back = await d.pulumi(UP);
  if (back.code !== 0) throw new Error(`pulumi up back to image v1 failed:\n${back.stderr}`);
  return { first, second, secondTouched: STEP_LINE.test(second.stdout), final: await snapshot(d) };
}

/**
 * A DNS address that has a CIDR's shape but not its value (octet 999). The stack config's schema
 * checks the shape; the NetworkPolicies component checks the address before it registers a single
 * policy, so the program stops naming the component and the field, and nothing reaches the cluster.
 */
export const BAD_CONFIG = { key: "kubernetes.dns.addresses[0]", value: "999.254.20.10/32" } as const;

/** The failure names the component (its args) and the field, with the bad value. */
export function namesObjectAndField(said: string): boolean {
  return /Invalid NetworkPolicies args/.test(said) && said.includes(`dns.addresses[0] "${BAD_CONFIG.value}"`);
}

export interface BadConfigOutcome {
  readonly run: Run;
  /** The failed run printed a resource step (created, updated, deleted, replaced). */
  readonly touched: boolean;
  /** Objects that were healthy before and were changed, deleted or re-created by the failed run. */
  readonly changed: readonly string[];
  readonly repaired: Run;
  readonly final: Snapshot;
}

/** Scenario 5: a bad config value, `pulumi up` fails; then the value is removed and `up` repairs. */
export async function badConfig(o: OpenStack): Promise<BadConfigOutcome> {
  const { d } = o;
  const committed = readFileSync(join(REPO_ROOT, `Pulumi.${o.stack}.yaml`), "utf8");
  if (/^\s+mcp-stack:kubernetes:/m.test(committed))
    throw new Error(
      `Pulumi.${o.stack}.yaml sets mcp-stack:kubernetes; removing the override would remove it too`,
    );
  const before: Inventory = inventory(d);
  const managedKeys = (await snapshot(d)).managed;
  await d.set(BAD_CONFIG.key, BAD_CONFIG.value, { path: true });
  const run = await d.pulumi(UP);
  const changed = changedSince(before, inventory(d), managedKeys);
  const rm = await d.pulumi(["config", "rm", "mcp-stack:kubernetes"]);
  if (rm.code !== 0) throw new Error(`pulumi config rm failed:\n${rm.stderr}`);
  const repaired = await d.pulumi(UP);
  return { run, touched: STEP_LINE.test(run.stdout), changed, repaired, final: await snapshot(d) };
}

export { compare, type Snapshot, type Verdict };
