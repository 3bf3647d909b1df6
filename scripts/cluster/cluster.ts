import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { existsSync, mkdirSync, openSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { request } from "node:https";
import { createServer } from "node:net";
import { dirname, join } from "node:path";
import { VERSIONS } from "../../engines/manifest.js";
import { cacheRoot, enginePath } from "../engines/build.js";
import { CLIENTS, writeKubeconfig, writePki } from "./pki.js";

/**
 * A local Kubernetes control plane from the engines (etcd, kube-apiserver, kube-controller-manager,
 * kube-scheduler) with KWOK standing in for kubelets: Nodes that heartbeat and Pods that become Ready,
 * so Deployments and StatefulSets reach Available. What it cannot show: containers that run, a CNI
 * enforcing NetworkPolicies, LoadBalancers, volumes with data (docs/deploy.md, "Try it locally").
 */

/** One failure of the control plane; the message names the cause and the fix. */
export class ClusterError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ClusterError";
  }
}

export const COMPONENTS = [
  "etcd",
  "kube-apiserver",
  "kube-controller-manager",
  "kube-scheduler",
  "kwok",
] as const;
export type Component = (typeof COMPONENTS)[number];

interface ProcessRecord {
  readonly pid: number;
  /** /proc/<pid>/stat start time: a pid reused by another program is never taken for ours. */
  readonly startTicks: string;
}

/** What `up` wrote into the state folder: enough for `down` and `status` from any shell. */
export interface ClusterState {
  readonly dir: string;
  readonly server: string;
  readonly kubeconfig: string;
  readonly kubernetesVersion: string;
  readonly ports: Readonly<Record<"etcdClient" | "etcdPeer" | "apiserver" | "kwok", number>>;
  readonly processes: Partial<Record<Component, ProcessRecord>>;
  /** How each process was started, so `restart` brings it back with the same flags, ports and data. */
  readonly commands?: Partial<Record<Component, { readonly bin: string; readonly args: readonly string[] }>>;
  /** The process the cluster belongs to (a test run); another run removes it once that process is gone. */
  readonly owner?: ProcessRecord;
}

/** The default state folder for `npm run cluster`; tests use folders of their own under clustersRoot(). */
export function defaultClusterDir(env: NodeJS.ProcessEnv = process.env): string {
  return env.MCP_STACK_CLUSTER_DIR || join(clustersRoot(env), "default");
}

export function clustersRoot(env: NodeJS.ProcessEnv = process.env): string {
  return join(dirname(cacheRoot(env)), "clusters");
}

function procStartTicks(pid: number): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    // Fields after the command name, which may hold spaces and parentheses: state (3rd), starttime (22nd).
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    // A zombie has exited; only its parent has not reaped it yet.
    return fields[0] === "Z" ? undefined : fields[19];
  } catch {
    return undefined;
  }
}

export function isAlive(record: ProcessRecord | undefined): boolean {
  return record !== undefined && procStartTicks(record.pid) === record.startTicks;
}

export function selfRecord(): ProcessRecord {
  return { pid: process.pid, startTicks: procStartTicks(process.pid) ?? "" };
}

export function readState(dir: string): ClusterState | undefined {
  try {
    return JSON.parse(readFileSync(join(dir, "state.json"), "utf8")) as ClusterState;
  } catch {
    return undefined;
  }
}

function writeState(state: ClusterState): void {
  writeFileSync(join(state.dir, "state.json"), `${JSON.stringify(state, null, 2)}\n`);
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() =>
        typeof address === "object" && address ? resolve(address.port) : reject(new Error("no port")),
      );
    });
  });
}

async function portIsFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once("error", () => resolve(false));
    server.listen(port, "127.0.0.1", () => server.close(() => resolve(true)));
  });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function logTail(dir: string, component: Component, lines = 15): string {
  try {
    return readFileSync(join(dir, "logs", `${component}.log`), "utf8")
      .trim()
      .split("\n")
      .slice(-lines)
      .join("\n");
  } catch {
    return "(no log)";
  }
}

