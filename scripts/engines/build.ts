import { execFileSync, spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import {
  chmodSync,
  copyFileSync,
  cpSync,
  existsSync,
  linkSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { homedir } from "node:os";
import { delimiter, dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { ENGINE_MODULES, type EngineModule, VERSIONS } from "../../engines/manifest.js";

export const REPO_ROOT = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
export const ENGINES_DIR = join(REPO_ROOT, "engines");

/** An engine that cannot be had; the message names the cause and the fix. */
export class EngineError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "EngineError";
  }
}

/**
 * Where built engines live: outside the repository so a fresh clone, a worktree and CI on the same
 * machine share them. MCP_STACK_ENGINES_CACHE overrides it.
 */
export function cacheRoot(env: NodeJS.ProcessEnv = process.env): string {
  if (env.MCP_STACK_ENGINES_CACHE) return env.MCP_STACK_ENGINES_CACHE;
  const xdg = env.XDG_CACHE_HOME || join(homedir(), ".cache");
  return join(xdg, "mcp-stack", "engines");
}

/** Where one module's binaries are (or will be), and how they got there. */
export interface ResolvedModule {
  readonly module: EngineModule;
  /** The folder holding every binary and file of the module. */
  readonly binDir: string;
  readonly source: "installed" | "cached" | "built" | "missing";
}

function goVersion(): string {
  const r = spawnSync("go", ["env", "GOVERSION"], { encoding: "utf8", env: goEnv() });
  if (r.error || r.status !== 0) {
    throw new EngineError(
      "the engines are built with Go, and `go` is not on PATH: install Go 1.26 (Debian: apt-get install golang-1.26, " +
        "or https://go.dev/dl) and run `npm run engines` again",
    );
  }
  return r.stdout.trim();
}

function goEnv(): NodeJS.ProcessEnv {
  // Static binaries, the machine's own Go (a toolchain line must never trigger a download), and go.sum
  // as committed: a build never rewrites the build modules.
  return { ...process.env, CGO_ENABLED: "0", GOTOOLCHAIN: "local", GOFLAGS: "-mod=readonly" };
}

/** The cache key: every build input of the module (its go.mod, go.sum and sources, the manifest entry, Go). */
export function moduleKey(module: EngineModule, go: string): string {
  const hash = createHash("sha256");
  hash.update(JSON.stringify(module));
  hash.update(go);
  const dir = join(ENGINES_DIR, module.dir);
  for (const name of readdirSync(dir).sort()) {
    if (/\.(go|mod|sum)$/.test(name)) hash.update(name).update(readFileSync(join(dir, name)));
  }
  return `${module.dir}-${module.version}-${hash.digest("hex").slice(0, 12)}`;
}

/** A binary already on PATH at the pinned version (a laptop's Pulumi CLI, envtest's binaries). */
function installedDir(module: EngineModule, env: NodeJS.ProcessEnv): string | undefined {
  const probe = module.probe;
  if (!probe) return undefined;
  const root = cacheRoot(env);
  for (const dir of (env.PATH ?? "").split(delimiter)) {
    if (!dir || dir.startsWith(root)) continue;
    const bin = join(dir, probe.binary);
    if (!existsSync(bin)) continue;
    const r = spawnSync(bin, [...probe.args], { encoding: "utf8", timeout: 20_000 });
    const said = `${r.stdout ?? ""}${r.stderr ?? ""}`;
    // Every binary of the module must be there too (kube-apiserver without kube-scheduler is no use).
    const all = Object.keys(module.binaries).every((name) => existsSync(join(dir, name)));
    if (said.includes(probe.expect) && all) return dir;
    return undefined;
  }
  return undefined;
}

export function resolveModule(module: EngineModule, env: NodeJS.ProcessEnv = process.env): ResolvedModule {
  const installed = installedDir(module, env);
  if (installed) return { module, binDir: installed, source: "installed" };
  const out = join(cacheRoot(env), moduleKey(module, goVersion()));
  const binDir = join(out, "bin");
  return { module, binDir, source: existsSync(join(out, ".complete")) ? "cached" : "missing" };
}

function go(args: readonly string[], cwd: string, log: (line: string) => void): string {
  log(`go ${args.join(" ")}`);
  const r = spawnSync("go", [...args], { cwd, env: goEnv(), encoding: "utf8", maxBuffer: 64 * 1024 * 1024 });
  if (r.status !== 0) {
    const tail = `${r.stderr ?? ""}${r.stdout ?? ""}`.trim().split("\n").slice(-25).join("\n");
    throw new EngineError(`\`go ${args.join(" ")}\` failed in ${cwd}:\n${tail}`);
  }
  return r.stdout;
}

/**
 * Where a dependency of a build module sits in the module cache, downloading it first: `go list -m`
 * alone prints an empty Dir for a module no build has fetched yet (a cold cache).
 */
function moduleDir(src: string, modulePath: string, log: (line: string) => void): string {
  const info = JSON.parse(go(["mod", "download", "-json", modulePath], src, log)) as {
    Dir?: string;
    Error?: string;
  };
  if (!info.Dir)
    throw new EngineError(`go mod download ${modulePath} gave no folder: ${info.Error ?? "no error"}`);
  return info.Dir;
}

/** pulumi-resource-kubernetes embeds its schema; upstream generates these two files at build time. */
function writeProviderEmbeds(src: string, log: (line: string) => void): void {
  const dir = moduleDir(src, "github.com/pulumi/pulumi-kubernetes/provider/v4", log);
  const cmd = join(dir, "cmd", "pulumi-resource-kubernetes");
  const schema = JSON.parse(readFileSync(join(cmd, "schema.json"), "utf8")) as Record<string, unknown>;
  schema.version = VERSIONS.kubernetesProvider;
  writeFileSync(join(src, "schema-embed.json"), JSON.stringify(schema));
  const mapping = JSON.parse(readFileSync(join(cmd, "terraform-mapping.json"), "utf8")) as unknown;
  writeFileSync(join(src, "terraform-mapping-embed.json"), JSON.stringify(mapping));
}

/** Waits for another process building the same module (parallel test workers, two terminals). */
function withLock<T>(path: string, fn: () => T): T {
  const deadline = Date.now() + 90 * 60_000;
  for (;;) {
    try {
      mkdirSync(path);
      writeFileSync(join(path, "pid"), String(process.pid));
      break;
    } catch {
      const pid = Number(readFileSync(join(path, "pid"), "utf8").trim() || "0");
      let alive = false;
      try {
        if (pid > 0) process.kill(pid, 0);
        alive = pid > 0;
      } catch {
        alive = false;
      }
      if (!alive) {
        rmSync(path, { recursive: true, force: true });
        continue;
      }
      if (Date.now() > deadline) throw new EngineError(`gave up waiting for pid ${pid}, which holds ${path}`);
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 2000);
    }
  }
  try {
    return fn();
  } finally {
    rmSync(path, { recursive: true, force: true });
  }
}

