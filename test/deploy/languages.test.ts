import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  symlinkSync,
  utimesSync,
  writeFileSync,
} from "node:fs";
import { homedir, tmpdir } from "node:os";
import { delimiter, dirname, join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
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

/**
 * The component package used from Python and Go by the real CLI 3.276 (issue 25, part 2).
 *
 * What runs, in order: `pulumi package get-schema <package dir>` (our Node.js host serves the package),
 * SDK generation for Python and Go, the Python example (examples/python) under `pulumi preview` and
 * `pulumi up` against a local control plane, a wrong Arg from Python, and the Go SDK's generation.
 *
 * Two stand-ins, both named in engines/README.md:
 * - docker: the package's node_modules holds @pulumi/docker, whose provider cannot be built here, so the
 *   schema's one docker reference (DevApp.container) cannot be resolved. A placeholder plugin is installed
 *   (never started) and a schema-only stand-in for docker (only `docker:index/container:Container`, no
 *   properties) goes into the CLI's own schema cache ($PULUMI_HOME/schemas/docker-<version>.json), which
 *   the CLI's loader reads instead of starting the plugin (pkg/codegen/schema/loader.go, loadSchemaBytes).
 * - SDK generation: the buildable Python and Go hosts (sdk 3.66.0) answer the CLI's GeneratePackage with
 *   "unknown method", so `pulumi package gen-sdk` stops there (asserted below). test/deploy/languages/gensdk
 *   does what the 3.276 hosts do in GeneratePackage: codegen/python and codegen/go of pkg/v3 v3.276.0 on the
 *   schema the CLI printed, with SupportPack on as `pulumi package add` sets it.
 */
const DOCKER_VERSION = JSON.parse(
  readFileSync(join(REPO_ROOT, "node_modules/@pulumi/docker/package.json"), "utf8"),
).version as string;
const K8S_VERSION = JSON.parse(
  readFileSync(join(REPO_ROOT, "node_modules/@pulumi/kubernetes/package.json"), "utf8"),
).version as string;
/** The newest `pulumi` on PyPI: 3.276.0 (the CLI's version) has no wheel there. */
const PYTHON_PULUMI = "3.272.0";

const work = mkdtempSync(join(tmpdir(), "mcp-stack-languages-"));
const home = join(work, "pulumi-home");
const pkg = join(work, "package");
const sdk = join(work, "sdk");
const venv = join(work, "venv");
const NODE_MODULES = join(REPO_ROOT, "node_modules");
let env: NodeJS.ProcessEnv;
let bundle: string;
let cluster: ClusterState | undefined;
let gensdk: string;
let schemaFile: string;

interface Result {
  status: number | null;
  all: string;
  stdout: string;
}

function run(cmd: string, args: string[], cwd: string, extra: NodeJS.ProcessEnv = {}): Result {
  const r = spawnSync(cmd, args, {
    cwd,
    env: { ...env, ...extra },
    encoding: "utf8",
    timeout: 20 * 60_000,
    maxBuffer: 64 * 1024 * 1024,
  });
  return {
    status: r.status,
    stdout: r.stdout ?? "",
    all: `${r.stdout ?? ""}${r.stderr ?? ""}${r.error ?? ""}`,
  };
}

const pulumi = (args: string[], cwd: string, extra: NodeJS.ProcessEnv = {}) =>
  run(join(bundle, "pulumi"), [...args, "--non-interactive"], cwd, extra);

/**
 * A copy of the checkout made of links, with its own dist/ (as test/engines/language-host.test.ts).
 * MCP_STACK_PACKAGE_SOURCE names another tree of the sources (say a `git archive` of a commit) to serve.
 */
function linkPackage() {
  const source = process.env.MCP_STACK_PACKAGE_SOURCE ?? REPO_ROOT;
  mkdirSync(join(pkg, "node_modules", "@mcp-stack"), { recursive: true });
  for (const name of readdirSync(source)) {
    if (![".git", ".tools", "dist", "node_modules"].includes(name) && !/^Pulumi\..*yaml$/.test(name))
      symlinkSync(join(source, name), join(pkg, name));
  }
  for (const name of readdirSync(NODE_MODULES)) {
    if (name !== "@mcp-stack") symlinkSync(join(NODE_MODULES, name), join(pkg, "node_modules", name));
  }
  const contract = join(work, "contract");
  mkdirSync(contract);
  symlinkSync(join(source, "contract", "package.json"), join(contract, "package.json"));
  symlinkSync(contract, join(pkg, "node_modules", "@mcp-stack", "contract"));
  const tsc = join(NODE_MODULES, "typescript", "bin", "tsc");
  // Type errors (the contract's declarations are not in the checkout) do not stop the JavaScript.
  spawnSync(process.execPath, [tsc, "-p", "tsconfig.build.json", "--outDir", join(contract, "dist")], {
    cwd: join(source, "contract"),
  });
  spawnSync(process.execPath, [tsc, "-p", "tsconfig.build.json", "--outDir", join(pkg, "dist")], {
    cwd: source,
  });
}

/** test/deploy/languages/gensdk, built once per source hash into the engines' cache, outside the repo. */
function buildGensdk(): string {
  const src = join(REPO_ROOT, "test", "deploy", "languages", "gensdk");
  const hash = createHash("sha256");
  for (const f of ["go.mod", "go.sum", "main.go"]) hash.update(readFileSync(join(src, f)));
  const cache =
    process.env.MCP_STACK_ENGINES_CACHE ??
    join(process.env.XDG_CACHE_HOME ?? join(homedir(), ".cache"), "mcp-stack", "engines");
  const bin = join(cache, `gensdk-${hash.digest("hex").slice(0, 12)}`, "gensdk");
  if (!existsSync(bin)) {
    const r = spawnSync("go", ["build", "-o", bin, "."], {
      cwd: src,
      env: { ...process.env, GOFLAGS: "-mod=readonly", GOTOOLCHAIN: "local", CGO_ENABLED: "0" },
      encoding: "utf8",
    });
    if (r.status !== 0) throw new Error(`go build of gensdk failed:\n${r.stderr}`);
  }
  return bin;
}

beforeAll(async () => {
  const resolved = ensureEngines((line) => process.stderr.write(`engines: ${line}\n`));
  bundle = bundleDir(resolved);
  mkdirSync(home);
  mkdirSync(join(work, "state"));
  env = {
    PATH: enginesPath(resolved, [dirname(process.execPath), process.env.PATH].join(delimiter)),
    HOME: process.env.HOME,
    TMPDIR: process.env.TMPDIR,
    GOPATH: process.env.GOPATH,
    GOMODCACHE: process.env.GOMODCACHE,
    GOCACHE: process.env.GOCACHE,
    PULUMI_HOME: home,
    PULUMI_BACKEND_URL: `file://${join(work, "state")}`,
    PULUMI_CONFIG_PASSPHRASE: "languages-test",
    PULUMI_SKIP_UPDATE_CHECK: "true",
    PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: "true",
    NO_COLOR: "1",
  };
  for (const k of Object.keys(env)) if (env[k] === undefined) delete env[k];
  installProviderPlugin(enginePath("pulumi"), enginePath("pulumi-resource-kubernetes"), home);

  // The docker stand-in: a placeholder plugin, then the schema-only stand-in in the CLI's schema cache,
  // written after the install (the loader takes a cached schema newer than the plugin's install time).
  const placeholder = join(work, "docker-placeholder");
  writeFileSync(placeholder, "#!/bin/sh\necho 'docker stand-in: schema only, never started' >&2\nexit 1\n", {
    mode: 0o755,
  });
  const install = pulumi(
    ["plugin", "install", "resource", "docker", DOCKER_VERSION, "--file", placeholder],
    work,
  );
  expect(install.status, install.all).toBe(0);
  mkdirSync(join(home, "schemas"));
  const standIn = join(home, "schemas", `docker-${DOCKER_VERSION}.json`);
  writeFileSync(
    standIn,
    JSON.stringify({
      name: "docker",
      version: DOCKER_VERSION,
      description:
        "STAND-IN (mcp-stack test/deploy/languages.test.ts): only the docker type mcp-stack's schema refers to, without properties. Not the docker provider's schema.",
      meta: { moduleFormat: "(.*)(?:/[^/]*)" },
      resources: {
        "docker:index/container:Container": { description: "stand-in", properties: {}, inputProperties: {} },
      },
    }),
  );
  const later = new Date(Date.now() + 60_000);
  utimesSync(standIn, later, later);

  linkPackage();
  gensdk = buildGensdk();
  cluster = await up({
    dir: join(clustersRoot(), `test-languages-${process.pid}`),
    owner: selfRecord(),
    nodes: 1,
  });
  env.KUBECONFIG = cluster.kubeconfig;
}, 60 * 60_000);

afterAll(async () => {
  if (cluster) await down(cluster.dir);
  rmSync(work, { recursive: true, force: true });
}, 5 * 60_000);

describe("the component package from Python and Go under CLI 3.276", { timeout: 20 * 60_000 }, () => {
  it("the CLI prints and binds the package's schema (our Node.js host serving the package)", () => {
    // From outside the package: the CLI refuses a working directory with Pulumi.yaml and PulumiPlugin.yaml.
    const r = pulumi(["package", "get-schema", pkg], work);
    expect(r.status, r.all).toBe(0);
    const schema = JSON.parse(r.stdout) as { name: string; resources: Record<string, unknown> };
    expect(schema.name).toBe("mcp-stack");
    expect(Object.keys(schema.resources)).toEqual(
      expect.arrayContaining(["mcp-stack:index:McpBackend", "mcp-stack:index:Redis"]),
    );
    schemaFile = join(work, "mcp-stack.schema.json");
    writeFileSync(schemaFile, r.stdout);
  });

  it("pulumi package gen-sdk reaches the language host, which (sdk 3.66.0) has no GeneratePackage", () => {
    for (const language of ["python", "go"]) {
      const r = pulumi(
        ["package", "gen-sdk", pkg, "--language", language, "--out", join(work, "cli-sdk")],
        work,
      );
      expect(r.status).not.toBe(0);
      expect(r.all).toContain("unknown method GeneratePackage for service pulumirpc.LanguageRuntime");
    }
  });

  it("generates the Python and Go SDKs with pkg/v3 v3.276.0's codegen", () => {
    const deps = ["-dep", join(home, "schemas", `docker-${DOCKER_VERSION}.json`)];
    deps.push("-dep", join(home, "schemas", `kubernetes-${K8S_VERSION}.json`));
    for (const language of ["python", "go"]) {
      const r = run(
        gensdk,
        ["-package-add", "-schema", schemaFile, ...deps, "-language", language, "-out", join(sdk, language)],
        work,
      );
      expect(r.status, r.all).toBe(0);
    }
    expect(existsSync(join(sdk, "python", "pulumi_mcp_stack", "mcp_backend.py"))).toBe(true);
    expect(readFileSync(join(sdk, "python", "setup.py"), "utf8")).toContain(
      `pulumi_kubernetes>=${K8S_VERSION}`,
    );
    expect(readFileSync(join(sdk, "go", "go.mod"), "utf8")).toContain(
      "module example.com/pulumi-mcp-stack/sdk/go",
    );
    expect(existsSync(join(sdk, "go", "mcpstack", "mcpBackend.go"))).toBe(true);
  });

  describe("Python (examples/python)", () => {
    const project = join(work, "python");

    it("a venv from PyPI with the generated SDK", () => {
      expect(run("python3", ["-m", "venv", venv], work).status).toBe(0);
      const pip = join(venv, "bin", "pip");
      const r = run(
        pip,
        [
          "install",
          "-q",
          `pulumi==${PYTHON_PULUMI}`,
          `pulumi-kubernetes==${K8S_VERSION}`,
          `pulumi-docker==${DOCKER_VERSION}`,
          join(sdk, "python"),
        ],
        work,
      );
      expect(r.status, r.all).toBe(0);
      mkdirSync(project);
      copyFileSync(join(REPO_ROOT, "examples", "python", "__main__.py"), join(project, "__main__.py"));
      // What `pulumi package add` would write: the package's directory under `packages`.
      const manifest = readFileSync(join(REPO_ROOT, "examples", "python", "Pulumi.yaml"), "utf8")
        .replace("virtualenv: venv", `virtualenv: ${venv}`)
        .concat(`packages:\n  mcp-stack: ${pkg}\n`);
      writeFileSync(join(project, "Pulumi.yaml"), manifest);
      expect(pulumi(["stack", "init", "py", "--secrets-provider", "passphrase"], project).status).toBe(0);
    });

    // The 3.66.0 host reads `virtualenv` only from a command-line flag the 3.276 CLI no longer passes, so
    // it runs the first python3 of PATH: the venv's.
    const py = (): NodeJS.ProcessEnv => ({ PATH: `${join(venv, "bin")}${delimiter}${env.PATH}` });

    it("pulumi preview plans the Redis and the McpBackend with their Kubernetes objects", () => {
      const r = pulumi(["preview"], project, py());
      expect(r.status, r.all).toBe(0);
      for (const s of [
        "mcp-stack:index:Redis",
        "mcp-stack:index:McpBackend",
        "statefulset/example-redis",
        "deployment/example-mcp",
      ])
        expect(r.all).toContain(s);
    });

    it("pulumi up creates them; kubectl sees the StatefulSet and the Deployment", () => {
      const r = pulumi(["up", "--yes", "--skip-preview"], project, py());
      expect(r.status, r.all).toBe(0);
      const outputs = JSON.parse(pulumi(["stack", "output", "--json"], project, py()).stdout);
      expect(outputs).toEqual({
        appUrl: "http://example-mcp.default.svc:80",
        redisUrl: "redis://example-redis:6379/0",
      });
      expect(
        kubectl(cluster!, ["-n", "default", "get", "statefulset", "example-redis", "-o", "name"]).trim(),
      ).toBe("statefulset.apps/example-redis");
      expect(
        kubectl(cluster!, ["-n", "default", "get", "deployment", "example-mcp", "-o", "name"]).trim(),
      ).toBe("deployment.apps/example-mcp");
    });

    it("without the generated SDK, the program says the pulumi package add line, not a traceback", () => {
      const site = readdirSync(join(venv, "lib"))
        .map((python) => join(venv, "lib", python, "site-packages"))
        .find((dir) => existsSync(join(dir, "pulumi_mcp_stack")));
      expect(site, "the venv holds pulumi_mcp_stack").toBeDefined();
      const sdkDir = join(site!, "pulumi_mcp_stack");
      renameSync(sdkDir, `${sdkDir}.hidden`);
      try {
        const r = pulumi(["preview"], project, py());
        expect(r.status).not.toBe(0);
        expect(r.all).toContain("mcp-stack's Python SDK (pulumi_mcp_stack) is not installed");
        expect(r.all).toContain("pulumi package add <mcp-stack package directory>");
        expect(r.all).not.toContain("Traceback");
      } finally {
        renameSync(`${sdkDir}.hidden`, sdkDir);
      }
    });

    it("a wrong Arg (replicas=-1) fails with the component's own message: property path and reason", () => {
      const program = join(project, "__main__.py");
      const good = readFileSync(program, "utf8");
      expect(good).toContain("replicas=1,");
      writeFileSync(program, good.replace("replicas=1,", "replicas=-1,"));
      try {
        const r = pulumi(["preview"], project, py());
        expect(r.status).not.toBe(0);
        expect(r.all).toContain(
          "mcp-stack:index:McpBackend resource 'example-app' has a problem: Invalid McpBackend args:",
        );
        expect(r.all).toContain("replicas must be an integer ≥ 1 (got -1)");
        expect(r.all).toContain(
          "property replicas with value -1 has a problem: must be an integer ≥ 1 (got -1)",
        );
        // Known: the sdk 3.66.0 host's pulumi-language-python-exec then prints a Python traceback
        // ("resource monitor shut down") after the message; the test does not pretend otherwise.
      } finally {
        writeFileSync(program, good);
      }
    });
  });

  describe("Go (examples/go)", () => {
    it("the generated SDK is a module the example can replace in (its build: engines/README.md)", () => {
      const mod = readFileSync(join(sdk, "go", "go.mod"), "utf8");
      expect(mod).toContain("github.com/pulumi/pulumi/sdk/v3");
      const backend = readFileSync(join(sdk, "go", "mcpstack", "mcpBackend.go"), "utf8");
      expect(backend).toContain("func NewMcpBackend(ctx *pulumi.Context");
      expect(readFileSync(join(REPO_ROOT, "examples", "go", "main.go"), "utf8")).toContain(
        '"example.com/pulumi-mcp-stack/sdk/go/mcpstack"',
      );
    });
  });
});