function start(dir: string, component: Component, bin: string, args: readonly string[]): ProcessRecord {
  const log = openSync(join(dir, "logs", `${component}.log`), "a");
  // Detached, in a process group of its own: `up` returns while the control plane keeps running, and
  // `down` (or the next run's cleanup) stops it by pid.
  const child: ChildProcess = spawn(bin, [...args], { detached: true, stdio: ["ignore", log, log] });
  child.unref();
  if (!child.pid) throw new ClusterError(`could not start ${bin}`);
  const startTicks = procStartTicks(child.pid);
  if (!startTicks) throw new ClusterError(`${component} exited at once:\n${logTail(dir, component)}`);
  return { pid: child.pid, startTicks };
}

/** GET a path of the API server as the admin; resolves with the status code and body. */
export function apiGet(state: ClusterState, path: string): Promise<{ status: number; body: string }> {
  const pki = join(state.dir, "pki");
  const url = new URL(path, state.server);
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      {
        ca: readFileSync(join(pki, "ca.crt")),
        cert: readFileSync(join(pki, "admin.crt")),
        key: readFileSync(join(pki, "admin.key")),
        timeout: 5000,
      },
      (res) => {
        let body = "";
        res.setEncoding("utf8");
        res.on("data", (c: string) => {
          body += c;
        });
        res.on("end", () => resolve({ status: res.statusCode ?? 0, body }));
      },
    );
    req.on("timeout", () => req.destroy(new Error("timeout")));
    req.on("error", reject);
    req.end();
  });
}

async function waitFor(
  what: string,
  dir: string,
  component: Component,
  record: ProcessRecord,
  check: () => Promise<boolean>,
  timeoutMs: number,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (!isAlive(record))
      throw new ClusterError(`${component} exited before ${what}:\n${logTail(dir, component)}`);
    if (await check().catch(() => false)) return;
    await sleep(250);
  }
  throw new ClusterError(
    `${what} did not happen within ${timeoutMs / 1000} s; ${component}'s log:\n${logTail(dir, component)}`,
  );
}

export function kubectl(state: ClusterState, args: readonly string[], input?: string): string {
  return execFileSync(enginePath("kubectl"), ["--kubeconfig", state.kubeconfig, ...args], {
    encoding: "utf8",
    input,
    stdio: ["pipe", "pipe", "pipe"],
    maxBuffer: 64 * 1024 * 1024,
  });
}

/** What `down` stopped: every process it found running, and those that needed SIGKILL. */
export interface DownReport {
  readonly stopped: Component[];
  readonly killed: Component[];
}

/** Stops every process of a cluster (TERM, then KILL) and removes its folder. */
export async function down(dir: string): Promise<DownReport> {
  const state = readState(dir);
  const report: DownReport = { stopped: [], killed: [] };
  if (state) {
    // Reverse start order, one at a time: the clients before the API server, the API server before
    // etcd. Signalled together, etcd is gone before the API server's graceful shutdown is done with it,
    // and the API server was still running 30 s later (three of three tries; one at a time it exits in
    // about 1 s): down took its whole grace period, then SIGKILL, and a check right after saw it alive.
    for (const c of [...COMPONENTS].reverse()) {
      const record = state.processes[c];
      if (!record || !isAlive(record)) continue;
      report.stopped.push(c);
      if (await stop(record, "SIGTERM", 10_000)) continue;
      report.killed.push(c);
      await stop(record, "SIGKILL", 5_000);
    }
  }
  rmSync(dir, { recursive: true, force: true });
  return report;
}

/** Sends `signal` and waits up to `ms` for the process to be gone; true when it is. */
async function stop(record: ProcessRecord, signal: NodeJS.Signals, ms: number): Promise<boolean> {
  try {
    process.kill(record.pid, signal);
  } catch {
    return !isAlive(record);
  }
  // A signal is delivered at once, the exit is not: until the kernel has torn the process down its
  // /proc entry still reads as running.
  const deadline = Date.now() + ms;
  while (isAlive(record) && Date.now() < deadline) await sleep(50);
  return !isAlive(record);
}

/** Removes the clusters of test runs that died without `down`: their owner process is gone. */
export async function pruneOrphans(
  env: NodeJS.ProcessEnv = process.env,
): Promise<(DownReport & { readonly dir: string })[]> {
  const root = clustersRoot(env);
  if (!existsSync(root)) return [];
  const pruned: (DownReport & { readonly dir: string })[] = [];
  for (const name of readdirSync(root)) {
    const dir = join(root, name);
    const state = readState(dir);
    if (state?.owner && !isAlive(state.owner)) pruned.push({ dir, ...(await down(dir)) });
  }
  return pruned;
}