export function buildModule(module: EngineModule, log: (line: string) => void = () => {}): ResolvedModule {
  const resolved = resolveModule(module);
  if (resolved.source !== "missing") return resolved;
  const out = dirname(resolved.binDir);
  mkdirSync(dirname(out), { recursive: true });
  return withLock(`${out}.lock`, () => {
    if (existsSync(join(out, ".complete"))) return { ...resolved, source: "cached" as const };
    const work = `${out}.partial`;
    rmSync(work, { recursive: true, force: true });
    const src = join(work, "src");
    cpSync(join(ENGINES_DIR, module.dir), src, { recursive: true, filter: (p) => !p.endsWith(".md") });
    if (module.dir === "kubernetes-provider") writeProviderEmbeds(src, log);
    const bin = join(work, "bin");
    mkdirSync(bin, { recursive: true });
    for (const [name, pkg] of Object.entries(module.binaries)) {
      const args = ["build", "-trimpath", "-o", join(bin, name)];
      if (module.tags?.length) args.push("-tags", module.tags.join(","));
      args.push("-ldflags", ["-s", "-w", ...(module.ldflags ?? [])].join(" "));
      args.push(pkg);
      go(args, src, log);
    }
    for (const file of module.files ?? []) {
      const from = join(moduleDir(src, file.module, log), file.path);
      const to = join(bin, file.as);
      mkdirSync(dirname(to), { recursive: true });
      copyFileSync(from, to);
      chmodSync(to, file.executable ? 0o755 : 0o644);
    }
    rmSync(src, { recursive: true, force: true });
    writeFileSync(join(work, ".complete"), `${new Date().toISOString()}\n`);
    rmSync(out, { recursive: true, force: true });
    renameSync(work, out);
    return { ...resolved, source: "built" as const };
  });
}

/** Every module, built where missing. */
export function ensureEngines(log: (line: string) => void = () => {}): ResolvedModule[] {
  return ENGINE_MODULES.map((module) => {
    const started = Date.now();
    const r = buildModule(module, log);
    if (r.source === "built")
      log(`built ${module.dir} ${module.version} in ${Math.round((Date.now() - started) / 1000)} s`);
    return r;
  });
}

