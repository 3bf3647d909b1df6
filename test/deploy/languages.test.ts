import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  symlinkSync,
  utimesSync,
  writeFileSync,
} from "node:fs";
import { homedir } from "node:os";
import { delimiter, join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { REPO_ROOT } from "../../scripts/engines/build.js";
import { type EngineSession, explain, type Run, startSession } from "./harness.js";

/**
 * The component package used from Python and Go by the real CLI 3.276 (issue 25, part 2), in one engine
 * session (harness.ts: the CLI and its hosts, a file backend, a local control plane as KUBECONFIG).
 *
 * What runs, in order: `pulumi package get-schema <package dir>` (our Node.js host serves the package),
 * SDK generation for Python and Go, the Python example (examples/python) and the Go example
 * (examples/go), each under `pulumi preview` and `pulumi up` against the control plane, and a wrong Arg
 * from each language.
 *
 * Two stand-ins, both named in engines/README.md:
 * - docker: the package's node_modules holds @pulumi/docker, whose provider cannot be built here, so the
 *   schema's one docker reference (DevApp.container) cannot be resolved. A placeholder plugin is installed
 *   (never started) and a schema-only stand-in for docker (only `docker:index/container:Container`, no
 *   properties) goes into the CLI's own schema cache ($PULUMI_HOME/schemas/docker-<version>.json), which
 *   the CLI's loader reads instead of starting the plugin (pkg/codegen/schema/loader.go, loadSchemaBytes).
 *   Go compiles the whole generated package, DevApp's docker import with it: the stand-in's own Go SDK,
 *   generated from the stand-in schema under an example.com path, is what that import resolves to here.
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
/** Go module of the docker stand-in's generated SDK; its package `docker` is what DevApp's Go file imports. */
const DOCKER_STAND_IN_GO = "example.com/mcp-stack-docker-stand-in/go";
/** Module of the Go SDK `pulumi package add` generates for mcp-stack (asserted below). */
const MCP_STACK_GO = "example.com/pulumi-mcp-stack/sdk/go";
/** The Go example's namespace: the Python example's objects have the same names in "default". */
const GO_NAMESPACE = "go-example";

let session: EngineSession;
let work: string;
let pkg: string;
let sdk: string;
let venv: string;
let home: string;
let gensdk: string;
let schemaFile: string;
const NODE_MODULES = join(REPO_ROOT, "node_modules");

/** The Go toolchain's own settings (module cache, build cache, proxy), passed to go and to the Go host. */
const goEnv = (): Record<string, string> =>
  Object.fromEntries(
    Object.entries(process.env).filter((e): e is [string, string] => /^GO[A-Z]/.test(e[0]) && !!e[1]),
  );

interface Result {
  status: number | null;
  all: string;
  stdout: string;
}

/** A tool other than the CLI (pip, gensdk, go), with the session's environment. */
function run(cmd: string, args: string[], cwd: string, extra: NodeJS.ProcessEnv = {}): Result {
  const r = spawnSync(cmd, args, {
    cwd,
    env: { ...session.env, ...goEnv(), ...extra },
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

const pulumi = (args: string[], cwd: string, env: Record<string, string> = {}): Promise<Run> =>
  session.pulumi(args, { cwd, env, timeoutMs: 20 * 60_000 });
const all = (r: Run) => `${r.stdout}${r.stderr}`;
/**
 * The Python examples' environment. The 3.66.0 host reads `virtualenv` only from a command-line flag the
 * 3.276 CLI no longer passes, so it runs the first python3 of PATH: the venv's.
 */
const py = () => ({ PATH: `${join(venv, "bin")}${delimiter}${session.env.PATH}` });
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
  session = await startSession({
    label: "languages",
    nodes: 1,
    ambientKubeconfig: true,
    project: (root) => root,
  });
  work = session.root;
  home = session.env.PULUMI_HOME!;
  pkg = join(work, "package");
  sdk = join(work, "sdk");
  venv = join(work, "venv");

  // The docker stand-in: a placeholder plugin, then the schema-only stand-in in the CLI's schema cache,
  // written after the install (the loader takes a cached schema newer than the plugin's install time).
  const placeholder = join(work, "docker-placeholder");
  writeFileSync(placeholder, "#!/bin/sh\necho 'docker stand-in: schema only, never started' >&2\nexit 1\n", {
    mode: 0o755,
  });
  const install = await pulumi(
    ["plugin", "install", "resource", "docker", DOCKER_VERSION, "--file", placeholder],
    work,
  );
  expect(install.code, explain(install)).toBe(0);
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
      language: { go: { importBasePath: `${DOCKER_STAND_IN_GO}/docker` } },
      resources: {
        "docker:index/container:Container": { description: "stand-in", properties: {}, inputProperties: {} },
      },
    }),
  );
  const later = new Date(Date.now() + 60_000);
  utimesSync(standIn, later, later);

  linkPackage();
  gensdk = buildGensdk();
}, 60 * 60_000);