export interface UpOptions {
  readonly dir: string;
  /** Fake Nodes, spread over three zones. */
  readonly nodes?: number;
  /** Tie the cluster to this process: a later run removes it once the process is gone. */
  readonly owner?: ProcessRecord;
  /** The API server's port; a free one when omitted. */
  readonly apiserverPort?: number;
  readonly log?: (line: string) => void;
}

/** Is the cluster in `dir` up and answering? */
export async function isUp(dir: string): Promise<ClusterState | undefined> {
  const state = readState(dir);
  if (!state || !COMPONENTS.every((c) => isAlive(state.processes[c]))) return undefined;
  const r = await apiGet(state, "/readyz").catch(() => undefined);
  return r?.status === 200 ? state : undefined;
}

export async function up(options: UpOptions): Promise<ClusterState> {
  const { dir } = options;
  const log = options.log ?? (() => {});
  const running = await isUp(dir);
  if (running) {
    log(`already up (${running.server})`);
    return running;
  }
  // A half-started or crashed cluster in the same folder: stop what is left of it first.
  if (readState(dir) || existsSync(dir)) await down(dir);
  await pruneOrphans();

  const bins = Object.fromEntries(COMPONENTS.map((c) => [c, enginePath(c, log)])) as Record<
    Component,
    string
  >;
  enginePath("kubectl", log);

  if (options.apiserverPort !== undefined && !(await portIsFree(options.apiserverPort))) {
    throw new ClusterError(
      `port ${options.apiserverPort} on 127.0.0.1 is taken (\`ss -ltnp 'sport = :${options.apiserverPort}'\` shows by whom): ` +
        "stop that process or leave --port out to take a free one",
    );
  }
  const ports = {
    etcdClient: await freePort(),
    etcdPeer: await freePort(),
    apiserver: options.apiserverPort ?? (await freePort()),
    kwok: await freePort(),
  };
  mkdirSync(join(dir, "logs"), { recursive: true });
  const pki = join(dir, "pki");
  writePki(pki);
  const server = `https://127.0.0.1:${ports.apiserver}`;
  for (const client of CLIENTS) writeKubeconfig(join(dir, `${client.file}.kubeconfig`), pki, server, client);
  const kubeconfig = join(dir, "kubeconfig");
  writeKubeconfig(kubeconfig, pki, server, CLIENTS[0]!);

  const processes: Partial<Record<Component, ProcessRecord>> = {};
  const commands: NonNullable<ClusterState["commands"]> = {};
  let state: ClusterState = {
    dir,
    server,
    kubeconfig,
    kubernetesVersion: VERSIONS.kubernetes,
    ports,
    processes,
    commands,
    ...(options.owner ? { owner: options.owner } : {}),
  };
  const launch = (c: Component, args: readonly string[]) => {
    commands[c] = { bin: bins[c], args };
    processes[c] = start(dir, c, bins[c], args);
    writeState(state);
  };
  writeState(state);

  try {
    const etcdUrl = `http://127.0.0.1:${ports.etcdClient}`;
    const peerUrl = `http://127.0.0.1:${ports.etcdPeer}`;
    // Loopback only and no fsync: a throwaway store for tests, as controller-runtime's envtest runs it.
    launch("etcd", [
      "--name=local",
      `--data-dir=${join(dir, "etcd")}`,
      `--listen-client-urls=${etcdUrl}`,
      `--advertise-client-urls=${etcdUrl}`,
      `--listen-peer-urls=${peerUrl}`,
      `--initial-advertise-peer-urls=${peerUrl}`,
      `--initial-cluster=local=${peerUrl}`,
      "--unsafe-no-fsync",
      "--log-level=warn",
    ]);
    await waitFor(
      "etcd answering /health",
      dir,
      "etcd",
      processes.etcd!,
      async () => {
        const r = await fetch(`${etcdUrl}/health`);
        return r.ok;
      },
      30_000,
    );

    launch("kube-apiserver", [
      `--etcd-servers=${etcdUrl}`,
      "--bind-address=127.0.0.1",
      "--advertise-address=127.0.0.1",
      `--secure-port=${ports.apiserver}`,
      `--tls-cert-file=${join(pki, "apiserver.crt")}`,
      `--tls-private-key-file=${join(pki, "apiserver.key")}`,
      `--client-ca-file=${join(pki, "ca.crt")}`,
      "--service-account-issuer=https://kubernetes.default.svc.cluster.local",
      `--service-account-key-file=${join(pki, "sa.pub")}`,
      `--service-account-signing-key-file=${join(pki, "sa.key")}`,
      "--service-cluster-ip-range=10.96.0.0/16",
      "--authorization-mode=RBAC",
      "--allow-privileged=true",
      // The admission plugins a managed cluster runs by default stay on (ServiceAccount, LimitRanger,
      // ResourceQuota, PodSecurity, ...): the stack's objects must pass them as they are.
      "--endpoint-reconciler-type=none",
    ]);
    state = { ...state, processes };
    await waitFor(
      "the API server answering /readyz",
      dir,
      "kube-apiserver",
      processes["kube-apiserver"]!,
      async () => {
        const r = await apiGet(state, "/readyz");
        return r.status === 200;
      },
      90_000,
    );

    launch("kube-controller-manager", [
      `--kubeconfig=${join(dir, "controller-manager.kubeconfig")}`,
      "--leader-elect=false",
      "--secure-port=0",
      `--service-account-private-key-file=${join(pki, "sa.key")}`,
      `--root-ca-file=${join(pki, "ca.crt")}`,
      "--use-service-account-credentials=true",
      "--cluster-name=mcp-stack-local",
    ]);
    launch("kube-scheduler", [
      `--kubeconfig=${join(dir, "scheduler.kubeconfig")}`,
      `--authentication-kubeconfig=${join(dir, "scheduler.kubeconfig")}`,
      `--authorization-kubeconfig=${join(dir, "scheduler.kubeconfig")}`,
      "--leader-elect=false",
      "--secure-port=0",
    ]);
    const stages = join(dirname(bins.kwok), "kwok-stages");
    launch("kwok", [
      `--kubeconfig=${join(dir, "kwok.kubeconfig")}`,
      "--manage-all-nodes=false",
      `--manage-nodes-with-annotation-selector=${FAKE_NODE_ANNOTATION}=fake`,
      `--server-address=127.0.0.1:${ports.kwok}`,
      "--node-ip=10.240.0.1",
      "--cidr=10.244.0.0/16",
      ...readdirSync(stages)
        .sort()
        .map((f) => `--config=${join(stages, f)}`),
    ]);
    applyNodes(state, options.nodes ?? 6);
    await waitFor(
      "every fake Node Ready",
      dir,
      "kwok",
      processes.kwok!,
      async () => {
        const out = kubectl(state, [
          "get",
          "nodes",
          "-o",
          "jsonpath={.items[*].status.conditions[?(@.type=='Ready')].status}",
        ]);
        const ready = out.split(" ").filter((s) => s === "True").length;
        return ready === (options.nodes ?? 6);
      },
      60_000,
    );
    await waitFor(
      "the default ServiceAccount",
      dir,
      "kube-controller-manager",
      processes["kube-controller-manager"]!,
      async () => {
        const r = await apiGet(state, "/api/v1/namespaces/default/serviceaccounts/default");
        return r.status === 200;
      },
      60_000,
    );
    return state;
  } catch (error) {
    await down(dir);
    throw error;
  }
}