/** The path of one engine binary (or module file), building its module first when needed. */
export function enginePath(name: string, log?: (line: string) => void): string {
  const module = ENGINE_MODULES.find(
    (m) => name in m.binaries || (m.files ?? []).some((f) => f.as === name || f.as.startsWith(`${name}/`)),
  );
  if (!module) throw new EngineError(`no engine is named ${name}; engines/manifest.ts lists them`);
  return join(buildModule(module, log).binDir, name);
}

/**
 * One folder holding every engine binary, as hard links. The CLI takes a language host that sits next to
 * its own executable as bundled (sdk/go/common/workspace/plugins.go, GetPluginPath: it compares
 * filepath.EvalSymlinks of both), and warns on every run about one found elsewhere on PATH; symbolic
 * links would resolve back to the module folders, hard links do not.
 */
export function bundleDir(resolved: readonly ResolvedModule[], env: NodeJS.ProcessEnv = process.env): string {
  // The layout rule is part of the key: a bundle made under another rule is not reused.
  const key = createHash("sha256")
    .update(`layout 2\n${resolved.map((r) => r.binDir).join("\n")}`)
    .digest("hex")
    .slice(0, 12);
  const dir = join(cacheRoot(env), `bin-${key}`);
  if (existsSync(join(dir, ".complete"))) return dir;
  const work = `${dir}.partial-${process.pid}`;
  rmSync(work, { recursive: true, force: true });
  mkdirSync(work, { recursive: true });
  for (const r of resolved) {
    for (const entry of readdirSync(r.binDir, { withFileTypes: true })) {
      // Providers go into the Pulumi plugin cache instead (installProviderPlugin): found on PATH, the CLI
      // would warn on every run that it uses an ambient plugin.
      if (!entry.isFile() || entry.name.startsWith("pulumi-resource-") || existsSync(join(work, entry.name)))
        continue;
      try {
        linkSync(join(r.binDir, entry.name), join(work, entry.name));
      } catch {
        // Another file system (an installed binary outside the cache): a copy does as well.
        copyFileSync(join(r.binDir, entry.name), join(work, entry.name));
        chmodSync(join(work, entry.name), 0o755);
      }
    }
  }
  writeFileSync(join(work, ".complete"), "");
  try {
    renameSync(work, dir);
  } catch {
    // Made meanwhile by another process: theirs is as good.
    rmSync(work, { recursive: true, force: true });
  }
  return dir;
}

/** The PATH a shell (or a test) needs for every engine: the bundle first, then what was there. */
export function enginesPath(resolved: readonly ResolvedModule[], base = process.env.PATH ?? ""): string {
  return [bundleDir(resolved), base].filter(Boolean).join(delimiter);
}

/**
 * Registers the provider binary in a Pulumi home's plugin cache (`pulumi plugin install --file`), where
 * the CLI looks for `kubernetes` at the version the SDK asks for, instead of downloading it.
 */
export function installProviderPlugin(pulumiBin: string, providerBin: string, pulumiHome?: string): void {
  const env = {
    ...process.env,
    PULUMI_SKIP_UPDATE_CHECK: "true",
    ...(pulumiHome ? { PULUMI_HOME: pulumiHome } : {}),
  };
  const list = spawnSync(pulumiBin, ["plugin", "ls", "--json"], { encoding: "utf8", env });
  const installed = (
    JSON.parse(list.stdout || "[]") as { name: string; kind: string; version: string }[]
  ).some(
    (p) => p.kind === "resource" && p.name === "kubernetes" && p.version === VERSIONS.kubernetesProvider,
  );
  if (installed) return;
  const r = spawnSync(
    pulumiBin,
    ["plugin", "install", "resource", "kubernetes", VERSIONS.kubernetesProvider, "--file", providerBin],
    { encoding: "utf8", env },
  );
  if (r.status !== 0) throw new EngineError(`pulumi plugin install of ${providerBin} failed:\n${r.stderr}`);
}

/** The size of a module's bin folder, for `status`. */
export function folderBytes(dir: string): number {
  if (!existsSync(dir)) return 0;
  let total = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, entry.name);
    total += entry.isDirectory() ? folderBytes(p) : statSync(p).size;
  }
  return total;
}

/** `go version` of this machine, for reports. */
export function goVersionLine(): string {
  return execFileSync("go", ["version"], { encoding: "utf8", env: goEnv() }).trim();
}
