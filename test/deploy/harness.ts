import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import {
  copyFileSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { delimiter, dirname, join } from "node:path";
import { parse } from "yaml";
import {
  type ClusterState,
  clustersRoot,
  down,
  kubectl,
  selfRecord,
  up,
} from "../../scripts/cluster/cluster.js";
import {
  bundleDir,
  enginePath,
  enginesPath,
  ensureEngines,
  installProviderPlugin,
  REPO_ROOT,
} from "../../scripts/engines/build.js";

/** One CLI invocation's result. */
export interface Run {
  readonly args: readonly string[];
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * The real engines around one project folder: the Pulumi CLI with its language hosts and
 * pulumi-resource-kubernetes, a fresh file backend with a passphrase, a Pulumi home of its own and a
 * local control plane of its own. Any project runs in it: this repository's (startDeployment) or a
 * consumer's (test/package/consume.test.ts).
 */
export interface EngineSession {
  readonly cluster: ClusterState;
  /** The scratch folder holding the backend, the Pulumi home and, for startDeployment, the project. */
  readonly root: string;
  /** The project folder (the CLI's cwd unless a run names another). */
  readonly project: string;
  /** Everything the CLI printed, in order. */
  readonly transcript: Run[];
  /** The environment every CLI run gets (PATH with the engines, the backend, the passphrase). */
  readonly env: NodeJS.ProcessEnv;
  pulumi(args: readonly string[], options?: RunOptions): Promise<Run>;
  /** Starts a CLI run and hands back its process: the fault tests kill it mid-way. */
  start(args: readonly string[], options?: RunOptions): RunningPulumi;
  kubectl(args: readonly string[], input?: string): string;
  dispose(): Promise<void>;
}

/**
 * A stack of this project under the real engines. The project is seen through a scratch folder of
 * symbolic links so that `pulumi stack init` and `pulumi config set` write their stack file there, never
 * into the committed Pulumi.<stack>.yaml.
 */
export interface Deployment extends EngineSession {
  readonly stack: string;
  /** Every value set with `--secret`, for the scans. */
  readonly secrets: Map<string, string>;
  /** `pulumi config set [--secret] [--path] mcp-stack:<key> <value>`, failing the test if the CLI does. */
  set(key: string, value: string, options?: { secret?: boolean; path?: boolean }): Promise<void>;
}

export interface RunOptions {
  readonly timeoutMs?: number;
  /** The folder the CLI runs in; the session's project when omitted. */
  readonly cwd?: string;
  /** Added to the environment of this run only. */
  readonly env?: Readonly<Record<string, string>>;
}

/** A CLI run in progress; its plugins (language host, program, provider) share its process group. */
export interface RunningPulumi {
  readonly pid: number;
  /** What it printed so far. */
  output(): string;
  readonly done: Promise<Run>;
}

export const PROJECT = "mcp-stack";

/** A value that cannot occur by chance, so a scan for it means something. */
export function uniqueSecret(label: string): string {
  return `${label}-${randomBytes(12).toString("hex")}`;
}

export interface SessionOptions {
  /** Names the scratch folder and the cluster. */
  readonly label: string;
  /** Fake Nodes of the local control plane. */
  readonly nodes: number;
  /** The project folder, made inside the session's scratch folder or given. */
  readonly project: (root: string) => string;
  /**
   * Whether programs reach the cluster through KUBECONFIG (a consumer's default provider). Off for this
   * project's stacks: their config names the kubeconfig, and no ambient cluster may stand in for it.
   */
  readonly ambientKubeconfig?: boolean;
}

export async function startSession(options: SessionOptions): Promise<EngineSession> {
  const resolved = ensureEngines((line) => process.stderr.write(`engines: ${line}\n`));
  const bundle = bundleDir(resolved);
  const root = mkdtempSync(join(tmpdir(), `mcp-stack-deploy-${options.label}-`));
  const cluster = await up({
    dir: join(clustersRoot(), `test-${options.label}-${process.pid}`),
    owner: selfRecord(),
    nodes: options.nodes,
  });
  const project = options.project(root);

  const home = join(root, "pulumi-home");
  mkdirSync(home);
  installProviderPlugin(enginePath("pulumi"), enginePath("pulumi-resource-kubernetes"), home);
  const env: NodeJS.ProcessEnv = {
    // The language host runs the program on the first `node` of PATH: the one running the tests (24).
    PATH: enginesPath(resolved, [dirname(process.execPath), process.env.PATH].join(delimiter)),
    HOME: process.env.HOME,
    TMPDIR: process.env.TMPDIR,
    PULUMI_HOME: home,
    PULUMI_BACKEND_URL: `file://${join(root, "state")}`,
    PULUMI_CONFIG_PASSPHRASE: uniqueSecret("passphrase"),
    PULUMI_SKIP_UPDATE_CHECK: "true",
    PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: "true",
    KUBECONFIG: options.ambientKubeconfig ? cluster.kubeconfig : join(root, "no-kubeconfig"),
    NO_COLOR: "1",
  };
  mkdirSync(join(root, "state"));
  const transcript: Run[] = [];

  const start = (args: readonly string[], runOptions: RunOptions = {}): RunningPulumi => {
    // A process group of its own: a fault test kills the CLI alone with SIGKILL, then what it left.
    // From the bundle folder, beside its language hosts (the CLI takes those as bundled, without a warning).
    const child = spawn(join(bundle, "pulumi"), [...args, "--non-interactive"], {
      cwd: runOptions.cwd ?? project,
      env: { ...env, ...runOptions.env },
      detached: true,
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (c: Buffer) => {
      stdout += c.toString("utf8");
    });
    child.stderr.on("data", (c: Buffer) => {
      stderr += c.toString("utf8");
    });
    const done = new Promise<Run>((resolve, reject) => {
      const timer = setTimeout(() => child.kill("SIGKILL"), runOptions.timeoutMs ?? 15 * 60_000);
      child.on("error", reject);
      child.on("close", (code, signal) => {
        clearTimeout(timer);
        const run = { args, code: code ?? (signal ? -1 : 0), stdout, stderr };
        transcript.push(run);
        resolve(run);
      });
    });
    if (!child.pid) throw new Error(`could not start ${enginePath("pulumi")}`);
    return { pid: child.pid, output: () => `${stdout}\n${stderr}`, done };
  };

  return {
    cluster,
    root,
    project,
    transcript,
    env,
    start,
    pulumi: (args, runOptions) => start(args, runOptions).done,
    kubectl: (args, input) => kubectl(cluster, args, input),
    async dispose() {
      await down(cluster.dir);
      rmSync(root, { recursive: true, force: true });
    },
  };
}

/** `pulumi stack init <stack>` with the passphrase provider, failing loudly. */
export async function initStack(session: EngineSession, stack: string): Promise<void> {
  const init = await session.pulumi(["stack", "init", stack, "--secrets-provider", "passphrase"]);
  if (init.code !== 0) throw new Error(`pulumi stack init ${stack} failed:\n${init.stderr}`);
}

export async function startDeployment(stack: string): Promise<Deployment> {
  const session = await startSession({
    label: stack,
    nodes: 6,
    project: (root) => {
      const project = join(root, "project");
      mkdirSync(project);
      for (const entry of readdirSync(REPO_ROOT)) {
        if (/^Pulumi\..*yaml$/.test(entry) || entry === ".git") continue;
        symlinkSync(join(REPO_ROOT, entry), join(project, entry));
      }
      copyFileSync(join(REPO_ROOT, "Pulumi.yaml"), join(project, "Pulumi.yaml"));
      copyFileSync(join(REPO_ROOT, `Pulumi.${stack}.yaml`), join(project, `Pulumi.${stack}.yaml`));
      return project;
    },
  });
  const secrets = new Map<string, string>();
  const deployment: Deployment = {
    ...session,
    stack,
    secrets,
    async set(key, value, options = {}) {
      const args = [
        "config",
        "set",
        ...(options.secret ? ["--secret"] : []),
        ...(options.path ? ["--path"] : []),
      ];
      const run = await session.pulumi([...args, `${PROJECT}:${key}`, value]);
      if (run.code !== 0) throw new Error(`pulumi ${args.join(" ")} ${key} failed:\n${run.stderr}`);
      if (options.secret) secrets.set(key, value);
    },
  };
  await initStack(session, stack);
  return deployment;
}

/** A failed run as a readable test failure: the command and the CLI's own last words. */
export function explain(run: Run): string {
  const tail = (s: string) => s.trim().split("\n").slice(-60).join("\n");
  return `pulumi ${run.args.join(" ")} exited ${run.code}\n--- stdout\n${tail(run.stdout)}\n--- stderr\n${tail(run.stderr)}`;
}

/** The resources of the stack's state (`pulumi stack export`), secrets still encrypted. */
export interface StateResource {
  readonly urn: string;
  readonly type: string;
  readonly id?: string;
  readonly protect?: boolean;
  readonly outputs?: Record<string, unknown>;
}

export async function exportState(d: EngineSession): Promise<{ raw: string; resources: StateResource[] }> {
  const run = await d.pulumi(["stack", "export"]);
  if (run.code !== 0) throw new Error(explain(run));
  const parsed = JSON.parse(run.stdout) as { deployment: { resources?: StateResource[] } };
  return { raw: run.stdout, resources: parsed.deployment.resources ?? [] };
}

/** kind/namespace/name of every Kubernetes object the state says it manages. */
export function managedObjects(resources: readonly StateResource[]): Set<string> {
  const out = new Set<string>();
  for (const r of resources) {
    if (!r.type.startsWith("kubernetes:") || r.type === "pulumi:providers:kubernetes" || !r.id) continue;
    const kind = r.type.split(":").at(-1)!;
    // The provider's id is "<namespace>/<name>" for namespaced objects and "<name>" otherwise.
    const [ns, name] = r.id.includes("/") ? r.id.split("/") : ["", r.id];
    out.add(`${kind}/${ns}/${name}`);
  }
  return out;
}

/** Stack config as the committed file holds it (for the docs' checklist). */
export function committedConfig(stack: string): Record<string, unknown> {
  return (
    (
      parse(readFileSync(join(REPO_ROOT, `Pulumi.${stack}.yaml`), "utf8")) as {
        config?: Record<string, unknown>;
      }
    ).config ?? {}
  );
}

export function writeFile(path: string, text: string): string {
  writeFileSync(path, text);
  return path;
}