/** What `restart` can bring back: the store and the API server, in start order. */
export const RESTARTABLE = ["etcd", "kube-apiserver"] as const satisfies readonly Component[];
export type Restartable = (typeof RESTARTABLE)[number];

/**
 * Stops the named components by pid (TERM, then KILL after 10 s) and starts them again with the flags,
 * ports, certificates and data folder `up` gave them, waiting until each answers again. The other
 * components keep running and reconnect on their own, as they would after a control-plane upgrade.
 * `downFor` keeps them stopped that long before the start (an outage rather than a blip).
 */
export async function restart(
  dir: string,
  components: readonly Restartable[],
  options: { downForMs?: number; log?: (line: string) => void } = {},
): Promise<ClusterState> {
  const log = options.log ?? (() => {});
  const state = readState(dir);
  if (!state) throw new ClusterError(`no cluster in ${dir} (npm run cluster -- up)`);
  const ordered = RESTARTABLE.filter((c) => components.includes(c));
  for (const c of ordered) {
    if (!state.commands?.[c])
      throw new ClusterError(
        `${c} of ${dir} was started before restarts were recorded: run \`npm run cluster -- down\` and \`up\``,
      );
  }
  // Clients first: the API server goes down before the store it writes to.
  for (const c of [...ordered].reverse()) {
    const record = state.processes[c];
    if (!record || !isAlive(record)) continue;
    const how = (await stop(record, "SIGTERM", 10_000)) ? "stopped" : "killed";
    if (how === "killed") await stop(record, "SIGKILL", 5_000);
    log(`${how} ${c} (pid ${record.pid})`);
  }
  if (options.downForMs) await sleep(options.downForMs);
  const processes = { ...state.processes };
  let next: ClusterState = { ...state, processes };
  for (const c of ordered) {
    const command = state.commands![c]!;
    processes[c] = start(dir, c, command.bin, command.args);
    next = { ...next, processes };
    writeState(next);
    log(`started ${c} (pid ${processes[c]!.pid})`);
    const check =
      c === "etcd"
        ? async () => (await fetch(`http://127.0.0.1:${state.ports.etcdClient}/health`)).ok
        : async () => (await apiGet(next, "/readyz")).status === 200;
    await waitFor(
      c === "etcd" ? "etcd answering /health" : "the API server answering /readyz",
      dir,
      c,
      processes[c]!,
      check,
      90_000,
    );
  }
  return next;
}