afterAll(async () => {
  await session?.dispose();
}, 5 * 60_000);

describe("the component package from Python and Go under CLI 3.276", { timeout: 20 * 60_000 }, () => {
  it("the CLI prints and binds the package's schema (our Node.js host serving the package)", async () => {
    // From outside the package: the CLI refuses a working directory with Pulumi.yaml and PulumiPlugin.yaml.
    const r = await pulumi(["package", "get-schema", pkg], work);
    expect(r.code, explain(r)).toBe(0);
    const schema = JSON.parse(r.stdout) as { name: string; resources: Record<string, unknown> };
    expect(schema.name).toBe("mcp-stack");
    expect(Object.keys(schema.resources)).toEqual(
      expect.arrayContaining(["mcp-stack:index:McpBackend", "mcp-stack:index:Redis"]),
    );
    schemaFile = join(work, "mcp-stack.schema.json");
    writeFileSync(schemaFile, r.stdout);
  });

  it("pulumi package gen-sdk reaches the language host, which (sdk 3.66.0) has no GeneratePackage", async () => {
    for (const language of ["python", "go"]) {
      const r = await pulumi(
        ["package", "gen-sdk", pkg, "--language", language, "--out", join(work, "cli-sdk")],
        work,
      );
      expect(r.code).not.toBe(0);
      expect(all(r)).toContain("unknown method GeneratePackage for service pulumirpc.LanguageRuntime");
    }
  });

  it("generates the Python and Go SDKs with pkg/v3 v3.276.0's codegen", () => {
    const docker = join(home, "schemas", `docker-${DOCKER_VERSION}.json`);
    const deps = ["-dep", docker, "-dep", join(home, "schemas", `kubernetes-${K8S_VERSION}.json`)];
    const generate = (schema: string, language: string, out: string) => {
      const r = run(
        gensdk,
        ["-package-add", "-schema", schema, ...deps, "-language", language, "-out", out],
        work,
      );
      expect(r.status, r.all).toBe(0);
    };
    generate(schemaFile, "python", join(sdk, "python"));
    generate(schemaFile, "go", join(sdk, "go"));
    generate(docker, "go", join(sdk, "docker-stand-in-go"));
    expect(existsSync(join(sdk, "python", "pulumi_mcp_stack", "mcp_backend.py"))).toBe(true);
    expect(readFileSync(join(sdk, "python", "setup.py"), "utf8")).toContain(
      `pulumi_kubernetes>=${K8S_VERSION}`,
    );
    expect(readFileSync(join(sdk, "go", "go.mod"), "utf8")).toContain(`module ${MCP_STACK_GO}\n`);
    expect(readFileSync(join(sdk, "docker-stand-in-go", "go.mod"), "utf8")).toContain(
      `module ${DOCKER_STAND_IN_GO}\n`,
    );
    expect(existsSync(join(sdk, "go", "mcpstack", "mcpBackend.go"))).toBe(true);
  });

  describe("Python (examples/python)", () => {
    const project = () => join(work, "python");

    it("a venv from PyPI with the generated SDK", async () => {
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
      mkdirSync(project());
      copyFileSync(join(REPO_ROOT, "examples", "python", "__main__.py"), join(project(), "__main__.py"));
      // What `pulumi package add` would write: the package's directory under `packages`.
      const manifest = readFileSync(join(REPO_ROOT, "examples", "python", "Pulumi.yaml"), "utf8")
        .replace("virtualenv: venv", `virtualenv: ${venv}`)
        .concat(`packages:\n  mcp-stack: ${pkg}\n`);
      writeFileSync(join(project(), "Pulumi.yaml"), manifest);
      const init = await pulumi(["stack", "init", "py", "--secrets-provider", "passphrase"], project());
      expect(init.code, explain(init)).toBe(0);
    });

    it("pulumi preview plans the Redis and the McpBackend with their Kubernetes objects", async () => {
      const r = await pulumi(["preview"], project(), py());
      expect(r.code, explain(r)).toBe(0);
      for (const s of [
        "mcp-stack:index:Redis",
        "mcp-stack:index:McpBackend",
        "statefulset/example-redis",
        "deployment/example-mcp",
      ])
        expect(all(r)).toContain(s);
    });

    it("pulumi up creates them; kubectl sees the StatefulSet and the Deployment", async () => {
      const r = await pulumi(["up", "--yes", "--skip-preview"], project(), py());
      expect(r.code, explain(r)).toBe(0);
      const outputs = JSON.parse((await pulumi(["stack", "output", "--json"], project(), py())).stdout);
      expect(outputs).toEqual({
        appUrl: "http://example-mcp.default.svc:80",
        redisUrl: "redis://example-redis:6379/0",
      });
      expect(
        session.kubectl(["-n", "default", "get", "statefulset", "example-redis", "-o", "name"]).trim(),
      ).toBe("statefulset.apps/example-redis");
      expect(
        session.kubectl(["-n", "default", "get", "deployment", "example-mcp", "-o", "name"]).trim(),
      ).toBe("deployment.apps/example-mcp");
    });

    it("without the generated SDK, the program says the pulumi package add line, not a traceback", async () => {
      const site = readdirSync(join(venv, "lib"))
        .map((python) => join(venv, "lib", python, "site-packages"))
        .find((dir) => existsSync(join(dir, "pulumi_mcp_stack")));
      expect(site, "the venv holds pulumi_mcp_stack").toBeDefined();
      const sdkDir = join(site!, "pulumi_mcp_stack");
      renameSync(sdkDir, `${sdkDir}.hidden`);
      try {
        const r = await pulumi(["preview"], project(), py());
        expect(r.code).not.toBe(0);
        expect(all(r)).toContain("mcp-stack's Python SDK (pulumi_mcp_stack) is not installed");
        expect(all(r)).toContain("pulumi package add <mcp-stack package directory>");
        expect(all(r)).not.toContain("Traceback");
      } finally {
        renameSync(`${sdkDir}.hidden`, sdkDir);
      }
    });

    it("a wrong Arg (replicas=-1) fails with the component's own message: property path and reason", async () => {
      const program = join(project(), "__main__.py");
      const good = readFileSync(program, "utf8");
      expect(good).toContain("replicas=1,");
      writeFileSync(program, good.replace("replicas=1,", "replicas=-1,"));
      try {
        const r = await pulumi(["preview"], project(), py());
        expect(r.code).not.toBe(0);
        expect(all(r)).toContain(
          "mcp-stack:index:McpBackend resource 'example-app' has a problem: Invalid McpBackend args:",
        );
        expect(all(r)).toContain("replicas must be an integer ≥ 1 (got -1)");
        expect(all(r)).toContain(
          "property replicas with value -1 has a problem: must be an integer ≥ 1 (got -1)",
        );
        // Known: the sdk 3.66.0 host's pulumi-language-python-exec then prints a Python traceback
        // ("resource monitor shut down") after the message; the test does not pretend otherwise.
      } finally {
        writeFileSync(program, good);
      }
    });
  });

  describe("Python: a wrong type and an unknown keyword", () => {
    const program = () => join(work, "python", "__main__.py");
    const previewWith = async (to: string) => {
      const good = readFileSync(program(), "utf8");
      writeFileSync(program(), good.replace("replicas=1,", to));
      try {
        return await pulumi(["preview"], join(work, "python"), py());
      } finally {
        writeFileSync(program(), good);
      }
    };

    it("a string where a number goes gets the component's message for that property", async () => {
      const r = await previewWith('replicas="one",');
      expect(r.code).not.toBe(0);
      expect(all(r)).toContain("replicas must be an integer ≥ 1 (got one)");
    });

    it("a misspelt keyword is refused by the generated class, naming the keyword", async () => {
      const r = await previewWith("replica=1,");
      expect(r.code).not.toBe(0);
      expect(all(r)).toMatch(/unexpected keyword argument 'replica'/);
    });
  });

  describe("Go (examples/go)", () => {
    const project = () => join(work, "go");
    const program = () => join(project(), "main.go");
    const go = (args: string[]) => run("go", args, project());

    it("the example and the generated SDK compile: go mod tidy, then go build", async () => {
      mkdirSync(project());
      for (const f of ["main.go", "go.mod", "go.sum"])
        copyFileSync(join(REPO_ROOT, "examples", "go", f), join(project(), f));
      // The link the 3.66.0 Go host cannot make (examples/README.md): `packages`, the SDK replaced in go.mod.
      writeFileSync(
        join(project(), "Pulumi.yaml"),
        readFileSync(join(REPO_ROOT, "examples", "go", "Pulumi.yaml"), "utf8").concat(
          `packages:\n  mcp-stack: ${pkg}\n`,
        ),
      );
      for (const [module, dir] of [
        [MCP_STACK_GO, join(sdk, "go")],
        [DOCKER_STAND_IN_GO, join(sdk, "docker-stand-in-go")],
      ] as const) {
        const r = go(["mod", "edit", "-replace", `${module}=${dir}`]);
        expect(r.status, r.all).toBe(0);
      }
      const tidy = go(["mod", "tidy"]);
      expect(tidy.status, tidy.all).toBe(0);
      // The whole generated package compiles, every component in it (codegen/go's plain arrays: infra/lib/plain-items.ts).
      const build = go(["build", "-o", join(work, "go-example"), "."]);
      expect(build.status, build.all).toBe(0);
      const vet = go(["vet", `${MCP_STACK_GO}/mcpstack`]);
      expect(vet.status, vet.all).toBe(0);
    });

    it("a misspelt field or a wrong type in the Args stops at compile time, naming both", () => {
      const good = readFileSync(program(), "utf8");
      expect(good).toContain("Replicas:  pulumi.Float64Ref(1),");
      try {
        writeFileSync(
          program(),
          good.replace("Replicas:  pulumi.Float64Ref(1),", "Replica: pulumi.Float64Ref(1),"),
        );
        const misspelt = go(["build", "-o", join(work, "go-bad"), "."]);
        expect(misspelt.status).not.toBe(0);
        expect(misspelt.all).toContain(
          "unknown field Replica in struct literal of type mcpstack.McpBackendArgs",
        );
        writeFileSync(program(), good.replace("Replicas:  pulumi.Float64Ref(1),", 'Replicas: "one",'));
        const wrongType = go(["build", "-o", join(work, "go-bad"), "."]);
        expect(wrongType.status).not.toBe(0);
        expect(wrongType.all).toMatch(
          /cannot use "one" \(untyped string constant\) as \S+ value in struct literal/,
        );
      } finally {
        writeFileSync(program(), good);
      }
    });

    it("pulumi preview, then pulumi up create the Redis and the McpBackend; kubectl sees them", async () => {
      session.kubectl(["create", "namespace", GO_NAMESPACE]);
      const init = await pulumi(["stack", "init", "go", "--secrets-provider", "passphrase"], project());
      expect(init.code, explain(init)).toBe(0);
      const set = await pulumi(["config", "set", "namespace", GO_NAMESPACE], project());
      expect(set.code, explain(set)).toBe(0);
      const preview = await pulumi(["preview"], project(), goEnv());
      expect(preview.code, explain(preview)).toBe(0);
      for (const s of ["mcp-stack:index:Redis", "mcp-stack:index:McpBackend", "statefulset/example-redis"])
        expect(all(preview)).toContain(s);
      const up = await pulumi(["up", "--yes", "--skip-preview"], project(), goEnv());
      expect(up.code, explain(up)).toBe(0);
      const outputs = JSON.parse((await pulumi(["stack", "output", "--json"], project())).stdout);
      expect(outputs).toEqual({
        appUrl: `http://example-mcp.${GO_NAMESPACE}.svc:80`,
        redisUrl: "redis://example-redis:6379/0",
      });
      const names = session.kubectl(["-n", GO_NAMESPACE, "get", "statefulset,deployment", "-o", "name"]);
      expect(names.trim().split("\n").sort()).toEqual([
        "deployment.apps/example-mcp",
        "statefulset.apps/example-redis",
      ]);
      const again = await pulumi(["preview", "--expect-no-changes"], project(), goEnv());
      expect(again.code, explain(again)).toBe(0);
    });

    it("a wrong Arg (Replicas -1) fails with the component's own message: property path and reason", async () => {
      const good = readFileSync(program(), "utf8");
      writeFileSync(
        program(),
        good.replace("Replicas:  pulumi.Float64Ref(1),", "Replicas:  pulumi.Float64Ref(-1),"),
      );
      try {
        const r = await pulumi(["preview"], project(), goEnv());
        expect(r.code).not.toBe(0);
        expect(all(r)).toContain("replicas must be an integer ≥ 1 (got -1)");
        expect(all(r)).toContain(
          "property replicas with value -1 has a problem: must be an integer ≥ 1 (got -1)",
        );
      } finally {
        writeFileSync(program(), good);
      }
    });
  });
});