/** KWOK manages the Nodes carrying this annotation (its documented selector for fake nodes). */
export const FAKE_NODE_ANNOTATION = "kwok.x-k8s.io/node";
export const ZONES = ["zone-a", "zone-b", "zone-c"] as const;
/** The StorageClass the local cluster offers, and the one PVCs without a class get. */
export const LOCAL_STORAGE_CLASS = "standard";

/**
 * Fake Nodes over three zones (the stack spreads replicas over zones and hosts), a default StorageClass
 * and statically provisioned PersistentVolumes that the controller-manager's PV controller binds to the
 * stack's claims, as it would bind any pre-provisioned volume.
 */
function applyNodes(state: ClusterState, count: number): void {
  const docs: object[] = [];
  for (let i = 0; i < count; i++) {
    const zone = ZONES[i % ZONES.length]!;
    const name = `kwok-node-${i}`;
    docs.push({
      apiVersion: "v1",
      kind: "Node",
      metadata: {
        name,
        annotations: { [FAKE_NODE_ANNOTATION]: "fake", "node.alpha.kubernetes.io/ttl": "0" },
        labels: {
          "kubernetes.io/hostname": name,
          "kubernetes.io/os": "linux",
          "kubernetes.io/arch": "amd64",
          "topology.kubernetes.io/zone": zone,
          "topology.kubernetes.io/region": "local",
          type: "kwok",
        },
      },
      status: {
        allocatable: { cpu: "16", memory: "64Gi", pods: "110", "ephemeral-storage": "200Gi" },
        capacity: { cpu: "16", memory: "64Gi", pods: "110", "ephemeral-storage": "200Gi" },
      },
    });
  }
  docs.push({
    apiVersion: "storage.k8s.io/v1",
    kind: "StorageClass",
    metadata: {
      name: LOCAL_STORAGE_CLASS,
      annotations: { "storageclass.kubernetes.io/is-default-class": "true" },
    },
    provisioner: "kubernetes.io/no-provisioner",
    volumeBindingMode: "Immediate",
    reclaimPolicy: "Retain",
    allowVolumeExpansion: true,
  });
  for (let i = 0; i < 40; i++) {
    docs.push({
      apiVersion: "v1",
      kind: "PersistentVolume",
      metadata: { name: `local-pv-${String(i).padStart(2, "0")}` },
      spec: {
        capacity: { storage: "500Gi" },
        accessModes: ["ReadWriteOnce"],
        persistentVolumeReclaimPolicy: "Retain",
        storageClassName: LOCAL_STORAGE_CLASS,
        hostPath: { path: `/var/lib/mcp-stack-local/pv-${i}` },
      },
    });
  }
  kubectl(state, ["apply", "-f", "-"], JSON.stringify({ apiVersion: "v1", kind: "List", items: docs }));
}
